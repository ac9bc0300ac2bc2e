public import KaoheRules

/// A re-check (核验评分) version as stored, with the override decision against the committee's
/// latest assessment at the time it is read.
public struct RecheckVersion: Sendable, Codable {
    /// The unit.
    public var unit: UnitCode
    /// 1, 2, …
    public var version: Int
    /// Who re-evaluated (the reviewer's id or name as recorded).
    public var reviewer: String
    /// The account that filed it.
    public var filedBy: String
    /// When (Asia/Shanghai, `2026-02-12T09:30:00+08:00`).
    public var filedAt: String
    /// The sheet and its assessed totals.
    public var content: AssessmentContent
    /// The comparison with the committee's latest assessment; nil when the committee filed none.
    public var comparison: RecheckComparison?
}

/// 核验对比: one sampled unit's committee and re-check totals and whether the re-check counts.
public struct RecheckComparison: Sendable, Codable, Hashable {
    /// The unit.
    public var unit: UnitCode
    /// Its committee.
    public var committee: String
    /// The committee's latest total and 差 count.
    public var committeeTotal: Score
    /// 差 points in the committee's assessment.
    public var committeePoor: Int
    /// The re-check's latest total.
    public var recheckTotal: Score
    /// 差 points in the re-check.
    public var recheckPoor: Int
    /// |committee − re-check|.
    public var difference: Score
    /// Whether the re-check replaces the committee's assessment for grading.
    public var overridden: Bool
    /// Why (empty when not overridden).
    public var reasons: [String]
}

/// Deviation and override rate of one committee's sampled units.
public struct CommitteeDeviation: Sendable, Codable, Hashable {
    /// The committee.
    public var committee: String
    /// Sampled units with both assessments.
    public var rechecked: Int
    /// Of which overridden.
    public var overridden: Int
    /// overridden × 100 / rechecked, whole percent rounded down (0 when none).
    public var overridePercent: Int
    /// Mean |difference| in hundredths of a point, rounded down.
    public var meanDifference: Score
    /// The largest |difference|.
    public var maxDifference: Score
}

/// `GET …/spot-check/deviations`.
public struct DeviationReport: Sendable, Codable {
    /// Per unit.
    public var units: [RecheckComparison]
    /// Per committee.
    public var committees: [CommitteeDeviation]
    /// The policy applied.
    public var threshold: Score
    /// Whether a different 差 count overrides.
    public var onPoorCountDifference: Bool
}

/// The grading state of a cycle (确定考核等次).
public enum GradingState: String, Sendable, Codable {
    /// A proposal exists; conflicts may be open.
    case proposed
    /// The office confirmed; quotas are final.
    case confirmed
    /// Publicity finalised; results locked.
    case final
}

/// The answer of proposal, decisions, confirmation and 复议: every graded unit, open conflicts.
public struct GradingResult: Sendable, Codable {
    /// The cycle.
    public var cycle: CycleID
    /// Where the grading stands.
    public var state: GradingState
    /// The graded units of the page asked for (`GradedUnitsPage`; all of them unless paged), by code.
    public var units: [GradedUnit]
    /// How many units are graded in all (`units` may hold a page of them).
    public var unitsTotal: Int
    /// The position of `units[0]` among all graded units, by code.
    public var unitsOffset: Int
    /// Enrolled units without a committee assessment (not graded).
    public var ungraded: [UnitCode]
    /// Ties and ratio breaches the office must resolve.
    public var conflicts: [CohortConflict]
    /// The office's recorded decisions.
    public var decisions: [TieDecision]
    /// Grades per committee: committee → grade → count.
    public var distribution: [String: [String: Int]]
    /// 比例研判: the office's rulings on ratio breaches left by 复议.
    public var ratioRulings: [RatioRuling] = []
    /// The conflicts still open: every conflict no ruling settles (finalisation waits for none).
    public var openConflicts: [CohortConflict] = []
    /// 不得确定为优秀 / 直接确定为较差 events in force (not withdrawn), by unit and number.
    public var events: [GradingEventRecord] = []
    /// 部门年度综合考核结果 recorded for the cycle: department → result.
    public var departmentResults: [String: DepartmentGrade] = [:]
}

/// Which graded units a `GradingResult` carries, by code; the rest of the result (conflicts,
/// decisions, the distribution, `unitsTotal`) is always whole. A province's proposal answers with
/// its first page, not 50,000 units.
public struct GradedUnitsPage: Sendable, Hashable {
    /// Units skipped.
    public var offset: Int
    /// Units at most; nil for every unit from `offset`.
    public var limit: Int?

    /// A page.
    public init(offset: Int, limit: Int?) {
        self.offset = max(0, offset)
        self.limit = limit.map { max(0, $0) }
    }

    /// Every unit.
    public static let all = GradedUnitsPage(offset: 0, limit: nil)
    /// No unit: the result's summary only.
    public static let none = GradedUnitsPage(offset: 0, limit: 0)
}

/// One unit's grade with the assessment that counted.
public struct GradedUnit: Sendable, Codable {
    /// The unit.
    public var code: UnitCode
    /// Its committee.
    public var committee: String
    /// `committee` or `recheck`: whose assessment counted.
    public var source: String
    /// The total that counted.
    public var total: Score
    /// The band of the total.
    public var band: UnitGrade
    /// The grade.
    public var grade: UnitGrade
    /// Why.
    public var reasons: [GradeReason]
}

/// `GET …/units/{code}/quota`: the unit's quota and what it must change.
public struct UnitQuotaView: Sendable, Codable {
    /// The unit.
    public var unit: UnitCode
    /// The unit's grade the quota follows (nil when not yet known).
    public var unitGrade: UnitGrade?
    /// `final`, `provisional` or `unknown`.
    public var status: String
    /// How the grade was obtained, in words.
    public var basis: String
    /// The roster version checked (nil when no roster was filed).
    public var rosterVersion: Int?
    /// The quota (nil when unknown).
    public var quota: ExcellentQuota?
    /// Staff proposed 优秀.
    public var excellent: Int?
    /// How many 优秀 the unit must give up.
    public var mustGiveUp: Int?
    /// Every violation of the latest roster under this grade.
    public var violations: [RosterViolation]
    /// 领导班子成员 and 主要负责人 on the roster, outside the quota (nil when not known).
    public var leaders: Int? = nil
}

/// 公示期 as stored.
public struct PublicityRecord: Sendable, Codable {
    /// The cycle.
    public var cycle: CycleID
    /// The opening day (Asia/Shanghai).
    public var opensOn: String
    /// Working days.
    public var workingDays: Int
    /// The last day.
    public var closesOn: String
    /// `2026-02-26T23:59:59+08:00`.
    public var closesAt: String
    /// Whether it is still open now.
    public var open: Bool
    /// Who opened it.
    public var openedBy: String
    /// Whether the results are final.
    public var finalised: Bool
}

/// 异议 and its 复议.
public struct ObjectionRecord: Sendable, Codable {
    /// Its id in the county.
    public var id: Int64
    /// The cycle.
    public var cycle: CycleID
    /// The unit objected to.
    public var unit: UnitCode
    /// Who filed it.
    public var filedBy: String
    /// When.
    public var filedAt: String
    /// What it says.
    public var text: String
    /// `upheld` / `rejected`, nil while open.
    public var outcome: String?
    /// Grade before and after, when the review changed it.
    public var oldGrade: String?
    /// The new grade.
    public var newGrade: String?
    /// The committee's note.
    public var note: String?
    /// Who reviewed.
    public var reviewedBy: String?
    /// Ratio conflicts after the change (only in the review answer).
    public var conflicts: [CohortConflict]?
}

/// 复核: a staff appeal.
public struct StaffAppealRecord: Sendable, Codable {
    /// Its id in the county.
    public var id: Int64
    /// The cycle.
    public var cycle: CycleID
    /// The unit.
    public var unit: UnitCode
    /// The staff member's number in the unit.
    public var staffNo: String
    /// The grade appealed.
    public var grade: String
    /// The day the staff member was told.
    public var notifiedOn: String
    /// The day applied.
    public var filedOn: String
    /// The last working day to apply.
    public var lastDay: String
    /// Why.
    public var reason: String
    /// Who recorded it.
    public var filedBy: String
    /// `upheld` / `changed` / `rejected`, nil while open.
    public var outcome: String?
    /// The grade after review.
    public var decidedGrade: String?
    /// The note.
    public var note: String?
}
