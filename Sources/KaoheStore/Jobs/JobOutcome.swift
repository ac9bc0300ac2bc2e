public import Foundation

/// What a scheduled job's run did.
public enum JobOutcome: Sendable, Hashable {
    /// Done; `JobResult.facts` are stored as the run's `result`.
    case done(JobResult)
    /// Not yet possible; try again after this long. `reason` says what must happen first, in words a
    /// clerk can act on (zh-CN / English): a hand trigger refuses with it.
    case notReady(after: Duration, reason: String)
}

/// What a run that is done did: one case per way a job can finish. Stored in
/// `scheduled_runs.result` as `facts`, an object of text (`{"drawNo": "2", "selected": "5"}`), which is
/// what the API, the CLI and the monitor show.
public enum JobResult: Sendable, Hashable {
    /// 冻结抽样总体: the population of draw `drawNo` frozen, with its hash and size.
    case populationFrozen(drawNo: Int, populationHash: String, populationSize: Int)
    /// The population was frozen already (by hand), as draw `drawNo`.
    case frozenBefore(drawNo: Int)
    /// 抽签: draw `drawNo` drawn, `selected` units selected.
    case drawn(drawNo: Int, selected: Int)
    /// The current draw was drawn already.
    case drawnBefore
    /// A filing step closed on schedule at `closesAt`.
    case stepClosed(closesAt: Date)
    /// The step the run was for no longer exists.
    case stepMissing
    /// 公示期满: the results were finalised by the scheduled run.
    case publicityFinalised
    /// The results were final already.
    case publicityFinalBefore
    /// The office closed publicity by hand (its finalise marks the run done).
    case closedByHand
    /// The cycle the run was for no longer exists.
    case cycleMissing

    /// The facts as stored and shown.
    public var facts: [String: String] {
        switch self {
        case .populationFrozen(let drawNo, let hash, let size):
            ["drawNo": String(drawNo), "populationHash": hash, "populationSize": String(size)]
        case .frozenBefore(let drawNo): ["frozenBefore": String(drawNo)]
        case .drawn(let drawNo, let selected): ["drawNo": String(drawNo), "selected": String(selected)]
        case .drawnBefore: ["drawnBefore": "true"]
        case .stepClosed(let closesAt): ["closesAt": ShanghaiTime.format(closesAt)]
        case .stepMissing: ["missing": "step"]
        case .publicityFinalised: ["finalised": "scheduled"]
        case .publicityFinalBefore: ["finalised": "already"]
        case .closedByHand: ["closedBy": "hand"]
        case .cycleMissing: ["skipped": "no cycle"]
        }
    }
}
