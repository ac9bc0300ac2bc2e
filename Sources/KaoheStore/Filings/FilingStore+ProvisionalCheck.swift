import KaoheRules
import Postgres

extension FilingStore {
    /// Re-checks the unit's latest roster against the provisional grade of its committee's latest
    /// assessment and stores it in `roster_checks` (`basis` 'assessment'), in the caller's
    /// transaction — so a roster filed before the assessment gets its quota the moment the
    /// assessment arrives (Schema/0012). Once grading has begun the grading keeps the checks
    /// (`GradingStore.refreshRosterChecks`) and this does nothing; without a roster or an
    /// assessment there is nothing to check.
    static func refreshProvisionalRosterCheck(on connection: PostgresConnection, cycle ref: CycleRef, unit: UnitCode) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            try await connection.query("SELECT 1 AS one FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)").first == nil
        else { return }
        let basisRows = try await connection.query(
            """
            SELECT c.policy, c.scheme, \(unescaped: CyclePolicyStore.versionColumn) AS policy_version, u.committee, a.version AS assessment_version, a.content AS assessment,
                   r.version AS roster_version, coalesce((r.content->>'collectiveAward')::boolean, false) AS award
            FROM cycles c
            JOIN units u ON u.county = c.county AND u.code = \(unit)
            LEFT JOIN LATERAL (SELECT f.version, f.content FROM filings f
                               WHERE f.county = c.county AND f.cycle = c.cycle AND f.unit_code = \(unit) AND f.kind = 'assessment'
                               ORDER BY f.version DESC LIMIT 1) a ON true
            LEFT JOIN LATERAL (SELECT f.version, f.content FROM filings f
                               WHERE f.county = c.county AND f.cycle = c.cycle AND f.unit_code = \(unit) AND f.kind = 'roster'
                               ORDER BY f.version DESC LIMIT 1) r ON true
            WHERE c.county = \(county) AND c.cycle = \(cycle)
            """
        )
        guard let row = basisRows.first, let rosterVersion = try row.decode(Int?.self, column: "roster_version"),
            let assessment = try row.decode(PostgresJSON?.self, column: "assessment")
        else { return }
        let basis = RosterBasis(
            policy: try await CyclePolicyStore.resolve(
                ref: ref,
                stamp: try row.decode(String?.self, column: "policy_version"),
                roster: try row.decode(String.self, column: "policy"),
                scheme: try row.decode(String.self, column: "scheme"),
                connection: connection
            ),
            committee: try row.decode(String.self, column: "committee"),
            assessmentVersion: try row.decode(Int?.self, column: "assessment_version"),
            assessment: assessment
        )
        let lines = try await connection.query(
            """
            SELECT r.staff_no, r.score::text AS score, coalesce(sa.decided_grade, r.grade) AS grade, r.sanction,
                   r.under_investigation, r.probation, r.leave_months, r.unassigned_months, r.refused, r.quarters,
                   r.level, r.post_category
            FROM roster_rows r
            \(unescaped: StaffAppealGrades.join)
            WHERE r.county = \(county) AND r.cycle = \(cycle) AND r.unit_code = \(unit) AND r.version = \(rosterVersion)
            ORDER BY r.line
            """
        )
        let columns = try StaffRecordColumns(lines)
        let staff = try lines.map { try StaffRecord(rosterRow: $0, columns: columns) }
        let summary = try checkRoster(staff, unit: unit, basis: basis, collectiveAward: try row.decode(Bool.self, column: "award"))
        guard let quota = summary.quota, let mustGiveUp = summary.mustGiveUp else { return }
        let report = RosterReport(
            participants: summary.participants,
            quota: quota,
            excellent: summary.excellent,
            mustGiveUp: mustGiveUp,
            violations: summary.violations,
            leaders: summary.leaders
        )
        try await connection.execute(
            """
            INSERT INTO roster_checks (county, cycle, unit_code, roster_version, unit_grade, final, participants, excellent,
                                       quota_limit, must_give_up, violations, summary, basis)
            VALUES (\(county), \(cycle), \(unit), \(rosterVersion), \(quota.unitGrade.rawValue), false, \(summary.participants),
                    \(summary.excellent), \(quota.limit), \(mustGiveUp), \(summary.violations.count), \(try PostgresJSON(encoding: report)),
                    'assessment')
            ON CONFLICT (county, cycle, unit_code) DO UPDATE SET roster_version = EXCLUDED.roster_version, unit_grade = EXCLUDED.unit_grade,
                final = false, participants = EXCLUDED.participants, excellent = EXCLUDED.excellent, quota_limit = EXCLUDED.quota_limit,
                must_give_up = EXCLUDED.must_give_up, violations = EXCLUDED.violations, summary = EXCLUDED.summary,
                basis = 'assessment', checked_at = now()
            """
        )
    }
}
