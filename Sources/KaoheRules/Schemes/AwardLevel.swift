/// 表彰奖励级别: the level of an award counted under 创先争优 (excellence).
///
/// 篇十一: 国家级、省级、市级、县级分值权重分别不超过10分、6分、3分、1分,不得重复计分.
public enum AwardLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// 国家级
    case national
    /// 省级
    case provincial
    /// 市级
    case city
    /// 县级
    case county

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .national: "国家级"
        case .provincial: "省级"
        case .city: "市级"
        case .county: "县级"
        }
    }
}

/// 创先争优 award claim: one achievement, its level and the points claimed for it.
public struct AwardClaim: Sendable, Hashable, Codable {
    /// What was achieved; the same achievement is never counted twice (不得重复计分).
    public var achievement: String
    /// The level of the award.
    public var level: AwardLevel
    /// The points claimed.
    public var points: Score

    /// Creates a claim.
    public init(achievement: String, level: AwardLevel, points: Score) {
        self.achievement = achievement
        self.level = level
        self.points = points
    }
}
