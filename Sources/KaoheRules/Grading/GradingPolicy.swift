/// 等次评定政策: the numbers that turn totals into unit grades, as data (cycle policy).
///
/// Defaults (篇十 (五)): 90 → 优秀, 70 → 良好, 60 → 合格, else 较差; 优秀 at most 30 %,
/// 合格 at least 10 % of the graded units.
public struct GradingPolicy: Sendable, Hashable, Codable {
    /// 分数段: the lowest total for each grade, best first; below every band is 较差.
    public var bands: [GradeBand]
    /// 优秀等次占比原则上不超过 this percent (30).
    public var excellentMaxPercent: Percentage
    /// 合格等次占比原则上不低于 this percent (10).
    public var qualifiedMinPercent: Percentage
    /// 篇十二 (五): the best grade a unit may have when its supervising department's annual
    /// result (部门年度综合考核结果) is the key (`qualified` → `good`, `failed` → `qualified`).
    public var departmentCeilings: [String: UnitGrade]
    /// 篇十二 (五): caps on the 优秀 and 良好 shares among a department's units, by the department's
    /// result (`excellent`, `good`, `qualified`, `failed`); none in the built-in policy.
    public var departmentShareCaps: [String: DepartmentShareCap]?

    /// Creates a policy.
    public init(
        bands: [GradeBand],
        excellentMaxPercent: Percentage,
        qualifiedMinPercent: Percentage,
        departmentCeilings: [DepartmentGrade: UnitGrade] = [:]
    ) {
        self.bands = bands
        self.excellentMaxPercent = excellentMaxPercent
        self.qualifiedMinPercent = qualifiedMinPercent
        self.departmentCeilings = Dictionary(uniqueKeysWithValues: departmentCeilings.map { ($0.key.rawValue, $0.value) })
    }

    /// The grade band a total falls in.
    public func band(for total: Score) -> UnitGrade {
        for band in bands where total >= band.atLeast { return band.grade }
        return .poor
    }

    /// The ceiling for a department result, if the policy sets one.
    public func ceiling(for department: DepartmentGrade) -> UnitGrade? { departmentCeilings[department.rawValue] }

    /// The share cap for a department result, if the policy sets one.
    public func shareCap(for department: DepartmentGrade) -> DepartmentShareCap? { departmentShareCaps?[department.rawValue] }

    /// Checks the bands are strictly descending and name each of 优秀/良好/合格 once.
    public func validated() throws(SchemeError) -> GradingPolicy {
        var issues: [FieldIssue] = []
        let grades = bands.map(\.grade)
        if grades != [.excellent, .good, .qualified] {
            issues.append(
                FieldIssue(
                    field: "grading.bands",
                    rule: "band-grades",
                    message: "分数段须依次为 excellent、good、qualified / bands must be excellent, good, qualified"
                )
            )
        }
        for index in bands.indices.dropFirst() where bands[index].atLeast >= bands[index - 1].atLeast {
            issues.append(
                FieldIssue(
                    field: "grading.bands[\(index)].atLeast",
                    rule: "band-order",
                    message: "分数线须从高到低 / thresholds must descend"
                )
            )
        }
        for key in departmentCeilings.keys.sorted() where DepartmentGrade(rawValue: key) == nil {
            issues.append(
                FieldIssue(
                    field: "grading.departmentCeilings.\(key)",
                    rule: "known-grade",
                    message: "部门考核结果“\(key)”未知(excellent/good/qualified/failed) / unknown department result"
                )
            )
        }
        for key in (departmentShareCaps ?? [:]).keys.sorted() where DepartmentGrade(rawValue: key) == nil {
            issues.append(
                FieldIssue(
                    field: "grading.departmentShareCaps.\(key)",
                    rule: "known-grade",
                    message: "部门考核结果“\(key)”未知(excellent/good/qualified/failed) / unknown department result"
                )
            )
        }
        guard issues.isEmpty else { throw SchemeError(scheme: "grading", issues: issues) }
        return self
    }
}

/// 分数段: a total of at least `atLeast` earns `grade` (before vetoes and ratios).
public struct GradeBand: Sendable, Hashable, Codable {
    /// The grade.
    public var grade: UnitGrade
    /// The lowest total for it (inclusive: 90 分(含)以上).
    public var atLeast: Score

    /// Creates a band.
    public init(grade: UnitGrade, atLeast: Score) {
        self.grade = grade
        self.atLeast = atLeast
    }
}

/// 部门年度综合考核结果: the supervising department's own annual result (篇十二 (五)).
public enum DepartmentGrade: String, Sendable, Hashable, Codable, CaseIterable {
    /// 优秀
    case excellent
    /// 良好
    case good
    /// 合格
    case qualified
    /// 不合格
    case failed

    /// 优秀 / 良好 / 合格 / 不合格.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良好"
        case .qualified: "合格"
        case .failed: "不合格"
        }
    }
}
