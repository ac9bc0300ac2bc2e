public import Foundation

/// Reading and writing the rules' JSON (data files and dry-run input/output), mapping decoding
/// failures to ``DataFileError`` with the JSON path of the field.
public enum RulesJSON {
    /// Decodes `type` from `data`; `name` is the file or input name used in errors.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, name: String) throws(DataFileError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw map(error, name: name)
        } catch {
            throw DataFileError(file: name, field: "", rule: "json-syntax", message: "无法读取 / unreadable: \(error)")
        }
    }

    /// Encodes `value` as pretty-printed JSON with sorted keys and unescaped slashes.
    public static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding our own DTOs cannot fail: no non-finite floats, string keys only.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// `units[3].scores.key_tasks` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    static func map(_ error: DecodingError, name: String) -> DataFileError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return DataFileError(file: name, field: field, rule: "missing-field", message: "缺少字段“\(key.stringValue)” / missing field")
        case .typeMismatch(let type, let context):
            return DataFileError(
                file: name,
                field: path(context.codingPath),
                rule: "wrong-type",
                message: "类型不对,应为\(describe(type)) / wrong type, expected \(describe(type))"
            )
        case .valueNotFound(let type, let context):
            return DataFileError(
                file: name,
                field: path(context.codingPath),
                rule: "missing-value",
                message: "缺少值,应为\(describe(type)) / value missing"
            )
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return DataFileError(
                    file: name,
                    field: "",
                    rule: "json-syntax",
                    message: "不是有效的 JSON / not valid JSON: \(context.debugDescription)"
                )
            }
            return DataFileError(
                file: name,
                field: path(context.codingPath),
                rule: "invalid-value",
                message: context.debugDescription
            )
        @unknown default:
            return DataFileError(file: name, field: "", rule: "json-syntax", message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "字符串 string"
        case is Bool.Type: "true/false"
        case is Int.Type: "整数 integer"
        case is Decimal.Type, is Double.Type: "数字 number"
        default: "\(type)"
        }
    }
}
