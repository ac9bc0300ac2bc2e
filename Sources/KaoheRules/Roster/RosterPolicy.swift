/// 工作人员考核政策: the excellent quota and the grade bounds of staff rosters, as data.
///
/// Presets: `tied-2023` (default; 优秀比例与单位整体绩效挂钩: unit 优秀 25 %, 良好 20 %, 合格 15 %,
/// 较差 0 %), `shanxi-2013` (篇十三 第十九条: 15 %), `national-2023` (人社部发〔2023〕6号: 20 %,
/// 25 % if the unit is 优秀). A provincial-or-higher collective award adds `awardBonusPercent` (5)
/// to any ratio above 0.
public struct RosterPolicy: Sendable, Hashable, Codable {
    /// Preset id, e.g. `tied-2023`.
    public var id: String
    /// Chinese title.
    public var title: String
    /// Where the numbers come from.
    public var source: String
    /// 优秀比例 by the unit's own grade (keys `excellent`, `good`, `qualified`, `poor`).
    public var excellentPercentByUnitGrade: [String: Percentage]
    /// 省级以上集体奖励 adds this many points to a ratio above 0.
    public var awardBonusPercent: Int
    /// Other caps and floors on tiers (e.g. 良好 ≤ 30 %, 不合格 ≥ 5 %), over the unit's staff quota
    /// pool (every level but the leaders).
    public var tierLimits: [TierLimit]
    /// Categories counted apart, each with its own limits (篇五: 科级干部、中层干部、一般工作人员,
    /// 优秀 ≤ 25 % and 良好 ≤ 30 % of each); nil or empty when the unit's staff are counted together.
    public var categoryLimits: [CategoryLimit]?
    /// The score and fact thresholds of the grade bounds.
    public var bounds: StaffBoundThresholds

    /// Creates a policy.
    public init(
        id: String,
        title: String,
        source: String,
        excellentPercentByUnitGrade: [UnitGrade: Percentage],
        awardBonusPercent: Int,
        tierLimits: [TierLimit],
        categoryLimits: [CategoryLimit]? = nil,
        bounds: StaffBoundThresholds
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.excellentPercentByUnitGrade = Dictionary(
            uniqueKeysWithValues: excellentPercentByUnitGrade.map { ($0.key.rawValue, $0.value) }
        )
        self.awardBonusPercent = awardBonusPercent
        self.tierLimits = tierLimits
        self.categoryLimits = categoryLimits
        self.bounds = bounds
    }

    /// The excellent ratio for a unit of this grade, with or without the award.
    public func excellentPercent(unitGrade: UnitGrade, award: Bool) -> Percentage {
        let base = excellentPercentByUnitGrade[unitGrade.rawValue] ?? Percentage(uncheckedValue: 0)
        guard award, base.value > 0 else { return base }
        return Percentage(uncheckedValue: Swift.min(100, base.value + awardBonusPercent))
    }

    /// Checks every unit grade has a ratio, the bonus is 0…100, tier limits are well formed and
    /// thresholds descend.
    public func validated() throws(SchemeError) -> RosterPolicy {
        var issues: [FieldIssue] = []
        for grade in UnitGrade.allCases where excellentPercentByUnitGrade[grade.rawValue] == nil {
            issues.append(
                FieldIssue(
                    field: "excellentPercentByUnitGrade.\(grade.rawValue)",
                    rule: "required",
                    message: "缺少单位等次“\(grade.chinese)”对应的优秀比例 / ratio missing"
                )
            )
        }
        for key in excellentPercentByUnitGrade.keys.sorted() where UnitGrade(rawValue: key) == nil {
            issues.append(
                FieldIssue(
                    field: "excellentPercentByUnitGrade.\(key)",
                    rule: "known-grade",
                    message: "单位等次“\(key)”未知 / unknown unit grade"
                )
            )
        }
        if !(0...100).contains(awardBonusPercent) {
            issues.append(FieldIssue(field: "awardBonusPercent", rule: "range", message: "奖励加成应在0–100之间 / must be 0…100"))
        }
        for (index, limit) in tierLimits.enumerated() {
            issues += limit.issues(field: "tierLimits[\(index)]", goodTier: bounds.goodMinScore != nil)
        }
        var counted: Set<StaffLevel> = []
        for (index, category) in (categoryLimits ?? []).enumerated() {
            let field = "categoryLimits[\(index)]"
            if category.levels.isEmpty || category.levels.contains(where: \.isLeadership) {
                issues.append(
                    FieldIssue(
                        field: "\(field).levels",
                        rule: "quota-levels",
                        message: "类别须列出层级,且不含领导班子成员和主要负责人(由主管部门考核) / name levels, leaders excluded"
                    )
                )
            }
            for level in category.levels where !counted.insert(level).inserted {
                issues.append(
                    FieldIssue(
                        field: "\(field).levels",
                        rule: "level-once",
                        message: "“\(level.chinese)”已在另一类别中 / a level belongs to one category"
                    )
                )
            }
            for (position, limit) in category.limits.enumerated() {
                issues += limit.issues(field: "\(field).limits[\(position)]", goodTier: bounds.goodMinScore != nil)
            }
        }
        let b = bounds
        let goodInOrder = b.goodMinScore.map { b.excellentMinScore > $0 && $0 > b.competentMinScore } ?? true
        if !(b.excellentMinScore > b.competentMinScore && b.competentMinScore > b.basicMinScore && goodInOrder) {
            issues.append(
                FieldIssue(
                    field: "bounds",
                    rule: "threshold-order",
                    message: "分数线须依次递减(优秀>良好>合格>基本合格) / thresholds must descend"
                )
            )
        }
        guard issues.isEmpty else { throw SchemeError(scheme: id, issues: issues) }
        return self
    }
}

/// 分类别考核 (篇五: 按科级干部、中层干部和一般工作人员三个类别分开考核): staff of `levels` form a
/// pool of their own whose participants bear `limits`, beside the unit's quota.
public struct CategoryLimit: Sendable, Hashable, Codable {
    /// Name shown in violations, e.g. `科级干部`.
    public var name: String
    /// The levels counted together.
    public var levels: [StaffLevel]
    /// The caps and floors on the pool's participants.
    public var limits: [TierLimit]

    /// Creates a category.
    public init(name: String, levels: [StaffLevel], limits: [TierLimit]) {
        self.name = name
        self.levels = levels
        self.limits = limits
    }
}

/// 等次比例限制: a cap or floor on the share of participants with one of `grades`.
public struct TierLimit: Sendable, Hashable, Codable {
    /// Name shown in violations, e.g. `三等次`.
    public var name: String
    /// The grades counted together.
    public var grades: [StaffGrade]
    /// At most this percent of participants (⌊p·P/100⌋).
    public var maxPercent: Percentage?
    /// At least this percent of participants (⌈p·P/100⌉).
    public var minPercent: Percentage?

    /// Creates a limit.
    public init(name: String, grades: [StaffGrade], maxPercent: Percentage? = nil, minPercent: Percentage? = nil) {
        self.name = name
        self.grades = grades
        self.maxPercent = maxPercent
        self.minPercent = minPercent
    }

    /// What is wrong with the limit at `field`: no grade, a grade that is not one (or 良好 without
    /// the five tiers), or neither a cap nor a floor.
    func issues(field: String, goodTier: Bool) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if grades.isEmpty || grades.contains(where: { !$0.isGraded || ($0 == .good && !goodTier) }) {
            issues.append(
                FieldIssue(
                    field: "\(field).grades",
                    rule: "graded-tiers",
                    message: "等次限制只能针对方案所设等次(优秀/\(goodTier ? "良好/" : "")合格/基本合格/不合格) / only the policy's tiers"
                )
            )
        }
        if maxPercent == nil && minPercent == nil {
            issues.append(FieldIssue(field: field, rule: "limit-required", message: "须给出上限或下限 / give maxPercent or minPercent"))
        }
        return issues
    }
}

/// The thresholds of the staff grade bounds (篇十三 第十六–十八条, 第三十六–三十七条; 篇五/篇八).
public struct StaffBoundThresholds: Sendable, Hashable, Codable {
    /// 优秀 needs at least this score (90).
    public var excellentMinScore: Score
    /// 良好 needs at least this score: set only under a five-tier policy (001: 优秀、良好、合格、
    /// 基本合格、不合格); nil under the four tiers of 篇十三, where 良好 is not a staff grade.
    public var goodMinScore: Score?
    /// 合格 needs at least this score (70).
    public var competentMinScore: Score
    /// 基本合格 needs at least this score (60); below it, 不合格.
    public var basicMinScore: Score
    /// Leave over this many months in the year → 不参加 (6: 累计超过半年).
    public var leaveMonthsOver: Int
    /// Unassigned (未聘) over this many months → 不参加 (6).
    public var unassignedMonthsOver: Int
    /// This many 不称职 quarters or more → annual 不合格 (2).
    public var incompetentQuartersForIncompetent: Int
    /// Exactly this many 不称职 quarters → at most 基本合格 (1).
    public var incompetentQuartersForBasic: Int

    /// Creates thresholds.
    public init(
        excellentMinScore: Score,
        goodMinScore: Score? = nil,
        competentMinScore: Score,
        basicMinScore: Score,
        leaveMonthsOver: Int,
        unassignedMonthsOver: Int,
        incompetentQuartersForIncompetent: Int,
        incompetentQuartersForBasic: Int
    ) {
        self.excellentMinScore = excellentMinScore
        self.goodMinScore = goodMinScore
        self.competentMinScore = competentMinScore
        self.basicMinScore = basicMinScore
        self.leaveMonthsOver = leaveMonthsOver
        self.unassignedMonthsOver = unassignedMonthsOver
        self.incompetentQuartersForIncompetent = incompetentQuartersForIncompetent
        self.incompetentQuartersForBasic = incompetentQuartersForBasic
    }
}
