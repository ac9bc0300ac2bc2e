import Foundation
import KaoheStore
public import Logging
public import Postgres
public import ServiceLifecycle

/// 定时任务执行器: performs due `scheduled_runs`, each exactly once however many daemons share the
/// database.
///
/// How exactly-once holds: a run is one row. A runner claims a due row (`due_at <= now()` by the
/// database clock) with `SELECT … FOR UPDATE SKIP LOCKED` inside a transaction, performs the job on
/// that same transaction's connection and sets `done_at` before committing. Another runner skips
/// the locked row, and once the first commits the row is no longer pending; if the first dies, its
/// transaction rolls back — the work and the mark vanish together — and the row is claimed again.
/// A failed job is rolled back to a savepoint and its failure recorded on the still-locked row
/// (attempts, last error, back-off). Runs overdue while no daemon was up are done at the next start.
///
/// The runner looks every `pollInterval` (2 s) and whenever a NOTIFY arrives on
/// `ScheduledRunStore.wakeChannel`; it belongs in the ServiceGroup after the pool and before the
/// HTTP app, so a graceful shutdown stops it before the pool closes.
public final class JobRunner: Service, Sendable {
    let client: PostgresClient
    let registry: JobRegistry
    let pollInterval: Duration
    let actor: String
    let logger: Logger

    /// A runner on `client` for the jobs in `registry`. `actor` names this daemon in audit entries
    /// and `done_by` (default `daemon:<host>/<pid>`).
    public init(client: PostgresClient, registry: JobRegistry = .standard(), pollInterval: Duration = .seconds(2),
                actor: String? = nil, logger: Logger) {
        self.client = client
        self.registry = registry
        self.pollInterval = pollInterval
        self.actor = actor ?? Self.defaultActor()
        self.logger = logger
    }

    /// `daemon:<host>/<pid>`.
    public static func defaultActor() -> String {
        "daemon:\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let client = self.client
        let pollInterval = self.pollInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await _ in client.notifications(channel: ScheduledRunStore.wakeChannel) { wake.yield() }
                    } catch {}
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: pollInterval) } catch { return }
                        wake.yield()
                    }
                }
                wake.yield()  // catch up at start on whatever fell due while no daemon ran
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await self.runDue()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.finish()
        }
    }

    /// Performs every run due now, one transaction each; returns how many were done. Errors are
    /// logged (the next look tries again).
    @discardableResult
    public func runDue() async -> Int {
        var done = 0
        while !Task.isCancelled {
            do {
                guard let outcome = try await runOne() else { break }
                if case .done = outcome { done += 1 }
            } catch {
                logger.error("scheduled run failed", metadata: ["error": "\(String(reflecting: error))"])
                break
            }
        }
        return done
    }

    /// Claims and performs one due run; nil when none is due.
    func runOne() async throws -> JobOutcome? {
        let kinds = registry.kinds
        let registry = self.registry
        let actor = self.actor
        var logger = self.logger
        return try await client.withTransaction { connection -> JobOutcome? in
            guard let run = try await ScheduledRunStore.claimNext(on: connection, kinds: kinds),
                  let job = registry.job(for: run.kind) else { return nil }
            logger[metadataKey: "run"] = "\(run.county)/\(run.cycle)/\(run.kind)"
            try await connection.execute("SAVEPOINT scheduled_job")
            do {
                let outcome = try await job.run(run, on: connection, context: JobContext(actor: actor, logger: logger))
                switch outcome {
                case .done(let result):
                    try await ScheduledRunStore.markDone(on: connection, county: run.county, cycle: run.cycle, kind: run.kind,
                                                         by: actor, result: result)
                    logger.info("scheduled run done", metadata: ["result": "\(result)"])
                case .notReady(let after, _):
                    try await connection.execute("ROLLBACK TO SAVEPOINT scheduled_job")
                    try await ScheduledRunStore.postpone(on: connection, run: run, after: after)
                }
                return outcome
            } catch {
                try await connection.execute("ROLLBACK TO SAVEPOINT scheduled_job")
                try await ScheduledRunStore.recordFailure(on: connection, run: run, error: String(describing: error))
                logger.warning("scheduled run failed; will retry", metadata: ["error": "\(String(describing: error))"])
                return .notReady(after: .seconds(1), reason: "上次执行失败,稍后重试 / the last attempt failed; retrying")
            }
        }
    }

    /// A hand trigger (CLI, API) of a run kind: waits for the run's row, refuses when it is done
    /// already, performs the job as `actor` and marks the run done by `actor`, in one transaction.
    public static func trigger(
        client: PostgresClient, registry: JobRegistry = .standard(), county: String, cycle: String, kind: String,
        actor: String, logger: Logger
    ) async throws -> [String: String] {
        guard let job = registry.job(for: kind) else {
            throw CycleError(.notFound, "没有名为“\(kind)”的定时任务 / no job kind \(kind)", field: "/kind", rule: "jobs.kind")
        }
        return try await client.withTransaction { connection in
            guard let run = try await ScheduledRunStore.lock(on: connection, county: county, cycle: cycle, kind: kind) else {
                throw CycleError(.notFound, "考核周期“\(cycle)”没有任务“\(kind)” / no run \(kind) in cycle \(cycle)", rule: "jobs.run-exists")
            }
            if let doneAt = run.doneAt {
                throw CycleError(.conflict, "任务“\(kind)”已于\(ShanghaiTime.format(doneAt))由\(run.doneBy ?? "?")完成 / already done at \(ShanghaiTime.format(doneAt)) by \(run.doneBy ?? "?")",
                                 rule: "jobs.already-done")
            }
            switch try await job.run(run, on: connection, context: JobContext(actor: actor, logger: logger)) {
            case .done(let result):
                try await ScheduledRunStore.markDone(on: connection, county: county, cycle: cycle, kind: kind, by: actor, result: result)
                return result
            case .notReady(_, let reason):
                throw CycleError(.conflict, "任务“\(kind)”暂不能执行:\(reason)", rule: "jobs.not-ready")
            }
        }
    }
}
