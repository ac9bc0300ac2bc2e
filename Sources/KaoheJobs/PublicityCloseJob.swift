import KaoheRules
public import KaoheStore

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
    public func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
        switch try await GradingStore.closePublicity(in: transaction, cycle: run.cycleRef, actor: context.actor) {
        case .done(let result): return .done(result)
        case .waiting(let rule): return .notReady(after: .seconds(600), reason: Self.waiting(rule))
        }
    }

    /// What the cycle waits for, by the rule `GradingStore.closePublicity` names.
    static func waiting(_ rule: RuleID?) -> String {
        switch rule {
        case "publicity.not-open": "尚未公示,请先发布公示 / publicity has not been opened; open it first"
        case "publicity.not-closed": "公示期未满,期满后自动确定最终结果 / the publicity window is still open; results are finalised when it closes"
        case "publicity.objections-open": "尚有异议未复议,请先完成复议 / objections await 复议; decide them first"
        case "publicity.conflicts-open": "尚有比例冲突未经县事考办研判,请先记录研判 / ratio conflicts await the office's ruling; record it first"
        default: "公示尚不能结束(\(rule?.rawValue ?? "?")) / publicity cannot close yet (\(rule?.rawValue ?? "?"))"
        }
    }
}
