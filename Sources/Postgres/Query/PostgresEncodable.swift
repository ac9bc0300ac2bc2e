/// A Swift value that can be sent as a query parameter, in PostgreSQL's text format.
///
/// Conforming types: `String`, `Substring`, `Int`, `Int32`, `Int64`, `Double`, `Bool`, `Decimal`,
/// `Date` (as `timestamptz`), `UUID`, `[UInt8]` and `Data` (as `bytea`), `PostgresJSON` (as `jsonb`)
/// and `PostgresArray`.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type as sent to the server; `.unspecified` lets the server infer it from
    /// the statement (what `String` does, so a string binds to text, varchar or an enum column).
    static var postgresDataType: PostgresDataType { get }

    /// Appends the value's text representation (UTF-8, no terminator) to `buffer`.
    func encodePostgresText(into buffer: inout [UInt8])
}
