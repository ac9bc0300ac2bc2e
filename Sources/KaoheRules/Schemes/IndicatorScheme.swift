/// 考核指标体系: an indicator scheme, as data. Built-in: `county-2021` (篇十一/篇十七) and
/// `municipal-2019` (篇十二). Load and validate with ``SchemeLoader``.
public struct IndicatorScheme: Sendable, Hashable, Codable {
    /// Stable id, e.g. `county-2021`.
    public var id: String
    /// Chinese title.
    public var title: String
    /// Where the numbers come from (document and section).
    public var source: String
    /// Total of the quantitative indicators (百分制: 100).
    public var totalPoints: Score
    /// 定性指标: the qualitative points of 党的建设.
    public var qualitative: [QualitativePoint]
    /// Ceilings on the grade from the qualitative ratings.
    public var qualitativeVeto: [QualitativeVetoRule]
    /// 一级指标.
    public var groups: [IndicatorGroup]
    /// 二级指标: the quantitative indicators.
    public var indicators: [Indicator]
    /// 创先争优 award-level caps, when the scheme has them.
    public var awards: AwardCaps?
    /// 加减分事项 caps.
    public var adjustments: AdjustmentCaps
    /// Whether committees choose group weights within each group's range (`municipal-2019`).
    public var committeeWeighted: Bool

    /// Creates a scheme; call ``validated()`` before use.
    public init(
        id: String,
        title: String,
        source: String,
        totalPoints: Score,
        qualitative: [QualitativePoint],
        qualitativeVeto: [QualitativeVetoRule],
        groups: [IndicatorGroup],
        indicators: [Indicator],
        awards: AwardCaps?,
        adjustments: AdjustmentCaps,
        committeeWeighted: Bool
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.totalPoints = totalPoints
        self.qualitative = qualitative
        self.qualitativeVeto = qualitativeVeto
        self.groups = groups
        self.indicators = indicators
        self.awards = awards
        self.adjustments = adjustments
        self.committeeWeighted = committeeWeighted
    }

    /// The indicator with this id.
    public func indicator(_ id: String) -> Indicator? { indicators.first { $0.id == id } }

    /// The qualitative ceiling for these ratings: the strictest rule that applies, or nil.
    public func qualitativeCeiling(poorCount: Int, notGoodCount: Int) -> QualitativeCeiling? {
        var result: QualitativeCeiling?
        for rule in qualitativeVeto {
            let count = rule.counts == .poor ? poorCount : notGoodCount
            guard count >= rule.atLeast else { continue }
            if result == nil || rule.ceiling.rank > result!.ceiling.rank {
                result = QualitativeCeiling(
                    ceiling: rule.ceiling,
                    poorCount: poorCount,
                    notGoodCount: notGoodCount,
                    rule: rule
                )
            }
        }
        return result
    }
}

/// 创先争优 award-level caps: per level, the most points all awards of that level may count.
public struct AwardCaps: Sendable, Hashable, Codable {
    /// The indicator the awards are scored under (`excellence`).
    public var indicator: String
    /// Cap per level, keyed by ``AwardLevel`` raw value: national 10, provincial 6, city 3, county 1.
    public var caps: [String: Score]

    /// Creates the caps.
    public init(indicator: String, caps: [AwardLevel: Score]) {
        self.indicator = indicator
        self.caps = Dictionary(uniqueKeysWithValues: caps.map { ($0.key.rawValue, $0.value) })
    }

    /// The cap for a level, if the scheme sets one.
    public func cap(for level: AwardLevel) -> Score? { caps[level.rawValue] }
}

/// 加减分事项 caps: the most points all additions, and all deductions, may count.
public struct AdjustmentCaps: Sendable, Hashable, Codable {
    /// Cap on the sum of additions (加分).
    public var additionsMax: Score
    /// Cap on the sum of deductions (减分).
    public var deductionsMax: Score

    /// Creates the caps.
    public init(additionsMax: Score, deductionsMax: Score) {
        self.additionsMax = additionsMax
        self.deductionsMax = deductionsMax
    }
}
