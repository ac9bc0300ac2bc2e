import Foundation
public import KaoheRules
public import KaoheStore
public import Logging
public import ServiceLifecycle

/// 定时任务执行器: performs due `scheduled_runs`, each exactly once however many daemons share the
/// database.
///
/// The runner asks `ScheduledRunStore.performNext` for the next due run and does the job's work in
/// that run's transaction; the store claims the row `FOR UPDATE SKIP LOCKED`, marks it done with
/// the work's result, or rolls the work back and records why (see `ScheduledRunStore` for why this
/// is exactly once). Runs overdue while no daemon was up are done at the next start.
///
/// The runner looks every `pollInterval` (2 s) and whenever the store wakes it (a NOTIFY); it
/// belongs in the ServiceGroup after the pool and before the HTTP app, so a graceful shutdown stops
/// it before the pool closes.
public final class JobRunner: Service, Sendable {
    let runs: ScheduledRunStore
    let registry: JobRegistry
    let pollInterval: Duration
    let actor: String
    let logger: Logger

    /// A runner on `runs` for the jobs in `registry`. `actor` names this daemon in audit entries
    /// and `done_by` (default `daemon:<host>/<pid>`).
    public init(
        runs: ScheduledRunStore,
        registry: JobRegistry = .standard(),
        pollInterval: Duration = .seconds(2),
        actor: String? = nil,
        logger: Logger
    ) {
        self.runs = runs
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
        let wakeups = runs.wakeups()
        let pollInterval = self.pollInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await _ in wakeups { wake.yield() }
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
        // A pass attempts each run once: a failed run whose back-off ends while the pass is still
        // going (a slow pass, a loaded machine) waits for the next pass.
        var attempted: [String] = []
        while !Task.isCancelled {
            do {
                guard let (run, outcome) = try await runOne(excluding: attempted) else { break }
                attempted.append("\(run.cycleRef)/\(run.kind)")
                if case .done = outcome { done += 1 }
            } catch {
                logger.error("scheduled run failed", metadata: ["error": "\(String(reflecting: error))"])
                break
            }
        }
        return done
    }

    /// Claims and performs one due run not in `excluding` (`county/cycle/kind`); nil when none is due.
    func runOne(excluding: [String] = []) async throws -> (run: ScheduledRun, outcome: JobOutcome)? {
        let registry = self.registry
        let actor = self.actor
        let logger = self.logger
        let performed = try await runs.performNext(kinds: registry.kinds, excluding: excluding, actor: actor) { run, transaction in
            guard let job = registry.job(for: run.kind) else {
                throw CycleError(.notFound, "没有名为“\(run.kind)”的定时任务 / no job kind \(run.kind)", rule: "jobs.kind")
            }
            var logger = logger
            logger[metadataKey: "run"] = "\(run.cycleRef)/\(run.kind)"
            return try await job.run(run, in: transaction, context: JobContext(actor: actor, logger: logger))
        } failed: { run, error in
            logger.warning(
                "scheduled run failed; will retry",
                metadata: ["run": "\(run.cycleRef)/\(run.kind)", "error": "\(String(describing: error))"]
            )
        }
        guard let (run, outcome) = performed else { return nil }
        if case .done(let result) = outcome {
            logger.info("scheduled run done", metadata: ["run": "\(run.cycleRef)/\(run.kind)", "result": "\(result.facts)"])
        }
        return (run, outcome)
    }

    /// A hand trigger (CLI, API) of a run kind: waits for the run's row, refuses when it is done
    /// already, performs the job as `actor` and marks the run done by `actor`, in one transaction.
    public static func trigger(
        runs: ScheduledRunStore,
        registry: JobRegistry = .standard(),
        cycle: CycleRef,
        kind: String,
        actor: String,
        logger: Logger
    ) async throws -> JobResult {
        guard let job = registry.job(for: kind) else {
            throw CycleError(.notFound, "没有名为“\(kind)”的定时任务 / no job kind \(kind)", field: "/kind", rule: "jobs.kind")
        }
        return try await runs.trigger(cycle: cycle, kind: kind, actor: actor) { run, transaction in
            try await job.run(run, in: transaction, context: JobContext(actor: actor, logger: logger))
        }
    }
}
