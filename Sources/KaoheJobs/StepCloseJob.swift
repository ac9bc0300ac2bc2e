public import KaoheStore

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

    public func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
        guard
            let closesAt = try await CycleStore.recordScheduledClose(
                in: transaction,
                cycle: run.cycleRef,
                step: step,
                actor: context.actor
            )
        else { return .done(.stepMissing) }
        return .done(.stepClosed(closesAt: closesAt))
    }
}
