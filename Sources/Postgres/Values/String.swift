extension String: PostgresEncodable, PostgresDecodable {
    /// Sent untyped, so the server reads it as whatever the statement needs there (text,
    /// varchar, an enum, a date literal…).
    public static var postgresDataType: PostgresDataType { .unspecified }

    /// The UTF-8 bytes.
    public func encodePostgresText(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }

    /// The text of any column type except `bytea` (decode that as `[UInt8]`).
    public init(postgresValue value: PostgresValue) throws {
        guard value.dataType != .bytea else {
            throw PostgresError(code: .decoding, message: "cannot decode String from a column of type bytea; use [UInt8]")
        }
        self = value.string
    }
}

extension Substring: PostgresEncodable {
    /// Sent untyped, like `String`.
    public static var postgresDataType: PostgresDataType { .unspecified }

    /// The UTF-8 bytes.
    public func encodePostgresText(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}
