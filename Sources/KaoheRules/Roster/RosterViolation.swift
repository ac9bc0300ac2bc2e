/// 名册问题: one violation of a roster, by staff number (nil for the roster as a whole) and rule.
/// A roster with violations is stored but cannot be confirmed until corrected.
public struct RosterViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The staff member concerned; nil for quota and tier limits.
    public var staffNo: String?
    /// The rule broken, e.g. `warning-not-excellent`.
    public var rule: RosterRule
    /// What is wrong and what to change, for the unit's clerk.
    public var message: String

    /// Creates a violation.
    public init(staffNo: String?, rule: RosterRule, message: String) {
        self.staffNo = staffNo
        self.rule = rule
        self.message = message
    }

    /// `staffNo: message [rule]`.
    public var description: String { "\(staffNo ?? "名册"): \(message) [\(rule.rawValue)]" }
}

/// The rules a roster is checked against, with where they come from.
public enum RosterRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// 第三十六条: leave over 6 months → 不参加.
    case leaveExcluded = "leave-excluded"
    /// 第三十七条: unassigned over 6 months → 不参加.
    case unassignedExcluded = "unassigned-excluded"
    /// 第四十条: refused to take part → 不合格.
    case refusedIncompetent = "refused-incompetent"
    /// 第三十九条: under investigation → 不定等次.
    case investigationUndetermined = "investigation-undetermined"
    /// 第三十四条: first job, in probation → 不定等次.
    case probationUndetermined = "probation-undetermined"
    /// 不定等次 needs investigation or probation.
    case undeterminedNeedsReason = "undetermined-needs-reason"
    /// 不参加 needs leave or unassigned time over the threshold.
    case excludedNeedsReason = "excluded-needs-reason"
    /// 第三十八条: 警告 this year → not 优秀.
    case warningNotExcellent = "warning-not-excellent"
    /// 第三十八条: 记过 in its period → 基本合格 or 不合格.
    case demeritAtMostBasic = "demerit-at-most-basic"
    /// 第三十八条: 降低岗位等级 or 撤职 in its period → 不合格.
    case demotionIncompetent = "demotion-incompetent"
    /// 第十六–十八条: 优秀 ≥ 90, 合格 ≥ 70, 基本合格 ≥ 60, below → 不合格.
    case scoreThreshold = "score-threshold"
    /// 篇五/篇八: 2 or more 不称职 quarters → 不合格.
    case quartersIncompetent = "quarters-incompetent"
    /// 篇五/篇八: exactly 1 不称职 quarter → at most 基本合格.
    case quarterAtMostBasic = "quarter-at-most-basic"
    /// The unit rated more 优秀 than its quota.
    case excellentQuota = "excellent-quota"
    /// A policy cap on a tier was exceeded.
    case tierCap = "tier-cap"
    /// A policy floor on a tier was not met.
    case tierFloor = "tier-floor"
    /// The same staff number appears twice.
    case duplicateStaffNo = "duplicate-staff-number"
    /// Score outside 0–100.
    case scoreRange = "score-range"
    /// 良好 under a four-tier policy (篇十三 第十一条), which has no such staff grade.
    case goodNotInTiers = "good-not-in-tiers"
    /// A category's own cap (篇五: 优秀/良好 per 科级、中层、一般 within 25 %/30 %) was exceeded.
    case categoryCap = "category-cap"
    /// A category's own floor was not met.
    case categoryFloor = "category-floor"
}

extension RosterRule {
    /// What a clerk reads for the rule (the id stays in the CSV of the API and in tooltips).
    public var chinese: String {
        switch self {
        case .leaveExcluded: "请假超过6个月不参加考核"
        case .unassignedExcluded: "未安排工作超过6个月不参加考核"
        case .refusedIncompetent: "拒不参加考核定为不合格"
        case .investigationUndetermined: "立案调查期间不定等次"
        case .probationUndetermined: "试用期内不定等次"
        case .undeterminedNeedsReason: "不定等次须有调查或试用期"
        case .excludedNeedsReason: "不参加考核须有请假或未安排工作"
        case .warningNotExcellent: "受警告处分不得评为优秀"
        case .demeritAtMostBasic: "受记过处分最高为基本合格"
        case .demotionIncompetent: "受降级或撤职处分定为不合格"
        case .scoreThreshold: "得分与等次不符"
        case .quartersIncompetent: "两个以上季度不称职定为不合格"
        case .quarterAtMostBasic: "一个季度不称职最高为基本合格"
        case .excellentQuota: "优秀超出名额"
        case .tierCap: "等次比例超出上限"
        case .tierFloor: "等次比例低于下限"
        case .duplicateStaffNo: "工作人员编号重复"
        case .scoreRange: "得分超出0–100"
        case .goodNotInTiers: "本方案不设良好等次"
        case .categoryCap: "类别等次比例超出上限"
        case .categoryFloor: "类别等次比例低于下限"
        }
    }
}
