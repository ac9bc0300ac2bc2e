/// What a scheduled job's run did.
public enum JobOutcome: Sendable, Hashable {
    /// Done; the facts are stored as the run's `result`.
    case done([String: String])
    /// Not yet possible; try again after this long. `reason` says what must happen first, in words a
    /// clerk can act on (zh-CN / English): a hand trigger refuses with it.
    case notReady(after: Duration, reason: String)
}
