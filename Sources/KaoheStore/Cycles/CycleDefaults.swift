public import Foundation
public import KaoheRules

/// The default times of a cycle's steps (SPEC.md "The cycle"), all at Asia/Shanghai wall-clock time.
///
/// Annual cycle `Y`:
/// - 自评 self_assessment: opens 1 Dec Y 00:00, deadline 31 Dec Y 23:59:59;
/// - 专考委考核 assessment: opens 1 Jan Y+1 00:00, deadline 31 Jan Y+1 23:59:59;
/// - 名册 roster: opens 1 Dec Y 00:00, deadline 31 Jan Y+1 23:59:59.
///
/// Quarterly cycle `Y-Qq` (quarter ending in month M = 3q): self-assessment opens on the 1st of M,
/// deadline the last day of M; assessment opens the 1st of M+1, deadline its last day; roster opens
/// the 1st of M, deadline the last day of M+1.
///
/// Every step then stays open for ``grace`` after its deadline (filings then are stored and marked
/// late) and closes at `deadline + grace`, unless the office sets `closesAt` itself or closes the
/// step by hand.
public enum CycleDefaults {
    /// Late filings are accepted for 7 days after a deadline by default.
    public static let grace: TimeInterval = 7 * 86_400

    /// The years a cycle may be for: from 2020 (the schemes in force date from 2021's documents)
    /// to 2099.
    public static let years = 2020...2099

    /// Annual (`2026`) or quarterly (`2026-Q1`), or nil when the id is neither.
    public static func kind(of cycle: CycleID) -> CycleKind? {
        if cycle.isAnnual { return .annual }
        return cycle.quarter == nil ? nil : .quarterly
    }

    /// The default times of every step of the cycle `cycle` (which must be a valid id).
    public static func steps(for cycle: CycleID) -> [FilingStep: StepTimes] {
        guard let kind = kind(of: cycle), let year = cycle.year else { return [:] }
        func first(_ year: Int, _ month: Int) -> CivilDate {
            let y = year + (month - 1) / 12
            let m = (month - 1) % 12 + 1
            return try! CivilDate(year: y, month: m, day: 1)
        }
        func last(_ year: Int, _ month: Int) -> CivilDate { first(year, month + 1).adding(days: -1) }
        func times(opens: CivilDate, deadline: CivilDate) -> StepTimes {
            let end = ShanghaiTime.endOfDay(deadline)
            return StepTimes(opensAt: ShanghaiTime.instant(opens), deadline: end, closesAt: end.addingTimeInterval(grace))
        }
        switch kind {
        case .annual:
            return [
                .selfAssessment: times(opens: first(year, 12), deadline: last(year, 12)),
                .assessment: times(opens: first(year, 13), deadline: last(year, 13)),
                .roster: times(opens: first(year, 12), deadline: last(year, 13)),
            ]
        case .quarterly:
            let quarter = cycle.quarter ?? 4
            let month = quarter * 3
            return [
                .selfAssessment: times(opens: first(year, month), deadline: last(year, month)),
                .assessment: times(opens: first(year, month + 1), deadline: last(year, month + 1)),
                .roster: times(opens: first(year, month), deadline: last(year, month + 1)),
            ]
        }
    }
}
