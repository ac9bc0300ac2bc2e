public import Foundation

/// `kaohe rules roster`: checks a staff roster from JSON `{"staff":[…]}` against a unit grade and a
/// roster policy; output `participants`, `quota`, `excellent`, `violations` (`staffNo`, `rule`,
/// `message`), plus the quota's percent and whether it is provisional.
public enum RosterDryRun {
    /// Runs the check with a built-in roster policy.
    public static func run(
        input: Data,
        unitGrade: String,
        policyId: String,
        award: Bool,
        gradeIsFinal: Bool
    )
        throws(DryRunError) -> Data
    {
        let policy: RosterPolicy
        do { policy = try PolicyLoader.rosterPolicy(policyId) } catch {
            throw DryRunError(field: "--policy", rule: "unknown-policy", message: error.description)
        }
        return RulesJSON.encode(
            try run(
                input: input,
                unitGrade: unitGrade,
                policy: policy,
                award: award,
                gradeIsFinal: gradeIsFinal
            )
        )
    }

    /// Runs the check with an explicit policy.
    public static func run(
        input: Data,
        unitGrade: String,
        policy: RosterPolicy,
        award: Bool,
        gradeIsFinal: Bool
    )
        throws(DryRunError) -> RosterDryRunOutput
    {
        guard let grade = UnitGrade(term: unitGrade) else {
            throw DryRunError(
                field: "--unit-grade",
                rule: "unit-grade",
                message: "单位等次“\(unitGrade)”无效,应为 excellent/good/qualified/poor(优秀/良好/合格/较差) / unknown unit grade"
            )
        }
        let request: RosterDryRunInput
        do { request = try RulesJSON.decode(RosterDryRunInput.self, from: input, name: "stdin") } catch {
            throw DryRunError(error)
        }
        var issues: [FieldIssue] = []
        for (index, staff) in request.staff.enumerated() {
            if staff.staffNo.trimmingSpaces().isEmpty {
                issues.append(FieldIssue(field: "staff[\(index)].staffNo", rule: "required", message: "缺少工号 / staff number required"))
            }
            if staff.leaveMonths < 0 || staff.leaveMonths > 12 || staff.unassignedMonths < 0 || staff.unassignedMonths > 12 {
                issues.append(
                    FieldIssue(field: "staff[\(index)].leaveMonths", rule: "months-range", message: "月数应在0–12之间 / months must be 0–12")
                )
            }
            if staff.quarters.count > 4 {
                issues.append(
                    FieldIssue(field: "staff[\(index)].quarters", rule: "quarters-count", message: "季度结果最多4个 / at most 4 quarters")
                )
            }
        }
        guard issues.isEmpty else { throw DryRunError(issues: issues) }
        let report = RosterCheck(policy: policy).check(request.staff, unitGrade: grade, gradeIsFinal: gradeIsFinal, award: award)
        return RosterDryRunOutput(
            policy: policy.id,
            unitGrade: grade,
            participants: report.participants,
            quota: report.quota.limit,
            quotaPercent: report.quota.percent,
            provisional: report.quota.provisional,
            quotaSummary: report.quota.summary,
            excellent: report.excellent,
            mustGiveUp: report.mustGiveUp,
            violations: report.violations
        )
    }
}

/// Input of `kaohe rules roster`.
public struct RosterDryRunInput: Sendable, Codable {
    /// The roster.
    public var staff: [StaffRecord]
}

/// Output of `kaohe rules roster`.
public struct RosterDryRunOutput: Sendable, Codable {
    /// The roster policy used.
    public var policy: String
    /// The unit grade the quota was taken from.
    public var unitGrade: UnitGrade
    /// P: staff who receive a grade.
    public var participants: Int
    /// The excellent quota ⌊percent × P / 100⌋.
    public var quota: Int
    /// The ratio applied.
    public var quotaPercent: Percentage
    /// Whether the quota is provisional (the unit grade is not final).
    public var provisional: Bool
    /// The quota explained in Chinese.
    public var quotaSummary: String
    /// Staff proposed 优秀.
    public var excellent: Int
    /// 优秀 the unit must give up.
    public var mustGiveUp: Int
    /// Every violation, by staff number and rule.
    public var violations: [RosterViolation]
}
