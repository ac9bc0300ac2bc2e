/// The pool's bookkeeping, kept under one lock: idle connections, how many slots are taken,
/// the callers waiting for one, and the closing state.
///
/// A slot is one connection that exists or is being opened. A caller gets either an idle
/// connection or a free slot (and then opens the connection itself); when neither is available it
/// waits, and whoever gives a connection or a slot back hands it straight to the first waiter.
struct PoolState {
    /// What a caller is given.
    enum Grant {
        case connection(PostgresConnection)
        case slot
    }

    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, any Error>
        let timer: Task<Void, Never>
    }

    var idle: [PostgresConnection] = []
    /// Slots taken: connections idle, leased, or being opened.
    var open = 0
    /// Callers waiting for a connection, first come first served.
    var waiters: [Waiter] = []
    /// Waiters cancelled before they were registered (or after they were served; cleaned up).
    var cancelledWaiters: Set<Int> = []
    var nextWaiterID = 0
    var isClosed = false
    /// When connecting first failed, if no attempt has succeeded since.
    var unreachableSince: ContinuousClock.Instant?
    /// `run()` calls waiting for `close()` to begin.
    var runWaiters: [CheckedContinuation<Void, Never>] = []
    /// `close()` calls waiting for the last slot to be given back.
    var drainWaiters: [CheckedContinuation<Void, Never>] = []
    /// Notification listeners, cancelled on close.
    var listeners: [Int: Task<Void, Never>] = [:]
    var nextListenerID = 0

    mutating func removeWaiter(_ id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }

    mutating func popFirstWaiter() -> Waiter? {
        waiters.isEmpty ? nil : waiters.removeFirst()
    }
}
