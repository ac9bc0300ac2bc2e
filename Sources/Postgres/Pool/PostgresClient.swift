public import Logging
public import ServiceLifecycle
import Synchronization

/// A bounded pool of connections to one database, and a `Service` to run in the daemon's
/// ServiceGroup (before the HTTP app, so it shuts down after it).
///
/// Usable before `run()`: connections are opened on demand, up to `maximumConnections`. Callers
/// beyond that wait, first come first served, and fail after `acquireTimeout` with `.poolTimeout`.
/// A connection that broke (server restart, network) is discarded when it is given back; an idle
/// one is checked before it is handed out; new connections are opened in their place, retrying
/// until the caller's acquire timeout, so the pool recovers by itself when PostgreSQL comes back.
public final class PostgresClient: Service, Sendable {
    /// Pool settings.
    public struct Options: Sendable {
        /// Most connections open at once (idle or in use). Default 8.
        public var maximumConnections = 8
        /// How long a caller waits for a connection (including reconnecting after a server
        /// restart) before `.poolTimeout` or `.connectionFailed`. Default 10 s.
        public var acquireTimeout: Duration = .seconds(10)
        /// How long one connection attempt may take (libpq's connect_timeout). Default 5 s.
        public var connectTimeout: Duration = .seconds(5)
        /// How long a caller keeps retrying to connect when the server was reachable until now (a
        /// restart). Once an attempt failed, later callers try once and fail at once until a
        /// connection succeeds again, so an outage is answered in milliseconds, not after the
        /// acquire timeout. Default 2 s.
        public var reconnectPatience: Duration = .seconds(2)

        /// The defaults.
        public init() {}
    }

    /// Where the pool connects.
    public let configuration: PostgresConfiguration
    /// The pool's settings.
    public let options: Options
    let logger: Logger
    let state = Mutex(PoolState())

    /// Creates a pool; no connection is opened until one is needed.
    public init(configuration: PostgresConfiguration, options: Options = .init(), logger: Logger) {
        precondition(options.maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    // MARK: Using connections

    /// Inside `joining(_:_:)` these calls run on the joined transaction's connection instead.

    /// Lends a connection to `body` and takes it back afterwards (rolling back a transaction the
    /// body left open, discarding the connection if it broke). Unless `body` is isolated to an
    /// actor, it runs on the connection's own thread (see `PostgresConnection.taskExecutor`), so
    /// its queries need no thread hops.
    @discardableResult
    public func withConnection<R: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        if let joined = joinedConnection { return try await body(joined) }
        let connection = try await acquire()
        do {
            let value = try await withTaskExecutorPreference(connection.taskExecutor, isolation: isolation) {
                try await body(connection)
            }
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on one connection: BEGIN, COMMIT; ROLLBACK when it throws or
    /// the task is cancelled (and the connection is discarded if the rollback fails).
    @discardableResult
    public func withTransaction<R: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> R
    ) async throws -> R {
        if let joined = joinedConnection { return try await joined.withTransaction(isolation: isolation, body) }
        let connection = try await acquire()
        do {
            let value = try await withTaskExecutorPreference(connection.taskExecutor, isolation: isolation) {
                try await connection.withTransaction(isolation: isolation, body)
            }
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        if let joined = joinedConnection { return try await joined.query(query) }
        let connection = try await acquire()
        do {
            let rows = try await connection.query(query)
            await release(connection)
            return rows
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection and returns the rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Sends a notification (`pg_notify(channel, payload)`).
    public func notify(channel: String, payload: String) async throws {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    // MARK: State

    /// What the pool knows of the server without asking it: whether the last attempt to connect
    /// failed (and since when), and how many connections exist and idle. `/readyz` answers from
    /// this at once while the server is down, instead of waiting for a connection.
    public struct Health: Sendable {
        /// How long connecting has been failing, or nil when the last attempt succeeded.
        public var unreachableFor: Duration?
        /// Connections open or being opened.
        public var open: Int
        /// Connections idle in the pool.
        public var idle: Int
    }

    /// The pool's view of the server now.
    public var health: Health {
        state.withLock { state in
            Health(unreachableFor: state.unreachableSince.map { ContinuousClock.now - $0 }, open: state.open, idle: state.idle.count)
        }
    }

    // MARK: Acquire and release

    /// Takes a connection out of the pool: an idle one that is still healthy, or a new one if a
    /// slot is free, or the next one given back.
    func acquire() async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + options.acquireTimeout
        while true {
            enum Step {
                case granted(PoolState.Grant)
                case wait(Int)
                case closed
            }
            let maximum = options.maximumConnections
            let step: Step = state.withLock { state in
                if state.isClosed { return .closed }
                if let connection = state.idle.popLast() { return .granted(.connection(connection)) }
                if state.open < maximum {
                    state.open += 1
                    return .granted(.slot)
                }
                state.nextWaiterID += 1
                return .wait(state.nextWaiterID)
            }
            let grant: PoolState.Grant
            switch step {
            case .closed: throw Self.closedError()
            case .granted(let granted): grant = granted
            case .wait(let id): grant = try await waitForGrant(id: id, deadline: deadline)
            }
            switch grant {
            case .connection(let connection):
                if await connection.isHealthyAfterIdle() { return connection }
                logger.info("discarding a broken idle connection")
                connection.closeInBackground()
                releaseSlot()
            case .slot:
                do {
                    return try await openConnection(deadline: deadline)
                } catch {
                    releaseSlot()
                    throw error
                }
            }
        }
    }

    private func waitForGrant(id: Int, deadline: ContinuousClock.Instant) async throws -> PoolState.Grant {
        defer { _ = state.withLock { $0.cancelledWaiters.remove(id) } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PoolState.Grant, any Error>) in
                let timer = Task { [self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    if !Task.isCancelled { timeOut(waiter: id) }
                }
                let early: (any Error)? = state.withLock { state in
                    if state.cancelledWaiters.remove(id) != nil { return CancellationError() }
                    if state.isClosed { return Self.closedError() }
                    state.waiters.append(PoolState.Waiter(id: id, continuation: continuation, timer: timer))
                    return nil
                }
                if let early {
                    timer.cancel()
                    continuation.resume(throwing: early)
                }
            }
        } onCancel: {
            let waiter: PoolState.Waiter? = state.withLock { state in
                if let waiter = state.removeWaiter(id) { return waiter }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.timer.cancel()
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func timeOut(waiter id: Int) {
        let (waiter, waiting) = state.withLock { state in (state.removeWaiter(id), state.waiters.count) }
        guard let waiter else { return }
        let size = options.maximumConnections
        let error = PostgresError(
            code: .poolTimeout,
            message: "no connection became free within \(options.acquireTimeout): all \(size) connections of the pool "
                + "(maximumConnections = \(size)) stayed in use; \(waiting) other callers are waiting"
        )
        waiter.continuation.resume(throwing: error)
    }

    /// Opens a connection for a slot, retrying while the server is unreachable (a restart) until
    /// the caller's deadline.
    private func openConnection(deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        var delay = Duration.milliseconds(50)
        let wasDown = state.withLock { $0.unreachableSince != nil }
        let retryUntil = wasDown ? ContinuousClock.now : min(deadline, ContinuousClock.now + options.reconnectPatience)
        while true {
            if state.withLock({ $0.isClosed }) { throw Self.closedError() }
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration,
                    connectTimeout: options.connectTimeout,
                    logger: logger
                )
                if state.withLock({ $0.isClosed }) {
                    await connection.close()
                    throw Self.closedError()
                }
                let recovered: ContinuousClock.Instant? = state.withLock { state in
                    defer { state.unreachableSince = nil }
                    return state.unreachableSince
                }
                if let recovered {
                    logger.notice("the database is reachable again", metadata: ["outage": "\(ContinuousClock.now - recovered)"])
                }
                return connection
            } catch let error as PostgresError where error.code == .connectionFailed {
                let first: Bool = state.withLock { state in
                    defer { state.unreachableSince = state.unreachableSince ?? .now }
                    return state.unreachableSince == nil
                }
                if first { logger.warning("the database is not reachable", metadata: ["error": "\(error)"]) }
                guard ContinuousClock.now + delay < retryUntil else { throw error }
                logger.debug("connecting failed, retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    /// Gives a connection back: to the first waiter, to the idle list, or (if it broke or the
    /// pool is closing) closes it and frees its slot.
    func release(_ connection: PostgresConnection) async {
        // A cancel request sent for it may still land on the next borrower's statement.
        if connection.cancelRequested.load(ordering: .acquiring) { connection.markBroken() }
        if !connection.isBroken, connection.transactionStatus != .idle {
            logger.warning("a connection came back inside a transaction; rolling it back")
            do { try await connection.simpleQuery("ROLLBACK") } catch { connection.markBroken() }
        }
        guard !connection.isBroken else {
            connection.closeInBackground()
            releaseSlot()
            return
        }
        enum Next {
            case handOver(PoolState.Waiter)
            case kept
            case close
        }
        let next: Next = state.withLock { state in
            if state.isClosed { return .close }
            if let waiter = state.popFirstWaiter() { return .handOver(waiter) }
            state.idle.append(connection)
            return .kept
        }
        switch next {
        case .handOver(let waiter):
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .connection(connection))
        case .kept:
            break
        case .close:
            await connection.close()
            releaseSlot()
        }
    }

    /// Frees a slot, or hands it to the first waiter (who then opens a connection).
    func releaseSlot() {
        let (waiter, drained): (PoolState.Waiter?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            if !state.isClosed, let waiter = state.popFirstWaiter() { return (waiter, []) }
            state.open -= 1
            if state.isClosed, state.open == 0 {
                defer { state.drainWaiters = [] }
                return (nil, state.drainWaiters)
            }
            return (nil, [])
        }
        if let waiter {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: .slot)
        }
        for waiter in drained { waiter.resume() }
    }

    static func closedError(file: String = #fileID, line: Int = #line) -> PostgresError {
        PostgresError(code: .poolClosed, message: "the connection pool is closed", file: file, line: line)
    }
}
