/// 年度考核等次: a staff member's annual grade (篇十三 第十一条), best first, plus the two
/// outcomes that are not a grade. 良好 exists only under a five-tier policy (001: 优秀、良好、合格、
/// 基本合格、不合格); under the four tiers of 篇十三 a 良好 line is a violation.
///
/// In JSON: `excellent` 优秀, `good` 良好, `competent` 合格, `basic` 基本合格, `incompetent` 不合格,
/// `undetermined` 不定等次, `excluded` 不参加.
public enum StaffGrade: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 优秀
    case excellent
    /// 良好 (five tiers only)
    case good
    /// 合格
    case competent
    /// 基本合格
    case basic
    /// 不合格
    case incompetent
    /// 不定等次 (参加考核,不确定等次)
    case undetermined
    /// 不参加 (不参加年度考核)
    case excluded

    /// Whether this is a grade (counts among the participants P of the quota).
    public var isGraded: Bool { self != .undetermined && self != .excluded }

    /// 0 for 优秀 … 4 for 不合格; nil when not a grade.
    public var rank: Int? {
        switch self {
        case .excellent: 0
        case .good: 1
        case .competent: 2
        case .basic: 3
        case .incompetent: 4
        case .undetermined, .excluded: nil
        }
    }

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良好"
        case .competent: "合格"
        case .basic: "基本合格"
        case .incompetent: "不合格"
        case .undetermined: "不定等次"
        case .excluded: "不参加"
        }
    }

    /// `"合格(competent)"`.
    public var description: String { "\(chinese)(\(rawValue))" }
}

/// 处分: a disciplinary sanction in force (篇十三 第三十八条), mildest first.
public enum Sanction: String, Sendable, Hashable, Codable, CaseIterable {
    /// 无
    case none
    /// 警告 (this year)
    case warning
    /// 记过 (in its period)
    case demerit
    /// 降低岗位等级 (in its period)
    case demotion
    /// 撤职 (in its period)
    case dismissal

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .none: "无"
        case .warning: "警告"
        case .demerit: "记过"
        case .demotion: "降低岗位等级"
        case .dismissal: "撤职"
        }
    }
}

/// 季度考核结果 (篇五/篇八): `excellent` 优秀, `good` 良好, `competent` 称职, `incompetent` 不称职.
public enum QuarterResult: String, Sendable, Hashable, Codable, CaseIterable {
    /// 优秀
    case excellent
    /// 良好
    case good
    /// 称职
    case competent
    /// 不称职
    case incompetent

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良好"
        case .competent: "称职"
        case .incompetent: "不称职"
        }
    }
}
