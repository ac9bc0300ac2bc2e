public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to PostgreSQL. Use it from one task at a time (the pool hands each connection
/// to one caller); every libpq call runs on this connection's own thread while the caller
/// suspends, so nothing blocks the cooperative pool.
public final class PostgresConnection: Sendable {
    let thread: ConnectionThread
    let session: ConnectionSession
    let logger: Logger
    /// The socket, for the pool's non-blocking idle check (poll only; never read here).
    let socketDescriptor: Int32
    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32
    /// Cancels the running statement when the task waiting for it is cancelled.
    let canceller: LibPQCanceller?

    private struct Status {
        var isClosed = false
        var isBroken = false
        var transaction = TransactionStatus.idle
        /// The error that aborted the current transaction, while it stays aborted.
        var abortCause: PostgresError?
    }

    private let status = Mutex(Status())
    /// Set when a cancel request was sent for this connection: it may still arrive during a later
    /// statement, so the pool discards the connection instead of lending it again.
    let cancelRequested = Atomic<Bool>(false)
    /// Bytes of COPY data handed to the thread but not yet given to libpq.
    let copyBytesInFlight = Atomic<Int>(0)

    private static let nextID = Atomic<Int>(0)

    private init(thread: ConnectionThread, session: ConnectionSession, logger: Logger) {
        self.thread = thread
        self.session = session
        self.socketDescriptor = session.pq.socket
        self.backendPID = session.pq.backendPID
        self.canceller = session.pq.makeCanceller()
        self.logger = logger
    }

    deinit {
        let alreadyClosed = status.withLock { $0.isClosed }
        if !alreadyClosed {
            let session = self.session
            thread.submit { session.pq.finish() }
        }
        thread.stop()
    }

    /// Connects with `PQconnectdbParams` on the connection's new thread. Throws `.connectionFailed`
    /// with libpq's message (which names the host or socket, never the password).
    public static func connect(configuration: PostgresConfiguration, logger: Logger) async throws -> PostgresConnection {
        try await connect(configuration: configuration, connectTimeout: nil, logger: logger)
    }

    /// Connects, giving up after `connectTimeout` (libpq's `connect_timeout`, whole seconds, at
    /// least 2) unless the configuration sets its own.
    public static func connect(
        configuration: PostgresConfiguration,
        connectTimeout: Duration?,
        logger: Logger
    ) async throws -> PostgresConnection {
        var parameters = configuration.parameters
        if parameters["client_encoding"] == nil { parameters["client_encoding"] = "UTF8" }
        if parameters["fallback_application_name"] == nil { parameters["fallback_application_name"] = "kaohe" }
        if let connectTimeout, parameters["connect_timeout"] == nil {
            let seconds = max(2, Int(connectTimeout.components.seconds) + (connectTimeout.components.attoseconds > 0 ? 1 : 0))
            parameters["connect_timeout"] = String(seconds)
        }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let thread = ConnectionThread(name: "kaohe-pg-\(id)")
        var logger = logger
        logger[metadataKey: "pg.connection"] = "\(id)"
        do {
            let connectionLogger = logger
            let parameters = parameters
            let session = try await thread.run {
                let pq = try LibPQConnection.connect(parameters: parameters, logger: connectionLogger)
                // Decoding relies on ISO dates and hex bytea, whatever the server's defaults are.
                try pq.exec("SET DateStyle TO 'ISO, YMD'; SET bytea_output TO 'hex'; SET IntervalStyle TO 'postgres'")
                return ConnectionSession(pq: pq)
            }
            let connection = PostgresConnection(thread: thread, session: session, logger: logger)
            logger.debug("postgres connected", metadata: ["pg.backend_pid": "\(connection.backendPID)"])
            return connection
        } catch {
            thread.stop()
            throw error
        }
    }

    /// The connection's thread as a task executor. Code run under
    /// `withTaskExecutorPreference(connection.taskExecutor) { … }` runs on that thread, so its
    /// queries call libpq inline instead of hopping to the thread and back; the pool does this for
    /// the bodies of `withConnection` and `withTransaction`.
    public var taskExecutor: any TaskExecutor { thread }

    // MARK: Running jobs on the connection's thread

    /// Runs `body` with the session on the connection's thread, then records the connection's
    /// state (broken? in a transaction?) for the pool.
    ///
    /// When the calling task is cancelled (a request cut off at the shutdown deadline, a job
    /// stopped) the server is asked to cancel the running statement (`PQcancel`), so the task ends
    /// within moments instead of waiting for a long query or a lock; the statement then fails with
    /// 57014 and its transaction rolls back.
    /// A statement cancelled this way throws `CancellationError`, as any cancelled task's work does.
    func run<T: Sendable>(_ body: @escaping @Sendable (ConnectionSession) throws -> T) async throws -> T {
        do {
            return try await withTaskCancellationHandler {
                try await thread.run { [self] in
                    defer { record(broken: session.pq.isBroken, transaction: session.pq.transactionStatus) }
                    return try body(session)
                }
            } onCancel: { [self] in
                guard !cancelRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
                if canceller?.cancel() != true { logger.debug("could not send a cancel request") }
            }
        } catch let error as PostgresError where error.sqlState == .queryCanceled && Task.isCancelled {
            throw CancellationError()
        }
    }

    private func record(broken: Bool, transaction: TransactionStatus) {
        status.withLock {
            $0.isBroken = $0.isBroken || broken
            $0.transaction = transaction
            if transaction != .inError { $0.abortCause = nil }
        }
    }

    /// The error to throw for a failed statement. In an aborted transaction the server answers
    /// every later statement with 25P02 ("current transaction is aborted"), which says nothing of
    /// why: code that runs a statement after a failure (a refusal read, a savepoint's caller) then
    /// sees the error that aborted the transaction — a timeout, a lost server — not 25P02.
    private func explained(_ error: any Error) -> any Error {
        guard let error = error as? PostgresError else { return error }
        return status.withLock { status in
            guard status.transaction == .inError else { return error }
            if error.sqlState == .inFailedTransaction, let cause = status.abortCause { return cause }
            if status.abortCause == nil { status.abortCause = error }
            return error
        }
    }

    // MARK: Queries

    /// Runs one statement and returns its rows (materialised). Values interpolated into the query
    /// are sent as parameters; statements with parameters are prepared once per connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        do {
            return PostgresRows(storage: try await run { try $0.query(query) })
        } catch {
            throw explained(error)
        }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Runs SQL text that may hold several statements (migrations), with no parameters.
    public func simpleQuery(_ sql: String) async throws {
        do {
            try await run { try $0.simpleQuery(sql) }
        } catch {
            throw explained(error)
        }
    }

    /// Runs `body` in a transaction: BEGIN, then COMMIT; ROLLBACK if `body` throws or the task is
    /// cancelled. If the rollback itself fails the connection is marked broken.
    ///
    /// On a connection already inside a transaction (a store call joining a request's transaction,
    /// see `PostgresClient.joining`) the body runs under a savepoint instead: released when it
    /// returns, rolled back to when it throws, so a refusal undoes its own writes and nothing else,
    /// and the outer transaction decides whether anything commits.
    @discardableResult
    public func withTransaction<R: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        if transactionStatus != .idle { return try await withSavepoint(isolation: isolation, body) }
        try await simpleQuery("BEGIN")
        let value: R
        do {
            value = try await body(self)
            try Task.checkCancellation()
        } catch {
            await rollbackAfterFailure()
            throw error
        }
        do {
            try await simpleQuery("COMMIT")
        } catch {
            // A failed COMMIT ends the transaction on the server; only roll back if it is still open.
            if transactionStatus != .idle { await rollbackAfterFailure() }
            throw error
        }
        return value
    }

    /// Runs `body` under `SAVEPOINT kaohe_nested` (PostgreSQL resolves a repeated name to the most
    /// recent savepoint, so nesting works): RELEASE when it returns, ROLLBACK TO when it throws.
    private func withSavepoint<R: Sendable>(
        isolation: isolated (any Actor)?,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        try await simpleQuery("SAVEPOINT kaohe_nested")
        let value: R
        do {
            value = try await body(self)
            try Task.checkCancellation()
        } catch {
            do {
                try await simpleQuery("ROLLBACK TO SAVEPOINT kaohe_nested; RELEASE SAVEPOINT kaohe_nested")
            } catch {
                logger.warning("rollback to a savepoint failed; discarding the connection", metadata: ["error": "\(error)"])
                markBroken()
            }
            throw error
        }
        try await simpleQuery("RELEASE SAVEPOINT kaohe_nested")
        return value
    }

    private func rollbackAfterFailure() async {
        do {
            try await simpleQuery("ROLLBACK")
        } catch {
            logger.warning("rollback failed; discarding the connection", metadata: ["error": "\(error)"])
            markBroken()
        }
    }

    // MARK: LISTEN

    /// Starts listening on `channel` on this connection; see `waitForNotifications(timeout:)`.
    public func listen(_ channel: String) async throws {
        try await simpleQuery("LISTEN " + PostgresQuery.quoteIdentifier(channel))
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) async throws {
        try await simpleQuery("UNLISTEN " + PostgresQuery.quoteIdentifier(channel))
    }

    /// Returns the notifications received so far, or waits up to `timeout` for some (the
    /// connection's thread polls the socket meanwhile). Throws `.connectionClosed` when the
    /// connection broke.
    public func waitForNotifications(timeout: Duration) async throws -> [PostgresNotification] {
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return try await run { try $0.waitForNotifications(milliseconds: milliseconds) }
    }

    // MARK: State

    /// True once `close()` was called.
    public var isClosed: Bool { status.withLock { $0.isClosed } }

    /// True once the connection broke (server gone, protocol failure) or was closed.
    public var isBroken: Bool { status.withLock { $0.isBroken || $0.isClosed } }

    var transactionStatus: TransactionStatus { status.withLock { $0.transaction } }

    func markBroken() { status.withLock { $0.isBroken = true } }

    /// A cheap check for a connection that sat idle: poll the socket without waiting (a system
    /// call, not libpq). Only if something arrived (an error, EOF after a server restart, a
    /// notice) does it read it on the connection's thread.
    func isHealthyAfterIdle() async -> Bool {
        guard !isBroken else { return false }
        var descriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return true }
        let healthy = (try? await run { $0.checkHealth() }) ?? false
        if !healthy { markBroken() }
        return healthy
    }

    /// Closes the connection (`PQfinish` on its thread) and ends the thread. Idempotent.
    public func close() async {
        let wasClosed = status.withLock { status in
            defer { status.isClosed = true }
            return status.isClosed
        }
        guard !wasClosed else { return }
        _ = try? await thread.run { [session] in session.pq.finish() }
        thread.stop()
    }

    /// Closes without waiting (for the pool's discard path).
    func closeInBackground() {
        let wasClosed = status.withLock { status in
            defer { status.isClosed = true }
            return status.isClosed
        }
        guard !wasClosed else { return }
        let session = self.session
        thread.submit { session.pq.finish() }
        thread.stop()
    }
}
