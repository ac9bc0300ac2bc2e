/// 待定等次的单位: what grading needs to know about one unit.
public struct UnitForGrading: Sendable, Hashable {
    /// The unit's code (统一社会信用代码), used to name it in reasons and conflicts.
    public var code: UnitCode
    /// Its committee (专考委), the stratum when ratios are enforced per committee.
    public var committee: String
    /// 综合得分: quantitative + additions − deductions (after any re-check override).
    public var total: Score
    /// The ceiling from its qualitative ratings, if any.
    public var qualitativeCeiling: QualitativeCeiling?
    /// 一票否决 events recorded against the unit (e.g. 数据造假); any makes it 较差.
    public var vetoEvents: [String]
    /// Its supervising department's annual result, when the policy ties grades to it.
    public var departmentGrade: DepartmentGrade?
    /// 不得确定为优秀等次 events recorded against the unit (附件3); any caps it at 良好.
    public var excellenceBars: [String] = []
    /// Its supervising department (主管部门), the group for ``DepartmentShareCap``.
    public var department: String?

    /// Creates a unit to grade.
    public init(
        code: UnitCode,
        committee: String,
        total: Score,
        qualitativeCeiling: QualitativeCeiling? = nil,
        vetoEvents: [String] = [],
        departmentGrade: DepartmentGrade? = nil
    ) {
        self.code = code
        self.committee = committee
        self.total = total
        self.qualitativeCeiling = qualitativeCeiling
        self.vetoEvents = vetoEvents
        self.departmentGrade = departmentGrade
    }

    /// A unit from an assessed score sheet.
    public init(
        code: UnitCode,
        committee: String,
        assessed: AssessedScores,
        vetoEvents: [String] = [],
        departmentGrade: DepartmentGrade? = nil,
        excellenceBars: [String] = []
    ) {
        self.init(
            code: code,
            committee: committee,
            total: assessed.total,
            qualitativeCeiling: assessed.qualitativeCeiling,
            vetoEvents: vetoEvents,
            departmentGrade: departmentGrade
        )
        self.excellenceBars = excellenceBars
    }
}
