import Foundation

/// Raw JSON bytes, sent as `jsonb` and read from `json` or `jsonb` columns.
///
/// The module never parses them; `init(encoding:)` and `decode(_:)` use Foundation's JSON coders
/// with ISO 8601 dates and sorted keys (so equal values encode to equal bytes).
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    /// The JSON text, UTF-8.
    public var bytes: [UInt8]

    /// Wraps JSON text that is already encoded.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Encodes a value as JSON.
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.bytes = Array(try encoder.encode(value))
    }

    /// Decodes the JSON into a value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }

    /// Sent as `jsonb`.
    public static var postgresDataType: PostgresDataType { .jsonb }

    /// The bytes as they are.
    public func encodePostgresText(into buffer: inout [UInt8]) { buffer.append(contentsOf: bytes) }

    /// From `json` or `jsonb` (jsonb comes back normalised by the server).
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.jsonb, .json, .text, decoding: PostgresJSON.self)
        self.bytes = Array(value.bytes)
    }
}
