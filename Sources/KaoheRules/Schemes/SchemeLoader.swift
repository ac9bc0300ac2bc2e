public import Foundation

/// Loads indicator schemes (考核指标体系) from JSON and validates them.
public enum SchemeLoader {
    /// The ids of the built-in schemes: `county-2021`, `municipal-2019`.
    public static let builtInIds = ["county-2021", "municipal-2019"]

    /// A built-in scheme by id, validated.
    public static func builtIn(_ id: String) throws(SchemeLoadError) -> IndicatorScheme {
        guard builtInIds.contains(id) else {
            throw .file(
                DataFileError(
                    file: "Schemes/\(id).json",
                    field: "",
                    rule: "not-found",
                    message: "没有名为“\(id)”的考核指标体系(可选:\(builtInIds.joined(separator: "、"))) / unknown scheme"
                )
            )
        }
        let data: Data
        do { data = try BuiltInData.data(folder: "Schemes", name: id) } catch { throw .file(error) }
        return try load(from: data, name: "\(id).json")
    }

    /// A custom scheme from JSON bytes, validated.
    public static func load(from data: Data, name: String = "scheme.json") throws(SchemeLoadError) -> IndicatorScheme {
        let scheme: IndicatorScheme
        do { scheme = try RulesJSON.decode(IndicatorScheme.self, from: data, name: name) } catch { throw .file(error) }
        do { return try scheme.validated() } catch { throw .invalid(error) }
    }
}

/// Why a scheme could not be loaded: unreadable file, or a scheme that fails validation.
public enum SchemeLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read or decoded.
    case file(DataFileError)
    /// The scheme was read but is inconsistent.
    case invalid(SchemeError)

    /// The underlying message.
    public var description: String {
        switch self {
        case .file(let error): error.description
        case .invalid(let error): error.description
        }
    }
}
