/// An error from the Postgres module: a connection, the server, the pool, decoding, COPY or the
/// embedded cluster.
///
/// Its `description` is deliberately generic: it names the code, the SQLSTATE and (for client-side
/// errors) a message written by this module, but never the query text, a bound value or the
/// server's message (which may quote a value, e.g. `Key (code)=(…) already exists`). Everything is
/// in `debugDescription`, for debugging only.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. Extensible: new codes may be added, so `switch` with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Could not connect (server down, socket missing, authentication refused, timeout).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke while in use (server restarted or went away) or was closed by us.
        public static let connectionClosed = Code("connectionClosed")
        /// The server rejected the statement; see `sqlState` and `serverFields`.
        public static let server = Code("server")
        /// No pooled connection became free within the pool's acquire timeout.
        public static let poolTimeout = Code("poolTimeout")
        /// The pool was closed.
        public static let poolClosed = Code("poolClosed")
        /// A result value could not be decoded into the requested Swift type; see `column`.
        public static let decoding = Code("decoding")
        /// COPY did not start or did not complete.
        public static let copyFailed = Code("copyFailed")
        /// A connection URL, parameter or bound value is not acceptable.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A bound parameter cannot be sent (for example a string holding a NUL character).
        public static let invalidParameter = Code("invalidParameter")
        /// The embedded cluster could not be initialised, started or stopped.
        public static let clusterFailed = Code("clusterFailed")
        /// The PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found.
        public static let binariesMissing = Code("binariesMissing")
        /// libpq returned something this module did not expect.
        public static let unexpectedResponse = Code("unexpectedResponse")

        /// The code's name, e.g. `server`.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The server's SQLSTATE, when the server reported the error.
    public var sqlState: SQLState?
    /// The server's error fields (message, detail, constraint, …), when the server reported the error.
    public var serverFields: ServerFields?
    /// For decoding errors: the column that could not be decoded.
    public var column: String?
    /// A message written by this module (never holds a bound value or query text). For connection
    /// failures it is libpq's message, which names the host or socket but no password.
    public var message: String?
    /// The SQL text of the failing statement; only shown in `debugDescription`.
    public var query: String?
    /// The source file that raised the error.
    public var file: String
    /// The source line that raised the error.
    public var line: Int

    /// Creates an error; the module raises these, tests and callers may build them to compare.
    public init(
        code: Code,
        sqlState: SQLState? = nil,
        serverFields: ServerFields? = nil,
        column: String? = nil,
        message: String? = nil,
        query: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.sqlState = sqlState
        self.serverFields = serverFields
        self.column = column
        self.message = message
        self.query = query
        self.file = file
        self.line = line
    }

    /// True when the connection that raised this error is unusable (closed, broken or never opened).
    public var isConnectionLevel: Bool {
        code == .connectionFailed || code == .connectionClosed
    }

    /// True when the database, not the request, is at fault and the same request may succeed
    /// shortly: the server unreachable or gone (connection failures, SQLSTATE class 08, 57P01–03),
    /// out of resources (class 53: disk full, out of memory, too many connections), a system or
    /// I/O error (class 58), a statement cancelled by `statement_timeout` (57014), a lock not
    /// granted within `lock_timeout` (55P03), a deadlock or serialization failure the server broke
    /// by aborting this transaction (40P01, 40001), no pooled connection in time, the pool closing.
    /// The HTTP layer answers these with 503 and `Retry-After`.
    public var isTransient: Bool {
        if [.connectionFailed, .connectionClosed, .poolTimeout, .poolClosed].contains(code) { return true }
        guard let sqlState else { return false }
        if ["08", "53", "58"].contains(sqlState.errorClass) { return true }
        return [
            .adminShutdown, .crashShutdown, .cannotConnectNow, .queryCanceled, .lockNotAvailable, .deadlockDetected,
            .serializationFailure,
        ].contains(sqlState)
    }

    /// True for a connection the server itself turned away for good: a wrong password, an unknown
    /// role or database, no pg_hba.conf entry. Waiting does not fix these (unlike a server still
    /// starting or out of connection slots), so start-up gives up on them at once. libpq reports
    /// them without a SQLSTATE; the server's message is what tells (its C-locale wording).
    public var isRefusedByServer: Bool {
        guard code == .connectionFailed, let message else { return false }
        return ["authentication failed", "does not exist", "pg_hba.conf", "permission denied", "not permitted to log in"]
            .contains { message.contains($0) }
    }

    /// Generic and safe to log: code, SQLSTATE, column, and this module's own message.
    public var description: String {
        var parts = ["code: \(code)"]
        if let sqlState { parts.append("sqlState: \(sqlState.rawValue)") }
        if let column { parts.append("column: \(column)") }
        if code != .server, let message { parts.append("message: \(message)") }
        return "PostgresError(\(parts.joined(separator: ", ")))"
    }

    /// Everything, including the query text and the server's message: for debugging, not for logs
    /// that may be read by people who must not see filed data.
    public var debugDescription: String {
        var parts = ["code: \(code)"]
        if let sqlState { parts.append("sqlState: \(sqlState.rawValue)") }
        if let column { parts.append("column: \(column)") }
        if let message { parts.append("message: \(String(reflecting: message))") }
        if let serverFields { parts.append("serverFields: \(serverFields)") }
        if let query { parts.append("query: \(String(reflecting: query))") }
        parts.append("file: \(file)")
        parts.append("line: \(line)")
        return "PostgresError(\(parts.joined(separator: ", ")))"
    }
}
