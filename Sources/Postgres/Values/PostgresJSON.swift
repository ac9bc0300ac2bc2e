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

    /// `envelope` encoded as a JSON object, with `member` added first holding `value` as it is
    /// (already-encoded JSON is not decoded and encoded again). `member` is a plain key (printable
    /// ASCII without quotes or backslashes, as every key in this code base). The keys stay sorted
    /// when `member` sorts before all of the envelope's; `jsonb` does not mind either way.
    public init<T: Encodable>(encoding envelope: T, prepending member: String, _ value: PostgresJSON) throws {
        let outer = try PostgresJSON(encoding: envelope).bytes
        precondition(outer.first == UInt8(ascii: "{"), "the envelope must encode as a JSON object")
        precondition(
            member.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") },
            "the member must be a plain key"
        )
        var result: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "\"")]
        result.reserveCapacity(outer.count + value.bytes.count + member.utf8.count + 4)
        result.append(contentsOf: member.utf8)
        result.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        result.append(contentsOf: value.bytes)
        if outer.count > 2 { result.append(UInt8(ascii: ",")) }
        result.append(contentsOf: outer.dropFirst())
        self.bytes = result
    }

    /// A JSON array of the values, as they are.
    public init(array values: [PostgresJSON]) {
        var result: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in values.enumerated() {
            if index > 0 { result.append(UInt8(ascii: ",")) }
            result.append(contentsOf: value.bytes)
        }
        result.append(UInt8(ascii: "]"))
        self.bytes = result
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
