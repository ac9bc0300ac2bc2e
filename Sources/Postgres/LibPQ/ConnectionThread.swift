import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread on which a connection's libpq calls run, with a FIFO queue.
///
/// libpq blocks (connect, send, wait for the result), so it must not run on the cooperative pool,
/// an actor or an event loop; one thread per connection keeps every call on that connection in
/// order and on the same thread. Async callers suspend on a continuation until their job ran.
///
/// The thread is also a `TaskExecutor`: a task that prefers it (the pool does this for the body
/// of `withConnection`) runs on this thread between its queries, so each libpq call runs inline,
/// without a thread hop there and back. Since a connection serves one task at a time, nothing
/// else is kept waiting by that.
final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private enum Item {
        case closure(Job)
        case task(UnownedJob)
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var items: [Item] = []
    private var isStopping = false
    private var osThread: pthread_t?

    init(name: String) {
        // The name is set from inside: on Linux, Foundation does not apply a name set before start().
        let thread = Thread { [self] in
            Thread.current.name = name
            self.condition.lock()
            self.osThread = pthread_self()
            self.condition.unlock()
            self.loop()
        }
        thread.start()
    }

    /// Queues a job; false (and the job is dropped) once `stop()` was called.
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopping else { return false }
        items.append(.closure(job))
        if items.count == 1 { condition.signal() }
        return true
    }

    /// Runs a slice of a task that prefers this thread. Once the thread is stopping, slices go to
    /// the global concurrent executor instead, so no task is stranded.
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        if isStopping {
            condition.unlock()
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
            return
        }
        items.append(.task(unowned))
        if items.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// True when called on this connection's thread.
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let osThread else { return false }
        return pthread_equal(osThread, pthread_self()) != 0
    }

    /// Lets the thread finish what is already queued, then exit. Later closures are refused and
    /// later task slices are forwarded to the global concurrent executor.
    func stop() {
        condition.lock()
        isStopping = true
        condition.signal()
        condition.unlock()
    }

    /// On the thread itself: runs the closures queued so far (e.g. COPY chunks) before an inline
    /// libpq call, so libpq calls keep their submission order.
    func runQueuedClosures() {
        condition.lock()
        guard items.contains(where: { if case .closure = $0 { true } else { false } }) else {
            condition.unlock()
            return
        }
        var closures: [Job] = []
        items.removeAll { item in
            if case .closure(let job) = item {
                closures.append(job)
                return true
            }
            return false
        }
        condition.unlock()
        for job in closures { job() }
    }

    private func loop() {
        var batch: [Item] = []
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while items.isEmpty, !isStopping { condition.wait() }
            if items.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &items)
            condition.unlock()
            for item in batch {
                switch item {
                case .closure(let job): job()
                case .task(let job): job.runSynchronously(on: executor)
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Runs `body` on the thread and returns its result to the caller: inline when the caller is
    /// already on this thread, else by queueing it and suspending the caller.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        if isCurrent {
            runQueuedClosures()
            return try body()
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(code: .connectionClosed, message: "the connection is closed"))
            }
        }
    }
}
