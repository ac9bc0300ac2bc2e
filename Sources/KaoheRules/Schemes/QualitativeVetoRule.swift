/// 定性指标否决: a ceiling on a unit's grade from its qualitative ratings.
///
/// `county-2021` (篇十): 1 个及以上“差” → not 优秀; 2 个及以上 → not above 合格; 3 个及以上 → 较差.
/// `municipal-2019` (篇十二): more than x points not 好 → not 优秀; any 差 → not 良好 or above.
public struct QualitativeVetoRule: Sendable, Hashable, Codable {
    /// Which ratings are counted.
    public enum Counted: String, Sendable, Hashable, Codable {
        /// Points rated 差.
        case poor
        /// Points not rated 好 (中 or 差).
        case notGood
    }

    /// Which ratings are counted.
    public var counts: Counted
    /// The rule applies when the count is at least this.
    public var atLeast: Int
    /// The best grade the unit can then have (`poor` means directly 较差).
    public var ceiling: UnitGrade

    /// Creates a rule.
    public init(counts: Counted, atLeast: Int, ceiling: UnitGrade) {
        self.counts = counts
        self.atLeast = atLeast
        self.ceiling = ceiling
    }
}

/// The ceiling a unit's qualitative ratings put on its grade, and the rule that set it.
public struct QualitativeCeiling: Sendable, Hashable, Codable {
    /// The best grade allowed.
    public var ceiling: UnitGrade
    /// How many points were rated 差.
    public var poorCount: Int
    /// How many points were not rated 好.
    public var notGoodCount: Int
    /// The rule that applied.
    public var rule: QualitativeVetoRule

    /// Creates the ceiling.
    public init(ceiling: UnitGrade, poorCount: Int, notGoodCount: Int, rule: QualitativeVetoRule) {
        self.ceiling = ceiling
        self.poorCount = poorCount
        self.notGoodCount = notGoodCount
        self.rule = rule
    }
}
