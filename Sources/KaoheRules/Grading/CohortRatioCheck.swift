/// 比例复核: checks grades already set (after 复议 changed one) against the cohort ratios without
/// regrading anyone: 优秀 at most ⌊p·N/100⌋ and 合格 at least ⌈q·N/100⌉ per cohort. A breach is
/// reported as a ``CohortConflict`` (`excellent-ratio` / `qualified-ratio`) for the office.
public struct CohortRatioCheck: Sendable {
    /// The grading numbers.
    public var policy: GradingPolicy
    /// Per county or per committee.
    public var scope: CohortScope

    /// Creates the check.
    public init(policy: GradingPolicy, scope: CohortScope) {
        self.policy = policy
        self.scope = scope
    }

    /// The breaches among `units` (code, committee, grade).
    public func breaches(_ units: [(code: UnitCode, committee: String, grade: UnitGrade)]) -> [CohortConflict] {
        var cohorts: [String: [(code: UnitCode, committee: String, grade: UnitGrade)]] = [:]
        for unit in units { cohorts[scope == .county ? "county" : unit.committee, default: []].append(unit) }
        var conflicts: [CohortConflict] = []
        for name in cohorts.keys.sorted() {
            let members = cohorts[name]!
            let cap = policy.excellentMaxPercent.atMost(of: members.count)
            let excellent = members.filter { $0.grade == .excellent }.map(\.code).sorted()
            if excellent.count > cap {
                conflicts.append(
                    CohortConflict(
                        kind: "excellent-ratio",
                        scope: name,
                        total: .zero,
                        units: excellent,
                        seats: cap,
                        message: "\(name):优秀\(excellent.count)个,超过\(policy.excellentMaxPercent)×\(members.count)=\(cap)个;请县事考办研究"
                    )
                )
            }
            let floor = policy.qualifiedMinPercent.atLeast(of: members.count)
            let qualified = members.count { $0.grade == .qualified }
            if qualified < floor {
                conflicts.append(
                    CohortConflict(
                        kind: "qualified-ratio",
                        scope: name,
                        total: .zero,
                        units: members.filter { $0.grade == .qualified }.map(\.code).sorted(),
                        seats: floor,
                        message: "\(name):合格\(qualified)个,少于\(policy.qualifiedMinPercent)×\(members.count)=\(floor)个;请县事考办研究"
                    )
                )
            }
        }
        return conflicts
    }
}
