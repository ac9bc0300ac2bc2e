/// One non-NULL value of a result row, in PostgreSQL's text format, with its column's type.
public struct PostgresValue: Sendable {
    /// The column's type.
    public var dataType: PostgresDataType
    /// The value's text, UTF-8 encoded.
    public var bytes: ArraySlice<UInt8>

    /// Wraps the text of a value.
    public init(dataType: PostgresDataType, bytes: ArraySlice<UInt8>) {
        self.dataType = dataType
        self.bytes = bytes
    }

    /// The value's text as a `String`.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Throws a decoding error unless the column's type is one of `accepted`.
    public func require(_ accepted: PostgresDataType..., decoding type: Any.Type) throws {
        guard accepted.contains(dataType) else {
            throw PostgresError(
                code: .decoding,
                message: "cannot decode \(type) from a column of type \(dataType)"
            )
        }
    }

    /// A decoding error saying the text could not be parsed as `type` (the text itself is not
    /// included: it is data).
    public func malformed(_ type: Any.Type, file: String = #fileID, line: Int = #line) -> PostgresError {
        PostgresError(
            code: .decoding,
            message: "the \(dataType) value is not a valid \(type)",
            file: file,
            line: line
        )
    }
}
