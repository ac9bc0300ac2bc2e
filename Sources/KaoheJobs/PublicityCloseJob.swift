public import KaoheStore
public import Postgres

/// 公示期满: at the publicity window's `closes_at` (the run is scheduled when the office opens
/// 公示) the results are finalised — unless an objection still awaits 复议, in which case the run
/// waits and looks again every 10 minutes. The office's `POST …/publicity/finalise` does the same
/// by hand and marks this run done; whichever comes first wins, once.
public struct PublicityCloseJob: ScheduledJob {
    /// The job.
    public init() {}

    /// `publicity.close`.
    public var kind: String { GradingStore.publicityCloseKind }

    /// Finalises in the run's transaction, or waits.
    public func run(_ run: ScheduledRun, on connection: PostgresConnection, context: JobContext) async throws -> JobOutcome {
        let (done, result) = try await GradingStore.closePublicity(on: connection, county: run.county, cycle: run.cycle, actor: context.actor)
        return done ? .done(result) : .notReady(after: .seconds(600))
    }
}
