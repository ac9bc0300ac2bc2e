import Logging
import ServiceLifecycle
import Synchronization

extension PostgresClient {
    /// Runs until graceful shutdown, cancellation or `close()`, then closes every connection and
    /// returns.
    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let closed = state.withLock { state in
                    if state.isClosed { return true }
                    state.runWaiters.append(continuation)
                    return false
                }
                if closed { continuation.resume() }
            }
        } onCancelOrGracefulShutdown: {
            self.beginClosing()
        }
        await close()
    }

    /// Closes the pool: waiting callers fail with `.poolClosed`, idle connections and
    /// notification listeners are closed now, connections in use when they are given back.
    /// Returns once every connection is closed (or the calling task is cancelled). Idempotent.
    public func close() async {
        beginClosing()
        let idle = state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { await connection.close() }
        for _ in idle { releaseSlot() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.open == 0 { return true }
                    state.drainWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state in
                defer { state.drainWaiters = [] }
                return state.drainWaiters
            }
            for waiter in waiting { waiter.resume() }
        }
    }

    /// Marks the pool closed, fails its waiters, stops its listeners and wakes `run()`. The idle
    /// connections are closed by `close()`.
    func beginClosing() {
        let (waiters, runWaiters, listeners) = state.withLock { state in
            if state.isClosed { return ([PoolState.Waiter](), [CheckedContinuation<Void, Never>](), [Task<Void, Never>]()) }
            state.isClosed = true
            defer {
                state.waiters = []
                state.runWaiters = []
                state.listeners = [:]
            }
            return (state.waiters, state.runWaiters, Array(state.listeners.values))
        }
        logger.debug("closing the connection pool")
        for waiter in waiters {
            waiter.timer.cancel()
            waiter.continuation.resume(throwing: Self.closedError())
        }
        for listener in listeners { listener.cancel() }
        for waiter in runWaiters { waiter.resume() }
    }
}
