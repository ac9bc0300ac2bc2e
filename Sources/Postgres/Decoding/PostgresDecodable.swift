/// A Swift type that can be read from a result column.
///
/// Conforming types: `String`, `Int`, `Int32`, `Int64`, `Double`, `Bool`, `Decimal`, `Date`
/// (from `timestamptz`, `timestamp` as UTC, or `date` as midnight UTC), `UUID`, `[UInt8]` and
/// `Data` (from `bytea`), `PostgresJSON` (from `json`/`jsonb`), `PostgresArray`, and `Optional` of
/// each (NULL becomes `nil`; NULL into a non-optional is a decoding error).
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value. Throw `PostgresError` with code `.decoding` (see
    /// `PostgresValue.require` and `PostgresValue.malformed`); the row adds the column's name.
    init(postgresValue value: PostgresValue) throws

    /// The value for SQL NULL. The default throws a decoding error; `Optional` returns `nil`.
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    /// Throws: NULL is not a value of a non-optional type.
    public static func postgresNull() throws -> Self {
        throw PostgresError(code: .decoding, message: "the value is NULL but \(Self.self) is not optional")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Decodes the wrapped type.
    public init(postgresValue value: PostgresValue) throws {
        self = .some(try Wrapped(postgresValue: value))
    }

    /// NULL is `nil`.
    public static func postgresNull() -> Self { nil }
}
