/// A five-character SQLSTATE code reported by the server (PostgreSQL manual, appendix A).
public struct SQLState: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The five characters, e.g. `23505`.
    public var rawValue: String

    /// Wraps a SQLSTATE code.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The two-character class, e.g. `23` (integrity constraint violation).
    public var errorClass: Substring { rawValue.prefix(2) }

    /// The code itself.
    public var description: String { rawValue }

    /// 23505: a unique or primary key constraint was violated.
    public static let uniqueViolation = SQLState(rawValue: "23505")
    /// 23503: a foreign key constraint was violated.
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    /// 23514: a CHECK constraint was violated.
    public static let checkViolation = SQLState(rawValue: "23514")
    /// 23502: NULL in a NOT NULL column.
    public static let notNullViolation = SQLState(rawValue: "23502")
    /// 23P01: an exclusion constraint was violated.
    public static let exclusionViolation = SQLState(rawValue: "23P01")
    /// 42P01: the table does not exist.
    public static let undefinedTable = SQLState(rawValue: "42P01")
    /// 42703: the column does not exist.
    public static let undefinedColumn = SQLState(rawValue: "42703")
    /// 42601: syntax error.
    public static let syntaxError = SQLState(rawValue: "42601")
    /// 42P04: the database already exists.
    public static let duplicateDatabase = SQLState(rawValue: "42P04")
    /// 42P07: the table (relation) already exists.
    public static let duplicateTable = SQLState(rawValue: "42P07")
    /// 22P02: text could not be converted to the parameter's type.
    public static let invalidTextRepresentation = SQLState(rawValue: "22P02")
    /// 22001: a string is longer than its column allows.
    public static let stringDataRightTruncation = SQLState(rawValue: "22001")
    /// 22003: a number is out of range for its column.
    public static let numericValueOutOfRange = SQLState(rawValue: "22003")
    /// 40001: serialization failure; retry the transaction.
    public static let serializationFailure = SQLState(rawValue: "40001")
    /// 40P01: deadlock detected; retry the transaction.
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    /// 55P03: a lock could not be taken (NOWAIT or lock_timeout).
    public static let lockNotAvailable = SQLState(rawValue: "55P03")
    /// 57P01: the server is shutting down (administrator command).
    public static let adminShutdown = SQLState(rawValue: "57P01")
    /// 57P02: the server crashed.
    public static let crashShutdown = SQLState(rawValue: "57P02")
    /// 57P03: the server cannot accept connections now (starting up, shutting down).
    public static let cannotConnectNow = SQLState(rawValue: "57P03")
    /// 57014: the statement was cancelled (statement_timeout or a cancel request).
    public static let queryCanceled = SQLState(rawValue: "57014")
    /// 25P02: the transaction is aborted; commands are ignored until its end.
    public static let inFailedTransaction = SQLState(rawValue: "25P02")
    /// 26000: the prepared statement does not exist.
    public static let invalidSQLStatementName = SQLState(rawValue: "26000")
    /// 0A000: feature not supported (also "cached plan must not change result type").
    public static let featureNotSupported = SQLState(rawValue: "0A000")
    /// 3D000: the database does not exist.
    public static let invalidCatalogName = SQLState(rawValue: "3D000")
    /// 28P01: password authentication failed.
    public static let invalidPassword = SQLState(rawValue: "28P01")
}
