import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one thread on which a connection's libpq calls run, with a FIFO job queue.
///
/// libpq blocks (connect, send, wait for the result), so it must not run on the cooperative pool,
/// an actor or an event loop; one thread per connection keeps every call on that connection in
/// order and on the same thread. Async callers suspend on a continuation until their job ran.
final class ConnectionThread: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [Job] = []
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
        jobs.append(job)
        if jobs.count == 1 { condition.signal() }
        return true
    }

    /// True when called on this connection's thread.
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let osThread else { return false }
        return pthread_equal(osThread, pthread_self()) != 0
    }

    /// Lets the thread finish the jobs already queued, then exit. Later submissions are refused.
    func stop() {
        condition.lock()
        isStopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        var batch: [Job] = []
        while true {
            condition.lock()
            while jobs.isEmpty, !isStopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job() }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Runs `body` on the thread and returns its result to the suspended caller.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(code: .connectionClosed, message: "the connection is closed"))
            }
        }
    }
}
