public import KaoheRules

/// 附件3 events: what another department reported against a unit, as the office recorded it.
public enum GradingEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 直接确定为较差等次 (一票否决: 计生、综治、安全生产、环境保护; 党建 cases of 篇十一; 数据造假).
    case directPoor = "direct-poor"
    /// 不得确定为优秀等次: the unit may be at most 良好.
    case notExcellent = "not-excellent"

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .directPoor: "直接确定为较差等次"
        case .notExcellent: "不得确定为优秀等次"
        }
    }
}

/// One recorded event against a unit of a cycle.
public struct GradingEventRecord: Sendable, Hashable, Codable {
    /// The unit.
    public var unit: UnitCode
    /// 1, 2, … per unit.
    public var number: Int
    /// Its kind.
    public var kind: GradingEventKind
    /// What happened, as reported.
    public var reason: String
    /// The document it rests on (通报 / 文件 number).
    public var document: String
    /// The account that recorded it.
    public var recordedBy: String
    /// When (Asia/Shanghai).
    public var recordedAt: String
    /// When it was withdrawn, if it was (a withdrawn event no longer counts).
    public var withdrawnAt: String?
    /// Why it was withdrawn.
    public var withdrawReason: String?

    /// How the grading rules name it: "reason(document)".
    var ruleText: String { "\(reason)(\(document))" }
}

/// 部门年度综合考核结果 of one department for a cycle (篇十二 (五)).
public struct DepartmentResultRecord: Sendable, Hashable, Codable {
    /// The department id.
    public var department: String
    /// Its annual result.
    public var grade: DepartmentGrade
    /// The document it rests on.
    public var document: String
    /// The account that recorded it.
    public var recordedBy: String
    /// When (Asia/Shanghai).
    public var recordedAt: String
}

/// One ruling as the office sends it (the units come from the breach it names).
public struct RatioRulingInput: Sendable, Hashable, Codable {
    /// `excellent-ratio` or `qualified-ratio`.
    public var kind: String
    /// The cohort: `county` or the committee's name.
    public var scope: String
    /// Reference of the office's decision (会议纪要 number).
    public var reference: String
    /// What the office decided, in its words.
    public var note: String?

    /// Creates an input.
    public init(kind: String, scope: String, reference: String, note: String? = nil) {
        self.kind = kind
        self.scope = scope
        self.reference = reference
        self.note = note
    }
}
