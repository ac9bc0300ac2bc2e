/// A connection's thread-side state: the libpq connection, its prepared statements and its COPY
/// state. Confined to the connection's thread; `@unchecked Sendable` only so jobs can carry it.
final class ConnectionSession: @unchecked Sendable {
    let pq: LibPQConnection
    private var statements = StatementCache(capacity: 128)
    /// Set when PQputCopyData failed; the reason is read at the end of COPY.
    private(set) var copyInterrupted = false

    init(pq: LibPQConnection) { self.pq = pq }

    /// Runs one statement: without parameters as an unnamed statement, with parameters through a
    /// cached prepared statement (prepared on first use).
    func query(_ query: PostgresQuery) throws -> ResultStorage {
        let bindings = query.bindings
        if bindings.containsNULByte {
            throw PostgresError(
                code: .invalidParameter,
                message: "a string parameter holds a NUL character, which PostgreSQL text cannot store",
                query: query.sql
            )
        }
        if bindings.isEmpty { return try pq.execParams(query.sql, bindings) }
        let key = StatementCache.Key(sql: query.sql, types: bindings.types)
        do {
            return try pq.execPrepared(name: try preparedName(key), sql: query.sql, bindings)
        } catch let error as PostgresError where Self.invalidatesStatement(error) {
            // The statement vanished (DISCARD ALL, DEALLOCATE) or its result type changed
            // (schema change). Forget it; retry once if no transaction was aborted by the failure.
            statements.remove(key)
            guard pq.transactionStatus == .idle else { throw error }
            return try pq.execPrepared(name: try preparedName(key), sql: query.sql, bindings)
        }
    }

    private static func invalidatesStatement(_ error: PostgresError) -> Bool {
        error.sqlState == .invalidSQLStatementName || error.sqlState == .featureNotSupported
    }

    private func preparedName(_ key: StatementCache.Key) throws -> String {
        if let name = statements.lookup(key) { return name }
        let name = statements.nextName()
        try pq.prepare(name: name, sql: key.sql, types: key.types)
        if let evicted = statements.insert(key, name: name), pq.transactionStatus == .idle {
            _ = try? pq.exec("DEALLOCATE \(evicted)")
        }
        return name
    }

    /// Runs multi-statement text with the simple protocol.
    func simpleQuery(_ sql: String) throws {
        try pq.exec(sql)
    }

    // MARK: COPY

    func startCopy(_ sql: String) throws {
        copyInterrupted = false
        try pq.startCopy(sql)
    }

    func copyChunk(_ chunk: [UInt8]) {
        guard !copyInterrupted else { return }
        if !chunk.withUnsafeBytes({ pq.putCopyData($0) }) { copyInterrupted = true }
    }

    func endCopy(failure: String?, sql: String) throws -> Int {
        try pq.endCopy(failure: failure, sql: sql)
    }

    // MARK: Notifications and health

    /// Notifications already received, else waits up to `milliseconds` for some.
    func waitForNotifications(milliseconds: Int32) throws -> [PostgresNotification] {
        guard pq.consumeInput() else { throw Self.closedError }
        let ready = pq.drainNotifications()
        if !ready.isEmpty || milliseconds <= 0 { return ready }
        _ = pq.waitReadable(milliseconds: milliseconds)
        guard pq.consumeInput() else { throw Self.closedError }
        return pq.drainNotifications()
    }

    /// Reads anything the server sent while the connection sat idle; false if it is broken.
    func checkHealth() -> Bool {
        // A terminated backend sends its FATAL message and then closes; one read may return the
        // message without seeing the EOF behind it, so read until nothing more is waiting.
        repeat {
            guard pq.consumeInput() else { return false }
        } while pq.waitReadable(milliseconds: 0)
        return !pq.isBroken
    }

    static let closedError = PostgresError(code: .connectionClosed, message: "the server closed the connection")
}
