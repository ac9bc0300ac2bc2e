/// 加减分事项 (篇十二): one addition or deduction with its reason.
public struct ScoreAdjustment: Sendable, Hashable, Codable {
    /// Points, never negative; whether it adds or deducts depends on the list it is in.
    public var points: Score
    /// Why (e.g. 获市委市政府表彰, 巡察反馈问题整改不到位); required.
    public var reason: String

    /// Creates an adjustment.
    public init(points: Score, reason: String) {
        self.points = points
        self.reason = reason
    }
}
