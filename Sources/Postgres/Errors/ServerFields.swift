/// The fields of a server error or notice (the ErrorResponse message's fields).
///
/// `message` and `detail` may quote the values that caused the error; they appear only in
/// `PostgresError.debugDescription`, never in its `description`.
public struct ServerFields: Sendable, Hashable {
    /// ERROR, FATAL, PANIC, WARNING, … (never localised).
    public var severity: String?
    /// The primary human-readable message.
    public var message: String?
    /// Optional secondary message with more detail.
    public var detail: String?
    /// Optional suggestion what to do about it.
    public var hint: String?
    /// The schema of the object involved.
    public var schemaName: String?
    /// The table involved.
    public var tableName: String?
    /// The column involved.
    public var columnName: String?
    /// The data type involved.
    public var dataTypeName: String?
    /// The constraint that was violated.
    public var constraintName: String?
    /// 1-based character position in the statement where the error was detected.
    public var position: Int?
    /// The call stack context (PL/pgSQL functions, SQL functions).
    public var context: String?

    /// Creates a set of fields; the module fills these from libpq.
    public init(
        severity: String? = nil,
        message: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        schemaName: String? = nil,
        tableName: String? = nil,
        columnName: String? = nil,
        dataTypeName: String? = nil,
        constraintName: String? = nil,
        position: Int? = nil,
        context: String? = nil
    ) {
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.schemaName = schemaName
        self.tableName = tableName
        self.columnName = columnName
        self.dataTypeName = dataTypeName
        self.constraintName = constraintName
        self.position = position
        self.context = context
    }
}
