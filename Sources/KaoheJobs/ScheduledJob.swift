public import KaoheStore
public import Logging

/// 定时任务: one kind of scheduled work (`spot_check.draw`, `publicity.close`, …).
///
/// `run` is called inside the transaction that holds the claimed `scheduled_runs` row locked
/// (`FOR UPDATE SKIP LOCKED`); everything it writes through store functions `in` that transaction,
/// its audit entries included, commits together with the run being marked done, or not at all.
/// The store's functions use the database clock (`now()`), not the process clock. Another module adds a kind by conforming a type and
/// registering it in the `JobRegistry` it hands the `JobRunner`.
public protocol ScheduledJob: Sendable {
    /// The `scheduled_runs.kind` this job performs.
    var kind: String { get }

    /// Does the work of `run`. Return `.done(result)` to mark the run done (with `result` as its
    /// record), `.notReady(after:reason:)` to leave it pending and look again later (a precondition not yet
    /// met; nothing written is kept). Throw to roll back and count a failed attempt.
    func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome
}

/// What a job gets besides its connection.
public struct JobContext: Sendable {
    /// The actor written into audit entries and `done_by`: `daemon:<host>/<pid>`.
    public var actor: String
    /// The runner's logger, with the run in its metadata.
    public var logger: Logger

    /// Creates a context.
    public init(actor: String, logger: Logger) {
        self.actor = actor
        self.logger = logger
    }
}

/// The jobs a runner performs, by kind.
public struct JobRegistry: Sendable {
    private var jobs: [String: any ScheduledJob] = [:]

    /// An empty registry.
    public init() {}

    /// The built-in jobs: each filing step's close, the spot check's freeze and draw, and the close
    /// of publicity (公示期满).
    public static func standard() -> JobRegistry {
        var registry = JobRegistry()
        for step in FilingStep.allCases { registry.register(StepCloseJob(step: step)) }
        registry.register(SpotCheckFreezeJob())
        registry.register(SpotCheckDrawJob())
        registry.register(PublicityCloseJob())
        return registry
    }

    /// Adds (or replaces) the job for its kind.
    public mutating func register(_ job: any ScheduledJob) { jobs[job.kind] = job }

    /// The job for a kind.
    public func job(for kind: String) -> (any ScheduledJob)? { jobs[kind] }

    /// Every registered kind, sorted.
    public var kinds: [String] { jobs.keys.sorted() }
}
