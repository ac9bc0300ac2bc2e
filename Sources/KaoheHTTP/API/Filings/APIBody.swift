import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// Reading request bodies and writing JSON responses for the cycle and filing API: size limits
/// answered with 413, malformed JSON with 400 and wrong fields with 422, each a problem naming the
/// field as a JSON pointer (`/scores/key_tasks`) or, for syntax errors, `line N, column M`.
enum APIBody {
    /// Reads the whole body, refusing more than `limit` bytes with a 413 problem.
    static func read(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            await drain(request, declared: length)
            throw tooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit: limit)
        }
    }

    /// Reads the body into `request` (so it can be read again), refusing more than `limit` bytes.
    static func buffer(_ request: inout Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            await drain(request, declared: length)
            throw tooLarge(limit: limit)
        }
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit: limit)
        }
    }

    /// The most an early refusal reads of a body it will not use (64 MiB, the server's upload limit).
    static let drainLimit = 64 * 1024 * 1024

    /// Reads and drops the body of a request refused before its body was read, so that a client
    /// that sends its whole body before reading the answer (Python's http.client, most scripts) gets
    /// to read the 413: with `Connection: close` the server stops reading after answering, and such
    /// a client would wait on a full socket buffer until its own timeout. Bounded by `drainLimit`; a
    /// larger body is not read (the connection closes with it unread).
    static func drain(_ request: Request, declared length: Int) async {
        guard length <= drainLimit else { return }
        var read = 0
        do {
            for try await chunk in request.body {
                read += chunk.readableBytes
                if read > drainLimit { break }
            }
        } catch {
            // The client went away: nothing to answer.
        }
    }

    /// 413 with the limit.
    static func tooLarge(limit: Int) -> ProblemDetails {
        ProblemDetails(
            status: .contentTooLarge,
            type: "/problems/too-large",
            title: "请求体过大 Content too large",
            detail: "请求体超过本接口上限 \(limit) 字节 / the body exceeds this endpoint's limit of \(limit) bytes.",
            rule: "body.max-size"
        )
    }

    /// Requires the request's media type to be one of `types` (parameters such as charset ignored).
    static func requireMediaType(_ request: Request, _ types: [String]) throws {
        let type = mediaType(request)
        guard let type, types.contains(type) else {
            throw ProblemDetails(
                status: .unsupportedMediaType,
                type: "/problems/media-type",
                title: "不支持的内容类型 Unsupported media type",
                detail: "Content-Type 应为 \(types.joined(separator: " 或 ")),收到 \(type ?? "无") / send \(types.joined(separator: " or "))",
                field: "Content-Type",
                rule: "body.media-type"
            )
        }
    }

    /// The media type of the body, lowercased, without parameters.
    static func mediaType(_ request: Request) -> String? {
        request.headers[.contentType].map {
            String($0.split(separator: ";", maxSplits: 1).first ?? "").trimmingBlanks().lowercased()
        }
    }

    /// Decodes JSON, translating every failure into a problem with the field.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        // PostgreSQL text (and jsonb) cannot hold U+0000: refuse it up front rather than fail in the store.
        if bytes.count >= 6, let at = escapedNUL(in: bytes) {
            let before = bytes[..<at]
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = before.count - ((before.lastIndex(of: UInt8(ascii: "\n"))).map { $0 + 1 } ?? 0) + 1
            throw ProblemDetails(
                status: .unprocessableContent,
                type: "/problems/invalid",
                title: "数据不符合规则 Invalid data",
                detail: "文本中不能含有 U+0000 字符 / text may not contain the NUL character (\\u0000).",
                field: "line \(line), column \(column)",
                rule: "json.nul"
            )
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw problem(for: error, bytes: bytes)
        } catch let problem as ProblemDetails {
            throw problem
        } catch {
            throw syntaxProblem(detail: "\(error)", bytes: bytes)
        }
    }

    /// Where the first escaped NUL (`\\u0000`, not an escaped backslash before `u0000`) starts.
    static func escapedNUL(in bytes: [UInt8]) -> Int? {
        let needle = Array("\\u0000".utf8)
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"), Array(bytes[i..<i + 6]) == needle {
                // An escaped backslash before it ("\\u0000") is text, not NUL.
                var backslashes = 0
                var j = i - 1
                while j >= 0, bytes[j] == UInt8(ascii: "\\") {
                    backslashes += 1
                    j -= 1
                }
                if backslashes % 2 == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// `/scores/key_tasks` from a coding path (RFC 6901: `~` → `~0`, `/` → `~1`).
    static func pointer(_ path: [any CodingKey]) -> String {
        path.map { key in
            "/"
                + (key.intValue.map(String.init)
                    ?? key.stringValue.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))
        }.joined()
    }

    static func problem(for error: DecodingError, bytes: [UInt8]) -> ProblemDetails {
        switch error {
        case .keyNotFound(let key, let context):
            let field = pointer(context.codingPath + [key])
            return ProblemDetails.invalid(field, rule: "json.missing-field", "缺少字段 \(field) / missing field \(field)")
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return ProblemDetails.invalid(
                    "body",
                    rule: "json.wrong-type",
                    "请求体应为\(describe(type)),收到的不是 / the body must be a JSON \(describe(type).split(separator: " ").last ?? "object")"
                )
            }
            let field = pointer(context.codingPath)
            return ProblemDetails.invalid(
                field,
                rule: "json.wrong-type",
                "字段 \(field) 类型不对,应为\(describe(type)) / \(field) has the wrong type, expected \(describe(type))"
            )
        case .valueNotFound(let type, let context):
            let field = pointer(context.codingPath)
            return ProblemDetails.invalid(
                field,
                rule: "json.missing-value",
                "字段 \(field) 缺少值,应为\(describe(type)) / \(field) is null or missing"
            )
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                if JSONSyntax.firstError(in: bytes) == nil {
                    // Valid JSON, but a number its field's type cannot hold (1e400, or 1.5 where a
                    // whole number belongs): Foundation reports that as invalid JSON without a path.
                    let number = unrepresentableNumber(in: underlying).map { " \($0)" } ?? ""
                    return ProblemDetails.invalid(
                        "body",
                        rule: "json.number-range",
                        "数值\(number)超出范围,或在应为整数处不是整数 / a number\(number) is out of range, or not whole where a whole number belongs"
                    )
                }
                return syntaxProblem(detail: underlying, bytes: bytes)
            }
            let field = pointer(context.codingPath)
            return ProblemDetails.invalid(
                field,
                rule: "json.invalid-value",
                "字段 \(field) 的值无效:\(context.debugDescription) / invalid value at \(field)"
            )
        @unknown default:
            return syntaxProblem(detail: "\(error)", bytes: bytes)
        }
    }

    /// 400 for text that is not JSON, with `line N, column M` when the parser said where.
    static func syntaxProblem(detail: String, bytes: [UInt8]) -> ProblemDetails {
        var field: String?
        if let location = JSONSyntax.firstError(in: bytes) ?? lineAndColumn(in: detail) {
            field = "line \(location.line), column \(location.column)"
        }
        return ProblemDetails(
            status: .badRequest,
            type: "/problems/malformed",
            title: "格式错误 Malformed body",
            detail: "请求体不是有效的 JSON / the body is not valid JSON" + (field.map { " (\($0))" } ?? ""),
            field: field,
            rule: "json.syntax"
        )
    }

    /// The number in Foundation's `numberIsNotRepresentableInSwift(parsed: "…")`.
    static func unrepresentableNumber(in text: String) -> String? {
        guard text.contains("numberIsNotRepresentable"), let start = text.range(of: "parsed: \"") else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Finds `line N, column M` in a parser message.
    static func lineAndColumn(in text: String) -> (line: Int, column: Int)? {
        guard let lineRange = text.range(of: "line ") else { return nil }
        let afterLine = text[lineRange.upperBound...]
        let lineDigits = afterLine.prefix { $0.isNumber }
        guard let line = Int(lineDigits), let columnRange = afterLine.range(of: "column ") else { return nil }
        let columnDigits = afterLine[columnRange.upperBound...].prefix { $0.isNumber }
        guard let column = Int(columnDigits) else { return nil }
        return (line, column)
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "字符串 string"
        case is Bool.Type: "true/false"
        case is Int.Type: "整数 integer"
        case is Double.Type, is Decimal.Type: "数字 number"
        default:
            // Dictionaries are collections too: an object, not an array.
            String(describing: type).hasPrefix("Dictionary") || !(type is any Collection.Type) ? "对象 object" : "数组 array"
        }
    }

    /// A JSON response of `envelope` with the stored content of `filing` spliced in as its
    /// `content` member (`FilingVersion.json(envelopedIn:)`).
    static func json<Envelope: Encodable>(
        _ envelope: Envelope,
        content filing: FilingVersion,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        json(bytes: try filing.json(envelopedIn: envelope), status: status)
    }

    /// A JSON response (sorted keys, unescaped slashes) with the given status.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return json(bytes: try encoder.encode(value), status: status)
    }

    /// A response of JSON text already encoded, not to be cached.
    private static func json<Bytes: Sequence<UInt8>>(bytes: Bytes, status: HTTPResponse.Status) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
