/// 优秀名额: how many staff a unit may rate 优秀: ⌊ratio × P / 100⌋, P the staff who receive a
/// grade, the ratio from the unit's own grade under the roster policy (单位优秀比例与单位整体绩效挂钩).
public struct ExcellentQuota: Sendable, Hashable, Codable {
    /// The unit's grade the ratio was taken from.
    public var unitGrade: UnitGrade
    /// Whether that grade is still a proposal: the quota is then provisional (暂定) and says so.
    public var provisional: Bool
    /// Whether a provincial-or-higher collective award raised the ratio.
    public var award: Bool
    /// The ratio applied.
    public var percent: Percentage
    /// P: staff who receive a grade (neither 不定等次 nor 不参加).
    public var participants: Int
    /// ⌊percent × P / 100⌋.
    public var limit: Int

    /// Computes the quota.
    public init(unitGrade: UnitGrade, gradeIsFinal: Bool, award: Bool, participants: Int, policy: RosterPolicy) {
        self.unitGrade = unitGrade
        self.provisional = !gradeIsFinal
        self.award = award
        self.percent = policy.excellentPercent(unitGrade: unitGrade, award: award)
        self.participants = participants
        self.limit = percent.atMost(of: participants)
    }

    /// `"优秀名额3人(20%×15,单位等次良好,单位等次未最终确定,名额为暂定)"`.
    public var summary: String {
        "优秀名额\(limit)人(\(basis)\(provisional ? ",单位等次未最终确定,名额为暂定" : ""))"
    }

    /// `"优秀名额3人(20%×15,单位等次良好)"`: the limit and what it comes from, whether or not the
    /// grade is final (a violation's words say this, so a confirmation changes only `provisional`).
    public var limitSummary: String { "优秀名额\(limit)人(\(basis))" }

    private var basis: String {
        "\(percent)×\(participants),单位等次\(unitGrade.chinese)\(award ? ",含省级以上集体奖励" : "")"
    }
}
