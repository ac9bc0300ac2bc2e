import Foundation
public import KaoheStore
public import Postgres

/// 步骤截止: records that a filing step closed at its `closes_at`. Filings are refused from that
/// instant by the filing rules themselves; the run writes the audit entry that says the step closed
/// on schedule (a step closed early by hand has its run marked done by the `cycle_steps` trigger).
public struct StepCloseJob: ScheduledJob {
    /// The step.
    public let step: FilingStep
    /// `step.close.<step>`.
    public var kind: String { "step.close." + step.rawValue }

    /// The close job of `step`.
    public init(step: FilingStep) { self.step = step }

    public func run(_ run: ScheduledRun, on connection: PostgresConnection, context: JobContext) async throws -> JobOutcome {
        let rows = try await connection.query(
            """
            SELECT closes_at, closed_by FROM cycle_steps
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND step = \(step.rawValue)
            """
        )
        guard let row = rows.first else { return .done(["missing": "step"]) }
        let closesAt = try row.decode(Date.self, column: "closes_at")
        try await AuditChain.append(
            on: connection, county: run.county, actor: context.actor, action: "cycle.step.closed",
            object: "cycles/\(run.cycle)/steps/\(step.rawValue)", details: ["closesAt": ShanghaiTime.format(closesAt)])
        return .done(["closesAt": ShanghaiTime.format(closesAt)])
    }
}
