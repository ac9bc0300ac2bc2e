/// 等次依据: one step that set or changed a unit's proposed grade.
public struct GradeReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable rule id: `band`, `qualitative-veto`, `direct-poor`, `department-ceiling`,
    /// `excellent-cap`, `qualified-floor`, `tie-conflict`, `office-decision`.
    public var rule: RuleID
    /// The grade after this step.
    public var grade: UnitGrade
    /// Explanation for the office.
    public var message: String

    /// Creates a reason.
    public init(rule: RuleID, grade: UnitGrade, message: String) {
        self.rule = rule
        self.grade = grade
        self.message = message
    }

    /// `rule → grade: message`.
    public var description: String { "\(rule) → \(grade.rawValue): \(message)" }
}

/// 等次建议: the proposed grade of one unit, with every reason.
public struct GradeProposal: Sendable, Hashable, Codable {
    /// The unit's code.
    public var code: UnitCode
    /// Its committee.
    public var committee: String
    /// 综合得分.
    public var total: Score
    /// The grade its total alone earns.
    public var band: UnitGrade
    /// The proposed grade after vetoes and ratios.
    public var grade: UnitGrade
    /// Every step, in order.
    public var reasons: [GradeReason]

    /// Creates a proposal.
    public init(code: UnitCode, committee: String, total: Score, band: UnitGrade, grade: UnitGrade, reasons: [GradeReason]) {
        self.code = code
        self.committee = committee
        self.total = total
        self.band = band
        self.grade = grade
        self.reasons = reasons
    }
}
