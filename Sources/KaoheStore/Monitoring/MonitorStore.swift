import KaoheRules
public import Postgres

/// 监控: the office's view of a cycle in one statement. PostgreSQL aggregates everything and
/// renders the JSON document itself (one round trip, no per-unit queries), so the view stays fast
/// for a county of 500 units and 25,000 staff: rosters are read through their stored summaries and
/// checks, never line by line, except for the open violations, which are unnested from them.
///
/// The document:
/// - `units`: per unit its `steps` (`self_assessment`, `assessment`, `roster` → `not_started` |
///   `draft` | `filed` | `late`), grade and whose assessment counted, quota (`limit`, `used`,
///   `mustGiveUp`, `status` provisional/final/unknown). `draft`: a self-assessment with attachments
///   but no report, or a roster whose latest version has open violations. `late`: filed after the
///   deadline, or not filed and the deadline passed.
/// - `deadlines`: the steps' deadlines and closing times, the publicity close, and every pending
///   scheduled run (KaoheJobs), soonest first.
/// - `distribution`: committee → grade → count; `grading`: state and open conflicts.
/// - `draw`: the current draw, its selections and reviewers; `deviations`: per unit and per committee.
/// - `violations`: every open roster violation (unit, staff number, rule, message).
/// - `objections`: those awaiting review; `publicity`: the window.
public struct MonitorStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The monitor document, or nil when the cycle does not exist.
    public func monitor(county: String, cycle: String) async throws -> PostgresJSON? {
        let policy = try GradingStore.cyclePolicy().recheck
        let threshold = policy.pointsThreshold.description
        let onPoor = policy.onPoorCountDifference
        let rows = try await client.query(
            """
            WITH cy AS (
                SELECT county, cycle, scheme, policy FROM cycles WHERE county = \(county) AND cycle = \(cycle)
            ), cu AS (
                SELECT cu.unit_code, u.name, u.committee
                FROM cycle_units cu JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
                WHERE cu.county = \(county) AND cu.cycle = \(cycle)
            ), latest AS (
                SELECT DISTINCT ON (f.unit_code, f.kind) f.unit_code, f.kind, f.version, f.late,
                       CASE WHEN f.kind = 'self_assessment' THEN f.content->>'report' IS NULL END AS no_report,
                       CASE WHEN f.kind = 'roster' THEN f.content END AS roster,
                       CASE WHEN f.kind = 'assessment' THEN (f.content->'assessed'->>'total')::numeric END AS total,
                       CASE WHEN f.kind = 'assessment' THEN (f.content->'assessed'->>'poorCount')::integer END AS poor
                FROM filings f WHERE f.county = \(county) AND f.cycle = \(cycle)
                ORDER BY f.unit_code, f.kind, f.version DESC
            ), steps AS (
                SELECT step, deadline, closes_at FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle)
            ), quota AS (
                SELECT l.unit_code,
                       CASE WHEN rc.roster_version = l.version THEN jsonb_build_object(
                                'rosterVersion', l.version, 'limit', rc.quota_limit, 'used', rc.excellent, 'participants', rc.participants,
                                'mustGiveUp', rc.must_give_up, 'status', CASE WHEN rc.final THEN 'final' ELSE 'provisional' END)
                            ELSE jsonb_build_object(
                                'rosterVersion', l.version, 'limit', l.roster->'quota'->'limit', 'used', l.roster->'excellent',
                                'participants', l.roster->'participants', 'mustGiveUp', l.roster->'mustGiveUp', 'status', l.roster->>'quotaStatus')
                       END AS quota,
                       CASE WHEN rc.roster_version = l.version THEN rc.summary->'violations' ELSE l.roster->'violations' END AS violations
                FROM latest l
                LEFT JOIN roster_checks rc ON rc.county = \(county) AND rc.cycle = \(cycle) AND rc.unit_code = l.unit_code
                WHERE l.kind = 'roster'
            ), status AS (
                SELECT cu.unit_code,
                       jsonb_object_agg(s.step, CASE
                           WHEN l.version IS NULL THEN CASE WHEN now() > s.deadline THEN 'late' ELSE 'not_started' END
                           WHEN l.late THEN 'late'
                           WHEN l.kind = 'self_assessment' AND l.no_report THEN 'draft'
                           WHEN l.kind = 'roster' AND jsonb_array_length(coalesce(q.violations, '[]')) > 0 THEN 'draft'
                           ELSE 'filed' END) AS steps
                FROM cu CROSS JOIN steps s
                LEFT JOIN latest l ON l.unit_code = cu.unit_code AND l.kind = s.step
                LEFT JOIN quota q ON q.unit_code = cu.unit_code
                GROUP BY cu.unit_code
            ), draw AS (
                SELECT d.* FROM spot_check_draws d
                WHERE d.county = \(county) AND d.cycle = \(cycle) AND d.superseded_at IS NULL
            ), dev AS (
                SELECT cu.unit_code, cu.committee, a.total AS committee_total, a.poor AS committee_poor,
                       r.total AS recheck_total, r.poor_count AS recheck_poor, abs(a.total - r.total) AS difference,
                       (abs(a.total - r.total) >= \(threshold)::numeric OR (\(onPoor) AND a.poor <> r.poor_count)) AS overridden
                FROM cu
                JOIN latest a ON a.unit_code = cu.unit_code AND a.kind = 'assessment'
                JOIN LATERAL (
                    SELECT r.total, r.poor_count FROM rechecks r JOIN draw d ON d.draw_no = r.draw_no
                    WHERE r.county = \(county) AND r.cycle = \(cycle) AND r.unit_code = cu.unit_code
                    ORDER BY r.version DESC LIMIT 1
                ) r ON true
            )
            SELECT jsonb_build_object(
                'county', cy.county, 'cycle', cy.cycle, 'scheme', cy.scheme, 'policy', cy.policy,
                'generatedAt', to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                'units', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                        'code', cu.unit_code, 'name', cu.name, 'committee', cu.committee, 'steps', st.steps,
                        'grade', g.grade, 'gradeSource', g.source, 'total', g.total,
                        'quota', coalesce(q.quota, jsonb_build_object('status', 'unknown')),
                        'openViolations', jsonb_array_length(coalesce(q.violations, '[]'))
                    ) ORDER BY cu.unit_code)
                    FROM cu JOIN status st ON st.unit_code = cu.unit_code
                    LEFT JOIN unit_grades g ON g.county = \(county) AND g.cycle = \(cycle) AND g.unit_code = cu.unit_code
                    LEFT JOIN quota q ON q.unit_code = cu.unit_code), '[]'),
                'stepSummary', coalesce((
                    SELECT jsonb_object_agg(k.step, k.counts) FROM (
                        SELECT e.key AS step, jsonb_object_agg(e.value, e.n) AS counts FROM (
                            SELECT x.key, x.value #>> '{}' AS value, count(*) AS n FROM status, jsonb_each(status.steps) x GROUP BY 1, 2
                        ) e GROUP BY e.key) k), '{}'),
                'deadlines', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('what', w.what, 'at', to_char(w.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                                                        'passed', w.at <= now()) ORDER BY w.at)
                    FROM (
                        SELECT 'deadline.' || step AS what, deadline AS at FROM steps
                        UNION ALL SELECT 'close.' || step, closes_at FROM steps
                        UNION ALL SELECT 'publicity.close', closes_at FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)
                        UNION ALL SELECT 'job.' || kind, due_at FROM scheduled_runs
                            WHERE county = \(county) AND cycle = \(cycle) AND done_at IS NULL AND kind NOT LIKE 'step.close.%'
                    ) w WHERE w.at > now() OR w.what LIKE 'deadline.%'), '[]'),
                'grading', (SELECT jsonb_build_object('state', state, 'conflicts', conflicts, 'decisions', decisions)
                            FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)),
                'distribution', coalesce((
                    SELECT jsonb_object_agg(c.committee, c.grades) FROM (
                        SELECT committee, jsonb_object_agg(grade, n) AS grades FROM (
                            SELECT committee, grade, count(*) AS n FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) GROUP BY 1, 2
                        ) x GROUP BY committee) c), '{}'),
                'draw', (SELECT jsonb_build_object(
                            'drawNo', d.draw_no, 'populationSize', d.population_size, 'populationHash', d.population_hash,
                            'frozenAt', d.frozen_at, 'drawnAt', d.drawn_at, 'seed', d.seed, 'percent', d.percent,
                            'stratification', d.stratification, 'redrawReason', d.redraw_reason,
                            'selections', coalesce((
                                SELECT jsonb_agg(jsonb_build_object('unit', s.unit_code, 'stratum', s.stratum, 'ticket', s.ticket, 'rank', s.rank,
                                    'reviewers', coalesce((SELECT jsonb_agg(a.reviewer ORDER BY a.rank) FROM reviewer_assignments a
                                        WHERE a.county = s.county AND a.cycle = s.cycle AND a.draw_no = s.draw_no AND a.unit_code = s.unit_code), '[]'))
                                    ORDER BY s.rank)
                                FROM spot_check_selections s WHERE s.county = \(county) AND s.cycle = \(cycle) AND s.draw_no = d.draw_no), '[]'))
                         FROM draw d),
                'deviations', jsonb_build_object(
                    'threshold', \(threshold)::numeric, 'onPoorCountDifference', \(onPoor),
                    'units', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'unit', unit_code, 'committee', committee, 'committeeTotal', committee_total, 'committeePoor', committee_poor,
                        'recheckTotal', recheck_total, 'recheckPoor', recheck_poor, 'difference', difference, 'overridden', overridden)
                        ORDER BY unit_code) FROM dev), '[]'),
                    'committees', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'committee', committee, 'rechecked', n, 'overridden', o, 'overridePercent', (o * 100) / n,
                        'meanDifference', round(mean, 2), 'maxDifference', mx) ORDER BY committee)
                        FROM (SELECT committee, count(*) AS n, count(*) FILTER (WHERE overridden) AS o, avg(difference) AS mean, max(difference) AS mx
                              FROM dev GROUP BY committee) c), '[]')),
                'violations', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('unit', q.unit_code, 'staffNo', v->>'staffNo', 'rule', v->>'rule', 'message', v->>'message')
                                     ORDER BY q.unit_code)
                    FROM quota q, jsonb_array_elements(coalesce(q.violations, '[]')) v), '[]'),
                'objections', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('id', o.id, 'unit', o.unit_code, 'filedBy', o.filed_by, 'filedAt', o.filed_at) ORDER BY o.id)
                    FROM objections o WHERE o.county = \(county) AND o.cycle = \(cycle) AND o.outcome IS NULL), '[]'),
                'publicity', (SELECT jsonb_build_object('opensOn', opens_on, 'closesOn', closes_on,
                                  'closesAt', to_char(closes_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'), 'open', now() <= closes_at)
                              FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle))
            ) AS document
            FROM cy
            """
        )
        return try rows.first?.decode(PostgresJSON.self, column: "document")
    }
}
