public import KaoheRules
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
/// - `distribution`: committee → grade → count; `grading`: state, conflicts, decisions and ratio
///   rulings; `gradingEvents`: 不得确定为优秀 / 直接确定为较差 events in force.
/// - `draw`: the current draw, its selections and reviewers; `deviations`: per unit and per committee.
/// - `violations`: every open roster violation (unit, staff number, rule, message).
/// - `objections`: those awaiting review; `publicity`: the window.
public struct MonitorStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The monitor document's JSON bytes, or nil when the cycle does not exist.
    public func monitor(cycle ref: CycleRef) async throws -> [UInt8]? {
        try await client.withConnection { connection in
            let recheck = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).recheck
            return try await connection.query(Self.query(cycle: ref, recheck: recheck, explain: false)).first?
                .decode(PostgresJSON.self, column: "document").bytes
        }
    }

    /// The monitor's statement; with `explain`, prefixed with `EXPLAIN (ANALYZE, BUFFERS)` (for
    /// `kaohe-bench monitor --explain`).
    package static func query(cycle ref: CycleRef, recheck policy: RecheckPolicy, explain: Bool) -> PostgresQuery {
        let (county, cycle) = (ref.county, ref.cycle)
        let threshold = policy.pointsThreshold.description
        let onPoor = policy.onPoorCountDifference
        return """
            \(unescaped: explain ? "EXPLAIN (ANALYZE, BUFFERS)" : "")
            WITH cy AS (
                SELECT county, cycle, scheme, policy FROM cycles WHERE county = \(county) AND cycle = \(cycle)
            ), dl AS (
                SELECT max(deadline) FILTER (WHERE step = 'self_assessment') AS sa,
                       max(deadline) FILTER (WHERE step = 'assessment') AS a,
                       max(deadline) FILTER (WHERE step = 'roster') AS r
                FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle)
            ), ext AS (
                -- A unit's own 延期: its latest grant per step, whose deadline counts where later (as in file_versions).
                SELECT unit_code,
                       max(deadline) FILTER (WHERE step = 'self_assessment') AS sa,
                       max(deadline) FILTER (WHERE step = 'assessment') AS a,
                       max(deadline) FILTER (WHERE step = 'roster') AS r
                FROM (SELECT DISTINCT ON (unit_code, step) unit_code, step, deadline FROM deadline_extensions
                      WHERE county = \(county) AND cycle = \(cycle) AND unit_code IS NOT NULL
                      ORDER BY unit_code, step, id DESC) latest
                GROUP BY unit_code
            ), steps AS (
                SELECT step, deadline, closes_at FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle)
            ), draw AS (
                SELECT d.* FROM spot_check_draws d
                WHERE d.county = \(county) AND d.cycle = \(cycle) AND d.superseded_at IS NULL
            ), pu AS MATERIALIZED (
                -- One row per enrolled unit; every lookup is an index probe (LATERAL … LIMIT 1).
                SELECT cu.unit_code, u.name, u.committee,
                       CASE WHEN sa.version IS NULL THEN CASE WHEN now() > greatest(dl.sa, ext.sa) THEN 'late' ELSE 'not_started' END
                            WHEN sa.late THEN 'late' WHEN sa.no_report THEN 'draft' ELSE 'filed' END AS s_sa,
                       CASE WHEN a.version IS NULL THEN CASE WHEN now() > greatest(dl.a, ext.a) THEN 'late' ELSE 'not_started' END
                            WHEN a.late THEN 'late' ELSE 'filed' END AS s_a,
                       CASE WHEN r.version IS NULL THEN CASE WHEN now() > greatest(dl.r, ext.r) THEN 'late' ELSE 'not_started' END
                            WHEN r.late THEN 'late'
                            WHEN jsonb_array_length(coalesce(CASE WHEN rc.roster_version = r.version THEN rc.summary->'violations'
                                                                  ELSE r.content->'violations' END, '[]')) > 0 THEN 'draft'
                            ELSE 'filed' END AS s_r,
                       g.grade, g.source, g.total,
                       CASE WHEN r.version IS NULL THEN json_build_object('status', 'unknown')
                            WHEN rc.roster_version = r.version THEN json_build_object(
                                'rosterVersion', r.version, 'limit', rc.quota_limit, 'used', rc.excellent, 'participants', rc.participants,
                                'mustGiveUp', rc.must_give_up, 'status', CASE WHEN rc.final THEN 'final' ELSE 'provisional' END)
                            ELSE json_build_object(
                                'rosterVersion', r.version, 'limit', r.content->'quota'->'limit', 'used', r.content->'excellent',
                                'participants', r.content->'participants', 'mustGiveUp', r.content->'mustGiveUp',
                                'status', r.content->>'quotaStatus')
                       END AS quota,
                       coalesce(CASE WHEN rc.roster_version = r.version THEN rc.summary->'violations' ELSE r.content->'violations' END, '[]') AS violations,
                       a.total AS a_total, a.poor AS a_poor, rk.total AS r_total, rk.poor_count AS r_poor
                FROM cycle_units cu
                JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
                CROSS JOIN dl
                LEFT JOIN ext ON ext.unit_code = cu.unit_code
                LEFT JOIN LATERAL (
                    SELECT f.version, f.late, f.content->>'report' IS NULL AS no_report FROM filings f
                    WHERE f.county = cu.county AND f.cycle = cu.cycle AND f.unit_code = cu.unit_code AND f.kind = 'self_assessment'
                    ORDER BY f.version DESC LIMIT 1) sa ON true
                LEFT JOIN LATERAL (
                    SELECT f.version, f.late, (f.content->'assessed'->>'total')::numeric AS total,
                           (f.content->'assessed'->>'poorCount')::integer AS poor FROM filings f
                    WHERE f.county = cu.county AND f.cycle = cu.cycle AND f.unit_code = cu.unit_code AND f.kind = 'assessment'
                    ORDER BY f.version DESC LIMIT 1) a ON true
                LEFT JOIN LATERAL (
                    SELECT f.version, f.late, f.content FROM filings f
                    WHERE f.county = cu.county AND f.cycle = cu.cycle AND f.unit_code = cu.unit_code AND f.kind = 'roster'
                    ORDER BY f.version DESC LIMIT 1) r ON true
                LEFT JOIN roster_checks rc ON rc.county = cu.county AND rc.cycle = cu.cycle AND rc.unit_code = cu.unit_code
                LEFT JOIN unit_grades g ON g.county = cu.county AND g.cycle = cu.cycle AND g.unit_code = cu.unit_code
                LEFT JOIN LATERAL (
                    SELECT k.total, k.poor_count FROM rechecks k
                    WHERE k.county = cu.county AND k.cycle = cu.cycle AND k.unit_code = cu.unit_code
                      AND k.draw_no = (SELECT draw_no FROM draw)
                    ORDER BY k.version DESC LIMIT 1) rk ON true
                WHERE cu.county = \(county) AND cu.cycle = \(cycle)
            ), dev AS (
                SELECT unit_code, committee, a_total AS committee_total, a_poor AS committee_poor,
                       r_total AS recheck_total, r_poor AS recheck_poor, abs(a_total - r_total) AS difference,
                       (abs(a_total - r_total) >= \(threshold)::numeric OR (\(onPoor) AND a_poor <> r_poor)) AS overridden
                FROM pu WHERE r_total IS NOT NULL AND a_total IS NOT NULL
            )
            SELECT json_build_object(
                'county', cy.county, 'cycle', cy.cycle, 'scheme', cy.scheme, 'policy', cy.policy,
                'generatedAt', to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                'units', coalesce((
                    SELECT json_agg(json_build_object(
                        'code', unit_code, 'name', name, 'committee', committee,
                        'steps', json_build_object('self_assessment', s_sa, 'assessment', s_a, 'roster', s_r),
                        'grade', grade, 'gradeSource', source, 'total', total, 'quota', quota,
                        'openViolations', jsonb_array_length(violations)
                    ) ORDER BY unit_code) FROM pu), '[]'),
                'stepSummary', coalesce((
                    SELECT json_object_agg(k.step, k.counts) FROM (
                        SELECT e.step, json_object_agg(e.status, e.n) AS counts FROM (
                            SELECT x.step, x.status, count(*) AS n
                            FROM pu, LATERAL (VALUES ('self_assessment', pu.s_sa), ('assessment', pu.s_a), ('roster', pu.s_r)) AS x (step, status)
                            GROUP BY 1, 2
                        ) e GROUP BY e.step) k), '{}'),
                'deadlines', coalesce((
                    SELECT json_agg(json_build_object('what', w.what, 'at', to_char(w.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                                                        'passed', w.at <= now()) ORDER BY w.at)
                    FROM (
                        SELECT 'deadline.' || step AS what, deadline AS at FROM steps
                        UNION ALL SELECT 'close.' || step, closes_at FROM steps
                        UNION ALL SELECT 'publicity.close', closes_at FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)
                        UNION ALL SELECT 'job.' || kind, due_at FROM scheduled_runs
                            WHERE county = \(county) AND cycle = \(cycle) AND done_at IS NULL AND kind NOT LIKE 'step.close.%'
                    ) w WHERE w.at > now() OR w.what LIKE 'deadline.%'), '[]'),
                'grading', (SELECT json_build_object('state', state, 'conflicts', conflicts, 'decisions', decisions,
                                'ratioRulings', ratio_rulings)
                            FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)),
                'gradingEvents', coalesce((
                    SELECT json_agg(json_build_object('unit', e.unit_code, 'number', e.event_no, 'kind', e.kind, 'reason', e.reason,
                                                      'document', e.document, 'recordedAt', e.recorded_at) ORDER BY e.unit_code, e.event_no)
                    FROM grading_events e WHERE e.county = \(county) AND e.cycle = \(cycle) AND e.withdrawn_at IS NULL), '[]'),
                'distribution', coalesce((
                    SELECT json_object_agg(c.committee, c.grades) FROM (
                        SELECT committee, json_object_agg(grade, n) AS grades FROM (
                            SELECT committee, grade, count(*) AS n FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) GROUP BY 1, 2
                        ) x GROUP BY committee) c), '{}'),
                'draw', (SELECT json_build_object(
                            'drawNo', d.draw_no, 'populationSize', d.population_size, 'populationHash', d.population_hash,
                            'frozenAt', d.frozen_at, 'drawnAt', d.drawn_at, 'seed', d.seed, 'percent', d.percent,
                            'stratification', d.stratification, 'redrawReason', d.redraw_reason,
                            'selections', coalesce((
                                SELECT json_agg(json_build_object('unit', s.unit_code, 'stratum', s.stratum, 'ticket', s.ticket, 'rank', s.rank,
                                    'reviewers', coalesce((SELECT json_agg(a.reviewer ORDER BY a.rank) FROM reviewer_assignments a
                                        WHERE a.county = s.county AND a.cycle = s.cycle AND a.draw_no = s.draw_no AND a.unit_code = s.unit_code), '[]'))
                                    ORDER BY s.rank)
                                FROM spot_check_selections s WHERE s.county = \(county) AND s.cycle = \(cycle) AND s.draw_no = d.draw_no), '[]'))
                         FROM draw d),
                'deviations', json_build_object(
                    'threshold', \(threshold)::numeric, 'onPoorCountDifference', \(onPoor),
                    'units', coalesce((SELECT json_agg(json_build_object(
                        'unit', unit_code, 'committee', committee, 'committeeTotal', committee_total, 'committeePoor', committee_poor,
                        'recheckTotal', recheck_total, 'recheckPoor', recheck_poor, 'difference', difference, 'overridden', overridden)
                        ORDER BY unit_code) FROM dev), '[]'),
                    'committees', coalesce((SELECT json_agg(json_build_object(
                        'committee', committee, 'rechecked', n, 'overridden', o, 'overridePercent', (o * 100) / n,
                        'meanDifference', round(mean, 2), 'maxDifference', mx) ORDER BY committee)
                        FROM (SELECT committee, count(*) AS n, count(*) FILTER (WHERE overridden) AS o, avg(difference) AS mean, max(difference) AS mx
                              FROM dev GROUP BY committee) c), '[]')),
                'violations', coalesce((
                    SELECT json_agg(json_build_object('unit', pu.unit_code, 'staffNo', v->>'staffNo', 'rule', v->>'rule', 'message', v->>'message')
                                     ORDER BY pu.unit_code)
                    FROM pu, jsonb_array_elements(pu.violations) v), '[]'),
                'jobs', coalesce((
                    SELECT json_agg(json_build_object('kind', kind, 'attempts', attempts, 'lastError', last_error,
                                    'givenUp', given_up_at IS NOT NULL,
                                    'dueAt', to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'))
                                    ORDER BY due_at, kind)
                    FROM scheduled_runs WHERE county = \(county) AND cycle = \(cycle) AND done_at IS NULL AND attempts > 0), '[]'),
                'objections', coalesce((
                    SELECT json_agg(json_build_object('id', o.id, 'unit', o.unit_code, 'filedBy', o.filed_by, 'filedAt', o.filed_at) ORDER BY o.id)
                    FROM objections o WHERE o.county = \(county) AND o.cycle = \(cycle) AND o.outcome IS NULL), '[]'),
                'publicity', (SELECT json_build_object('opensOn', opens_on, 'closesOn', closes_on,
                                  'closesAt', to_char(closes_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'), 'open', now() <= closes_at)
                              FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle))
            ) AS document
            FROM cy
            """
    }
}
