/// 等次约束: the bounds a staff member's facts put on their annual grade (篇十三 第十六–十八条,
/// 第三十四–四十条; 篇五/篇八 quarterly results).
///
/// Facts that decide the outcome outright take precedence in this order: leave or unassigned
/// time over the threshold → 不参加; refused → 不合格; under investigation → 不定等次; first job in
/// probation → 不定等次. Otherwise the grade must be a grade and at most every ceiling from the
/// sanction, the score and the quarterly results.
public enum GradeBound {
    /// The outcome the facts decide outright, with the rule, or nil.
    public static func required(for staff: StaffRecord, _ thresholds: StaffBoundThresholds) -> (StaffGrade, RosterRule)? {
        if staff.leaveMonths > thresholds.leaveMonthsOver { return (.excluded, .leaveExcluded) }
        if staff.unassignedMonths > thresholds.unassignedMonthsOver { return (.excluded, .unassignedExcluded) }
        if staff.refused { return (.incompetent, .refusedIncompetent) }
        if staff.underInvestigation { return (.undetermined, .investigationUndetermined) }
        if staff.probation { return (.undetermined, .probationUndetermined) }
        return nil
    }

    /// The best grade the score allows: ≥ 90 优秀, (five tiers: ≥ the 良好 line 良好), ≥ 70 合格,
    /// ≥ 60 基本合格, else 不合格.
    public static func scoreCeiling(_ score: Score, _ thresholds: StaffBoundThresholds) -> StaffGrade {
        if score >= thresholds.excellentMinScore { return .excellent }
        if let good = thresholds.goodMinScore, score >= good { return .good }
        if score >= thresholds.competentMinScore { return .competent }
        if score >= thresholds.basicMinScore { return .basic }
        return .incompetent
    }

    /// Appends every bound the proposed grade breaks to `violations`.
    public static func check(
        _ staff: StaffRecord,
        _ thresholds: StaffBoundThresholds,
        into violations: inout [RosterViolation]
    ) {
        if let score = staff.score, score.isNegative || score > Score(points: 100) {
            violations.append(
                RosterViolation(
                    staffNo: staff.staffNo,
                    rule: .scoreRange,
                    message: "测评分\(score)应在0–100之间 / score must be 0–100"
                )
            )
        }
        if let (grade, rule) = required(for: staff, thresholds) {
            if staff.grade != grade {
                violations.append(
                    RosterViolation(
                        staffNo: staff.staffNo,
                        rule: rule,
                        message: "\(reason(rule, staff)),应为“\(grade.chinese)”,现为“\(staff.grade.chinese)”"
                    )
                )
            }
            return
        }
        if staff.grade == .good && thresholds.goodMinScore == nil {
            violations.append(
                RosterViolation(
                    staffNo: staff.staffNo,
                    rule: .goodNotInTiers,
                    message: "本年度考核方案不设“良好”等次(优秀、合格、基本合格、不合格),现为“良好”"
                )
            )
            return
        }
        guard let rank = staff.grade.rank else {
            let rule: RosterRule = staff.grade == .undetermined ? .undeterminedNeedsReason : .excludedNeedsReason
            let needs =
                staff.grade == .undetermined
                ? "立案调查未结案或首次就业试用期内"
                : "病事假或未聘累计超过\(thresholds.leaveMonthsOver)个月"
            violations.append(
                RosterViolation(
                    staffNo: staff.staffNo,
                    rule: rule,
                    message: "“\(staff.grade.chinese)”须有依据(\(needs)),未登记相应情形"
                )
            )
            return
        }
        func ceiling(_ best: StaffGrade, _ rule: RosterRule, _ why: @autoclosure () -> String) {
            if rank < best.rank! {
                violations.append(
                    RosterViolation(
                        staffNo: staff.staffNo,
                        rule: rule,
                        message: "\(why()),最高为“\(best.chinese)”,现为“\(staff.grade.chinese)”"
                    )
                )
            }
        }
        switch staff.sanction {
        case .none: break
        case .warning:
            ceiling(thresholds.goodMinScore == nil ? .competent : .good, .warningNotExcellent, "当年受警告处分,不能确定为优秀")
        case .demerit: ceiling(.basic, .demeritAtMostBasic, "受记过处分期间,不能确定为合格及以上")
        case .demotion, .dismissal:
            ceiling(.incompetent, .demotionIncompetent, "受\(staff.sanction.chinese)处分期间,不得确定为基本合格及以上")
        }
        if let score = staff.score {
            let best = scoreCeiling(score, thresholds)
            let good = thresholds.goodMinScore.map { ",良好需≥\($0)" } ?? ""
            ceiling(
                best,
                .scoreThreshold,
                "综合量化测评分\(score)(优秀需≥\(thresholds.excellentMinScore)\(good),合格需≥\(thresholds.competentMinScore),基本合格需≥\(thresholds.basicMinScore))"
            )
        }
        if !staff.quarters.isEmpty {
            let failed = staff.quarters.count(where: { $0 == .incompetent })
            if failed >= thresholds.incompetentQuartersForIncompetent {
                ceiling(.incompetent, .quartersIncompetent, "季度考核\(failed)次不称职,年度应为不合格")
            } else if failed == thresholds.incompetentQuartersForBasic {
                ceiling(.basic, .quarterAtMostBasic, "季度考核\(failed)次不称职,年度最高为基本合格")
            }
        }
    }

    private static func reason(_ rule: RosterRule, _ staff: StaffRecord) -> String {
        switch rule {
        case .leaveExcluded: "病事假等累计\(staff.leaveMonths)个月,超过半年,不参加年度考核"
        case .unassignedExcluded: "未聘时间累计\(staff.unassignedMonths)个月,超过半年,不参加年度考核"
        case .refusedIncompetent: "无正当理由拒不参加年度考核,直接确定为不合格"
        case .investigationUndetermined: "被立案调查尚未结案,不写评语、不定等次"
        case .probationUndetermined: "首次就业且在试用期内,只写评语,不确定等次"
        default: rule.rawValue
        }
    }
}
