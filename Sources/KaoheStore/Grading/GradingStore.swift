import Foundation
public import KaoheRules
public import Postgres

/// 确定考核等次: the office's proposal, its tie decisions and confirmation; each unit's grade from
/// the assessment that counts (the committee's, or the re-check's when RecheckOverride says so);
/// the excellent quota and roster violations recomputed whenever a unit's grade changes.
///
/// Every change is one transaction with its audit entry. The cycle's `cycle_gradings` row is
/// locked (`FOR UPDATE`) first, so proposals, decisions, confirmation, 复议 and finalisation of
/// one cycle are serialised. Once the results are final every change is refused (409,
/// `cycle.results-final`).
public struct GradingStore: Sendable {
    let client: PostgresClient
    /// What "today" is for the rules decided here (the day 公示 may open from, an appeal's day).
    let clock: StoreClock

    /// A store on `client`; `clock` is the database's unless a test stands on a day of its own.
    public init(client: PostgresClient, clock: StoreClock = .database) {
        self.client = client
        self.clock = clock
    }

    // MARK: Proposal, decisions, confirmation

    /// Runs KaoheRules over the counting assessments with the recorded decisions, stores every
    /// unit's grade (state `proposed`) and re-checks the rosters. Refused once publicity opened.
    public func propose(cycle ref: CycleRef, principal: Principal, units page: GradedUnitsPage = .all) async throws -> GradingResult {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, current in
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: current)
            let decisions = try await Self.decisions(on: connection, cycle: ref)
            let result = try await Self.grade(
                on: connection,
                cycle: ref,
                decisions: decisions,
                state: .proposed,
                principal: principal,
                page: page
            )
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .gradingPropose,
                object: "cycles/\(cycle)/grading",
                details: Self.auditSummary(result)
            )
            return result
        }
    }

    /// Records the office's decisions for the conflicts (replacing earlier ones) and re-runs the
    /// proposal with them; a decision that matches no tie or names the wrong number of units is 422.
    public func decide(
        cycle ref: CycleRef,
        decisions: [TieDecision],
        principal: Principal,
        units page: GradedUnitsPage = .all
    ) async throws -> GradingResult {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, current in
            guard current != nil else {
                throw CycleError(.conflict, "尚未生成等次建议,请先生成 / ask for the proposal first", rule: "grading.no-proposal")
            }
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: current)
            let result = try await Self.grade(
                on: connection,
                cycle: ref,
                decisions: decisions,
                state: .proposed,
                principal: principal,
                page: page
            )
            var details = Self.auditSummary(result)
            details["decisions"] = decisions.map {
                "\($0.cut.rawValue):\($0.favoured.map(\.rawValue).joined(separator: "+")):\($0.reference)"
            }.joined(
                separator: "; "
            )
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .gradingDecide,
                object: "cycles/\(cycle)/grading",
                details: details
            )
            return result
        }
    }

    /// Confirms the grades: re-runs the proposal on the current data; refused (409) while any
    /// conflict is unresolved. Quotas become final.
    public func confirm(cycle ref: CycleRef, principal: Principal, units page: GradedUnitsPage = .all) async throws -> GradingResult {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, current in
            guard current != nil else {
                throw CycleError(.conflict, "尚未生成等次建议,请先生成 / ask for the proposal first", rule: "grading.no-proposal")
            }
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: current)
            let decisions = try await Self.decisions(on: connection, cycle: ref)
            let (proposal, sources, ungraded) = try await Self.run(on: connection, cycle: ref, decisions: decisions)
            guard proposal.conflicts.isEmpty else {
                throw CycleError(
                    .conflict,
                    "尚有\(proposal.conflicts.count)个冲突未经县事考办决定,不能确认:\(proposal.conflicts.map(\.message).joined(separator: ";")) / \(proposal.conflicts.count) conflict(s) unresolved",
                    field: "/conflicts",
                    rule: "grading.conflicts-unresolved"
                )
            }
            let result = try await Self.store(
                proposal,
                sources: sources,
                ungraded: ungraded,
                decisions: decisions,
                state: .confirmed,
                on: connection,
                cycle: ref,
                principal: principal,
                page: page
            )
            try await connection.execute(
                "UPDATE cycle_gradings SET confirmed_by = \(principal.account), confirmed_at = now() WHERE county = \(county) AND cycle = \(cycle)"
            )
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .gradingConfirm,
                object: "cycles/\(cycle)/grading",
                details: Self.auditSummary(result)
            )
            return result
        }
    }

    /// The stored grading (nil before any proposal).
    public func current(cycle ref: CycleRef, units page: GradedUnitsPage = .all) async throws -> GradingResult? {
        try await client.withConnection { connection in
            try await Self.load(on: connection, cycle: ref, page: page)
        }
    }

    // MARK: Quota

    /// The unit's quota and what it must change: under its stored grade when grading has begun
    /// (final once confirmed), otherwise the provisional check stored with its roster.
    public func quota(cycle ref: CycleRef, unit: UnitCode) async throws -> UnitQuotaView {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.withConnection { connection in
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                ).first != nil
            else {
                throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / not enrolled", rule: "cycle.enrolled")
            }
            let state = try await Self.state(on: connection, cycle: ref, lock: false)
            if let state,
                let check = try await Self.rosterChecks(
                    on: connection,
                    cycle: ref,
                    units: [unit],
                    final: state != .proposed
                ).first
            {
                return UnitQuotaView(
                    unit: unit,
                    unitGrade: check.grade,
                    status: state == .proposed ? "provisional" : "final",
                    basis: state == .proposed
                        ? "按县事考办等次建议(未确认),名额为暂定 / provisional: from the office's proposal, not yet confirmed"
                        : "按县事考办确认的单位等次 / final: from the confirmed grade",
                    rosterVersion: check.version,
                    quota: check.report.quota,
                    excellent: check.report.excellent,
                    mustGiveUp: check.report.mustGiveUp,
                    violations: check.report.violations,
                    leaders: check.report.leaders
                )
            }
            let gradeRow = try await connection.query(
                "SELECT grade FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
            ).first
            let grade = try gradeRow.map { UnitGrade(rawValue: try $0.decode(String.self, column: "grade")) } ?? nil
            let latest = try await FilingStore.versions(
                on: connection,
                cycle: ref,
                unit: unit,
                step: .roster,
                version: nil,
                latestOnly: true
            ).first
            guard let latest else {
                return UnitQuotaView(
                    unit: unit,
                    unitGrade: grade,
                    status: grade == nil ? "unknown" : (state == .proposed ? "provisional" : "final"),
                    basis: "尚未报送名册 / no roster filed",
                    rosterVersion: nil,
                    quota: nil,
                    excellent: nil,
                    mustGiveUp: nil,
                    violations: []
                )
            }
            // Re-checked when the committee's assessment arrived after the roster (Schema/0012).
            if state == nil,
                let check = try await connection.query(
                    """
                    SELECT summary FROM roster_checks
                    WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND roster_version = \(latest.version)
                      AND basis = 'assessment'
                    """
                ).first
            {
                let report = try check.decode(PostgresJSON.self, column: "summary").decode(RosterReport.self)
                return UnitQuotaView(
                    unit: unit,
                    unitGrade: report.quota.unitGrade,
                    status: "provisional",
                    basis:
                        "按专考委考核评分暂定单位等次为\(report.quota.unitGrade.chinese),未经比例控制和抽查核验,名额为暂定 / provisional: from the committee's latest assessment, before cohort ratios and the spot check",
                    rosterVersion: latest.version,
                    quota: report.quota,
                    excellent: report.excellent,
                    mustGiveUp: report.mustGiveUp,
                    violations: report.violations,
                    leaders: report.leaders
                )
            }
            let summary = try latest.content.decode(RosterSummary.self)
            return UnitQuotaView(
                unit: unit,
                unitGrade: summary.quota?.unitGrade,
                status: summary.quotaStatus.rawValue,
                basis: summary.quotaBasis,
                rosterVersion: latest.version,
                quota: summary.quota,
                excellent: summary.excellent,
                mustGiveUp: summary.mustGiveUp,
                violations: summary.violations,
                leaders: summary.leaders
            )
        }
    }

    // MARK: Shared machinery

    /// Runs `body` in a transaction holding the cycle's grading row (or the cycle row when there
    /// is none yet) locked; refuses once final. Maps errors like FilingStore.
    func mutate<R: Sendable>(
        cycle ref: CycleRef,
        _ body: @escaping @Sendable (PostgresConnection, GradingState?) async throws -> R
    ) async throws -> R {
        let (county, cycle) = (ref.county, ref.cycle)
        do {
            return try await client.withTransaction { connection in
                guard
                    try await connection.query("SELECT 1 AS one FROM cycles WHERE county = \(county) AND cycle = \(cycle) FOR UPDATE").first
                        != nil
                else {
                    throw CycleError(.notFound, "考核周期“\(cycle)”不存在 / cycle not found", rule: "cycle.exists")
                }
                let state = try await Self.state(on: connection, cycle: ref, lock: true)
                if state == .final {
                    throw CycleError(
                        .conflict,
                        "考核周期“\(cycle)”的结果已公示期满并最终确定,不能再更改 / the results of cycle \(cycle) are final and locked; no change is accepted",
                        rule: "cycle.results-final"
                    )
                }
                return try await body(connection, state)
            }
        } catch let error as CycleError {
            throw error
        } catch let error as ScoreSheetError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "grading of cycle \(cycle)")
        }
    }

    static func state(on connection: PostgresConnection, cycle ref: CycleRef, lock: Bool) async throws -> GradingState? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            "SELECT state FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle) \(unescaped: lock ? "FOR UPDATE" : "")"
        )
        return try rows.first.map { GradingState(rawValue: try $0.decode(String.self, column: "state")) } ?? nil
    }

    static func requireBeforePublicity(on connection: PostgresConnection, cycle ref: CycleRef, state: GradingState?) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        if try await connection.query("SELECT 1 AS one FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)").first != nil {
            throw CycleError(
                .conflict,
                "公示已开始,等次只能经异议复议更改 / publicity has opened; grades change only through objection review",
                rule: "grading.publicity-open"
            )
        }
    }

    static func decisions(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> [TieDecision] {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let row = try await connection.query(
                "SELECT decisions FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
            ).first
        else { return [] }
        return try row.decode(PostgresJSON.self, column: "decisions").decode([TieDecision].self)
    }

    /// Each enrolled unit's counting assessment: the committee's latest, replaced by the latest
    /// re-check under the current draw when the override rule says so.
    static func counting(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        policy: RecheckPolicy
    ) async throws
        -> (units: [UnitForGrading], sources: [UnitCode: String], ungraded: [UnitCode], comparisons: [RecheckComparison])
    {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT cu.unit_code, u.committee, u.department, dr.grade AS department_grade,
                   a.s->>'quantitative' AS a_quantitative, a.s->>'additions' AS a_additions, a.s->>'deductions' AS a_deductions,
                   (a.s->>'poorCount')::int AS a_poor, (a.s->>'notGoodCount')::int AS a_not_good, a.s->'qualitativeCeiling' AS a_ceiling,
                   r.s->>'quantitative' AS r_quantitative, r.s->>'additions' AS r_additions, r.s->>'deductions' AS r_deductions,
                   (r.s->>'poorCount')::int AS r_poor, (r.s->>'notGoodCount')::int AS r_not_good, r.s->'qualitativeCeiling' AS r_ceiling
            FROM cycle_units cu JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
            LEFT JOIN department_results dr ON dr.county = cu.county AND dr.cycle = cu.cycle AND dr.department = u.department
            LEFT JOIN LATERAL (SELECT f.content->'assessed' AS s FROM filings f
                               WHERE f.county = cu.county AND f.cycle = cu.cycle AND f.unit_code = cu.unit_code AND f.kind = 'assessment'
                               ORDER BY f.version DESC LIMIT 1) a ON true
            LEFT JOIN LATERAL (SELECT r.content->'assessed' AS s FROM rechecks r JOIN spot_check_draws d ON d.county = r.county
                                   AND d.cycle = r.cycle AND d.draw_no = r.draw_no AND d.superseded_at IS NULL
                               WHERE r.county = cu.county AND r.cycle = cu.cycle AND r.unit_code = cu.unit_code
                               ORDER BY r.version DESC LIMIT 1) r ON true
            WHERE cu.county = \(county) AND cu.cycle = \(cycle)
            ORDER BY cu.unit_code
            """
        )
        let events = Dictionary(
            grouping: try await Self.events(on: connection, cycle: ref, includingWithdrawn: false),
            by: \.unit
        )
        var units: [UnitForGrading] = []
        var sources: [UnitCode: String] = [:]
        var ungraded: [UnitCode] = []
        var comparisons: [RecheckComparison] = []
        for row in rows {
            let code = try row.decode(UnitCode.self, column: "unit_code")
            let committee = try row.decode(String.self, column: "committee")
            // Only the totals count here (`content->'assessed'`), read as columns: the sheets are not
            // decoded, nor is JSON in kaohed (Foundation's decoder was most of a province's proposal).
            guard let assessed = try Self.assessed(row, "a") else {
                ungraded.append(code)
                continue
            }
            var counting = assessed
            var source = "committee"
            if let rechecked = try Self.assessed(row, "r") {
                let decision = RecheckOverride(committee: assessed, recheck: rechecked, policy: policy)
                comparisons.append(
                    RecheckComparison(
                        unit: code,
                        committee: committee,
                        committeeTotal: assessed.total,
                        committeePoor: assessed.poorCount,
                        recheckTotal: rechecked.total,
                        recheckPoor: rechecked.poorCount,
                        difference: decision.difference,
                        overridden: decision.overridden,
                        reasons: decision.reasons
                    )
                )
                if decision.overridden {
                    counting = rechecked
                    source = "recheck"
                }
            }
            let unitEvents = events[code] ?? []
            var unit = UnitForGrading(
                code: code,
                committee: committee,
                assessed: counting,
                vetoEvents: unitEvents.filter { $0.kind == .directPoor }.map(\.ruleText),
                departmentGrade: try row.decode(String?.self, column: "department_grade").flatMap(DepartmentGrade.init(rawValue:)),
                excellenceBars: unitEvents.filter { $0.kind == .notExcellent }.map(\.ruleText)
            )
            unit.department = try row.decode(String?.self, column: "department")
            units.append(unit)
            sources[code] = source
        }
        return (units, sources, ungraded, comparisons)
    }

    /// The assessed totals a counting row carries under `prefix` (`a` the assessment, `r` the
    /// re-check); nil when there is none.
    static func assessed(_ row: PostgresRow, _ prefix: String) throws -> AssessedScores? {
        guard let quantitative = try row.decode(String?.self, column: prefix + "_quantitative") else { return nil }
        func score(_ text: String, _ column: String) throws -> Score {
            do { return try Score(parsing: text) } catch {
                throw StoreError(.invalidValue, "stored assessment: \(column) “\(text)” is not a score", field: column)
            }
        }
        return AssessedScores(
            quantitative: try score(quantitative, prefix + "_quantitative"),
            additions: try score(try row.decode(String.self, column: prefix + "_additions"), prefix + "_additions"),
            deductions: try score(try row.decode(String.self, column: prefix + "_deductions"), prefix + "_deductions"),
            poorCount: try row.decode(Int.self, column: prefix + "_poor"),
            notGoodCount: try row.decode(Int.self, column: prefix + "_not_good"),
            qualitativeCeiling: try row.decode(PostgresJSON?.self, column: prefix + "_ceiling")?.decode(QualitativeCeiling?.self) ?? nil
        )
    }

    /// The proposal under the cycle policy, the counting sources and the ungraded units.
    static func run(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        decisions: [TieDecision]
    ) async throws
        -> (CohortProposal, [UnitCode: String], [UnitCode])
    {
        try await run(
            on: connection,
            cycle: ref,
            decisions: decisions,
            policy: try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref)
        )
    }

    /// The proposal under `policy` (the cycle's, or one being tried: `dryRun`).
    static func run(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        decisions: [TieDecision],
        policy: CyclePolicy
    ) async throws
        -> (CohortProposal, [UnitCode: String], [UnitCode])
    {
        let (units, sources, ungraded, comparisons) = try await counting(
            on: connection,
            cycle: ref,
            policy: policy.recheck
        )
        do {
            var proposal = try CohortEnforcement(policy: policy.grading, scope: policy.defaultCohortScope).propose(
                units,
                decisions: decisions
            )
            for index in proposal.units.indices where sources[proposal.units[index].code] == "recheck" {
                let reasons = comparisons.first { $0.unit == proposal.units[index].code }?.reasons ?? []
                proposal.units[index].reasons.insert(
                    GradeReason(rule: "recheck-override", grade: proposal.units[index].band, message: reasons.joined(separator: ";")),
                    at: 0
                )
            }
            return (proposal, sources, ungraded)
        } catch {
            throw CycleError(.invalid, error.message, field: "/decisions/\(error.index)", rule: "grading.\(error.rule)")
        }
    }

    /// 试算: the grades the cycle's filings as they stand would get under `policy`, beside those
    /// under the policy in force, with the tie decisions recorded; nothing is written. The policy
    /// must be well formed (422 otherwise); the bounds it crosses are returned, not refused, so the
    /// office can see what a policy it may not save would do.
    public func dryRun(cycle ref: CycleRef, policy: CyclePolicy) async throws -> PolicyDryRun {
        do { _ = try policy.validated() } catch {
            let first = error.issues.first
            throw CycleError(
                .invalid,
                error.issues.map(\.message).joined(separator: ";"),
                field: first.map { "/" + $0.field.replacingOccurrences(of: ".", with: "/") },
                rule: first.map { RuleID(rawValue: "policy.\($0.rule.rawValue)") }
            )
        }
        return try await client.withConnection { connection in
            guard let inForce = try await CyclePolicyStore.version(on: connection, cycle: ref) else {
                throw CycleError(.notFound, "考核周期“\(ref.cycle)”不存在 / cycle not found", rule: "cycle.exists")
            }
            // As a save would store it: the cycle's scheme is the policy's.
            var candidate = policy
            candidate.defaultScheme = inForce.policy.defaultScheme
            let decisions = try await Self.decisions(on: connection, cycle: ref)
            let (now, _, _) = try await Self.run(on: connection, cycle: ref, decisions: decisions, policy: inForce.policy)
            let (tried, _, ungraded) = try await Self.run(on: connection, cycle: ref, decisions: decisions, policy: candidate)
            let before = Dictionary(uniqueKeysWithValues: now.units.map { ($0.code, $0.grade) })
            return PolicyDryRun(
                policyVersion: inForce.version,
                units: tried.units.map {
                    PolicyDryRun.Unit(code: $0.code, committee: $0.committee, total: $0.total, inForce: before[$0.code], tried: $0.grade)
                },
                conflictsInForce: now.conflicts.count,
                conflictsTried: tried.conflicts.count,
                ungraded: ungraded,
                bounds: PolicyBounds.issues(candidate)
            )
        }
    }

    static func grade(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        decisions: [TieDecision],
        state: GradingState,
        principal: Principal,
        page: GradedUnitsPage = .all
    ) async throws -> GradingResult {
        let (proposal, sources, ungraded) = try await run(on: connection, cycle: ref, decisions: decisions)
        return try await store(
            proposal,
            sources: sources,
            ungraded: ungraded,
            decisions: decisions,
            state: state,
            on: connection,
            cycle: ref,
            principal: principal,
            page: page
        )
    }

    /// Writes the grading row and every unit's grade, and re-checks the rosters whose grade moved.
    /// The units already graded are read first; then those no longer graded are deleted, the others
    /// updated where their grade, total, source or reasons changed (the rest neither rewritten nor
    /// locked, so a re-proposal leaves no dead tuples; `INSERT … ON CONFLICT DO UPDATE … WHERE`
    /// locked every row it met), and the new ones inserted — each statement by key, on its own
    /// rows only (a `NOT EXISTS` over the table being inserted into was planned on the statistics
    /// of an empty table and scanned it once per row: 1 s for 10,000 units). The cycle's row lock,
    /// taken by `mutate`, keeps any other writer of the cycle's grades out meanwhile.
    static func store(
        _ proposal: CohortProposal,
        sources: [UnitCode: String],
        ungraded: [UnitCode],
        decisions: [TieDecision],
        state: GradingState,
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        principal: Principal,
        page: GradedUnitsPage = .all
    ) async throws -> GradingResult {
        let (county, cycle) = (ref.county, ref.cycle)
        try await connection.execute(
            """
            INSERT INTO cycle_gradings (county, cycle, state, decisions, conflicts, proposed_by)
            VALUES (\(county), \(cycle), \(state.rawValue), \(try PostgresJSON(encoding: decisions)), \(try PostgresJSON(encoding: proposal.conflicts)), \(principal.account))
            ON CONFLICT (county, cycle) DO UPDATE SET state = EXCLUDED.state, decisions = EXCLUDED.decisions,
                conflicts = EXCLUDED.conflicts, proposed_by = EXCLUDED.proposed_by, proposed_at = now()
            """
        )
        // Which units have a grade already: the rest are new, and those no longer graded go. Each
        // statement below then touches only its own rows, by key, whatever the statistics say.
        let existing = Set(
            try await connection.query("SELECT unit_code FROM unit_grades WHERE county = \(county) AND cycle = \(cycle)").map {
                try $0.decode(UnitCode.self, at: 0)
            }
        )
        let graded = Set(proposal.units.map(\.code))
        let gone = existing.subtracting(graded).map(\.rawValue)
        if !gone.isEmpty {
            for table in ["roster_checks", "unit_grades"] {
                try await connection.execute(
                    """
                    DELETE FROM \(unescaped: table) WHERE county = \(county) AND cycle = \(cycle) AND unit_code = ANY (\(PostgresArray(gone))::char(18)[])
                    """
                )
            }
        }
        // The grade rows as columns (arrays), each unit's reasons as JSON text (`StoredJSON`).
        struct Columns {
            var codes: [String] = [], committees: [String] = [], sources: [String] = [], totals: [String] = []
            var bands: [String] = [], grades: [String] = [], reasons: [String] = []
        }
        var known = Columns()
        var new = Columns()
        for unit in proposal.units {
            func add(_ columns: inout Columns) {
                columns.codes.append(unit.code.rawValue)
                columns.committees.append(unit.committee)
                columns.sources.append(sources[unit.code] ?? "committee")
                columns.totals.append(unit.total.description)
                columns.bands.append(unit.band.rawValue)
                columns.grades.append(unit.grade.rawValue)
                columns.reasons.append(StoredJSON.reasons(unit.reasons))
            }
            if existing.contains(unit.code) { add(&known) } else { add(&new) }
        }
        if !known.codes.isEmpty {
            let k = known
            try await connection.execute(
                """
                UPDATE unit_grades g SET committee = x.c, source = x.s, total = x.t::numeric, band = x.b, grade = x.g, reasons = x.r::jsonb,
                       updated_at = now()
                FROM unnest(\(PostgresArray(k.codes)), \(PostgresArray(k.committees)), \(PostgresArray(k.sources)),
                            \(PostgresArray(k.totals)), \(PostgresArray(k.bands)), \(PostgresArray(k.grades)),
                            \(PostgresArray(k.reasons))) AS x(u, c, s, t, b, g, r)
                WHERE g.county = \(county) AND g.cycle = \(cycle) AND g.unit_code = x.u::char(18)
                  AND (g.committee, g.source, g.total, g.band, g.grade, g.reasons) IS DISTINCT FROM (x.c, x.s, x.t::numeric, x.b, x.g, x.r::jsonb)
                """
            )
        }
        let n = new
        let inserted =
            n.codes.isEmpty
            ? 0
            : try await connection.execute(
                """
                INSERT INTO unit_grades (county, cycle, unit_code, committee, source, total, band, grade, reasons)
                SELECT \(county), \(cycle), x.u, x.c, x.s, x.t::numeric, x.b, x.g, x.r::jsonb
                FROM unnest(\(PostgresArray(n.codes)), \(PostgresArray(n.committees)), \(PostgresArray(n.sources)),
                            \(PostgresArray(n.totals)), \(PostgresArray(n.bands)), \(PostgresArray(n.grades)),
                            \(PostgresArray(n.reasons))) AS x(u, c, s, t, b, g, r)
                """
            )
        try await analyzeAfter(grades: inserted, checks: 0, on: connection)
        try await refreshRosterChecks(on: connection, cycle: ref, units: nil, final: state != .proposed)
        return try await load(on: connection, cycle: ref, page: page)!
    }

    /// Rows a grading may insert before the tables' statistics are refreshed in its transaction
    /// (Schema/0020): past this many, statements planned on the old statistics nested-loop over the
    /// new rows (a re-proposal of 2,000 units: 650 ms, against 10 with fresh statistics).
    static let analyzeThreshold = 200

    /// Refreshes the statistics of unit_grades and roster_checks when the rows a grading inserted
    /// into the one (`grades`) or wrote into the other (`checks`, new or rewritten) reach
    /// `analyzeThreshold` — a county's first proposal, or one that moved many grades; nothing otherwise.
    static func analyzeAfter(grades: Int, checks: Int, on connection: PostgresConnection) async throws {
        let (grades, checks) = (grades >= analyzeThreshold, checks >= analyzeThreshold)
        guard grades || checks else { return }
        try await connection.execute("SELECT analyze_grading_tables(\(grades), \(checks)) AS done")
    }

    /// The cycle's grading with the units of `page`; the distribution is counted by PostgreSQL,
    /// so a summary (`.none`) reads no unit's row.
    static func load(on connection: PostgresConnection, cycle ref: CycleRef, page: GradedUnitsPage = .all) async throws -> GradingResult? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let head = try await connection.query(
                "SELECT state, decisions, conflicts FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
            ).first
        else { return nil }
        var distribution: [String: [String: Int]] = [:]
        var total = 0
        for row in try await connection.query(
            "SELECT committee, grade, count(*)::int AS n FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) GROUP BY committee, grade"
        ) {
            let n = try row.decode(Int.self, column: "n")
            distribution[try row.decode(String.self, column: "committee"), default: [:]][try row.decode(String.self, column: "grade")] = n
            total += n
        }
        var units: [GradedUnit] = []
        if page.limit != 0 {
            // LIMIT NULL: every unit from the offset.
            let rows = try await connection.query(
                """
                SELECT g.unit_code, g.committee, g.source, g.total::text AS total, g.band, g.grade, g.reasons
                FROM unit_grades g WHERE g.county = \(county) AND g.cycle = \(cycle) ORDER BY g.unit_code
                OFFSET \(page.offset) LIMIT \(page.limit)
                """
            )
            units.reserveCapacity(rows.count)
            for row in rows {
                units.append(
                    GradedUnit(
                        code: try row.decode(UnitCode.self, column: "unit_code"),
                        committee: try row.decode(String.self, column: "committee"),
                        source: try row.decode(String.self, column: "source"),
                        total: try Score(parsing: try row.decode(String.self, column: "total")),
                        band: UnitGrade(rawValue: try row.decode(String.self, column: "band")) ?? .poor,
                        grade: UnitGrade(rawValue: try row.decode(String.self, column: "grade")) ?? .poor,
                        reasons: try row.decode(PostgresJSON.self, column: "reasons").decode([GradeReason].self)
                    )
                )
            }
        }
        let ungraded = try await connection.query(
            """
            SELECT cu.unit_code FROM cycle_units cu
            WHERE cu.county = \(county) AND cu.cycle = \(cycle)
              AND NOT EXISTS (SELECT 1 FROM unit_grades g WHERE g.county = cu.county AND g.cycle = cu.cycle AND g.unit_code = cu.unit_code)
            ORDER BY cu.unit_code
            """
        ).map { try $0.decode(UnitCode.self, column: "unit_code") }
        let conflicts = try head.decode(PostgresJSON.self, column: "conflicts").decode([CohortConflict].self)
        let rulings = try await ratioRulings(on: connection, cycle: ref)
        return GradingResult(
            cycle: cycle,
            state: GradingState(rawValue: try head.decode(String.self, column: "state")) ?? .proposed,
            units: units,
            unitsTotal: total,
            unitsOffset: page.offset,
            ungraded: ungraded,
            conflicts: conflicts,
            decisions: try head.decode(PostgresJSON.self, column: "decisions").decode([TieDecision].self),
            distribution: distribution,
            ratioRulings: rulings,
            openConflicts: RatioRuling.open(conflicts, rulings: rulings),
            events: try await events(on: connection, cycle: ref, includingWithdrawn: false),
            departmentResults: try await departmentResults(on: connection, cycle: ref)
        )
    }

    static func auditSummary(_ result: GradingResult) -> [String: String] {
        var details = ["graded": String(result.unitsTotal), "conflicts": String(result.conflicts.count), "state": result.state.rawValue]
        for grade in UnitGrade.allCases {
            details[grade.rawValue] = String(result.distribution.values.reduce(0) { $0 + ($1[grade.rawValue] ?? 0) })
        }
        return details
    }

    // MARK: Rosters against grades

    struct RosterCheckOutcome {
        var unit: UnitCode
        var version: Int
        var grade: UnitGrade
        var report: RosterReport
        /// How many lines hold each grade at each level (`RosterLineFindings.counts`), stored beside
        /// the report.
        var counts: StaffCounts
    }

    /// Checks the latest roster of each graded unit (all, or `units`) against its stored grade.
    static func rosterChecks(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        units: [UnitCode]?,
        final: Bool
    ) async throws -> [RosterCheckOutcome] {
        let (county, cycle) = (ref.county, ref.cycle)
        guard let policy = try await rosterPolicy(on: connection, cycle: ref) else { return [] }
        let all = units == nil
        let filter = units ?? []
        // Hash joins throughout and no ORDER BY: the graded units (hundreds) are joined to their
        // latest rosters' lines (tens of thousands) once, not probed line by line, and the lines
        // are grouped here.
        let rows = try await connection.query(
            """
            WITH graded AS MATERIALIZED (
                SELECT DISTINCT ON (f.unit_code) f.unit_code, f.version,
                       coalesce((f.content->>'collectiveAward')::boolean, false) AS award, g.grade AS unit_grade
                FROM filings f
                JOIN unit_grades g ON g.county = f.county AND g.cycle = f.cycle AND g.unit_code = f.unit_code
                WHERE f.county = \(county) AND f.cycle = \(cycle) AND f.kind = 'roster' AND (\(all) OR f.unit_code = ANY (\(PostgresArray(filter))::text[]))
                ORDER BY f.unit_code, f.version DESC
            )
            SELECT l.unit_code, l.version, l.award, l.unit_grade, r.line, r.staff_no, r.score::text AS score,
                   coalesce(sa.decided_grade, r.grade) AS grade, r.sanction,
                   r.under_investigation, r.probation, r.leave_months, r.unassigned_months, r.refused, r.quarters,
                   r.level, r.post_category
            FROM graded l
            JOIN roster_rows r ON r.county = \(county) AND r.cycle = \(cycle) AND r.unit_code = l.unit_code AND r.version = l.version
            \(unescaped: StaffAppealGrades.join)
            """
        )
        struct Unit {
            var version: Int
            var award: Bool
            var grade: UnitGrade
            var staff: [(line: Int, record: StaffRecord)]
        }
        // Columns found once; a unit's lines arrive together or not (a hash join), so the unit
        // is looked up only when the code changes.
        let columns = try StaffRecordColumns(rows)
        let (unitColumn, versionColumn, awardColumn, gradeColumn, lineColumn) = (
            try rows.column("unit_code"), try rows.column("version"), try rows.column("award"), try rows.column("unit_grade"),
            try rows.column("line")
        )
        var byUnit: [UnitCode: Unit] = [:]
        var current: (code: UnitCode, unit: Unit)?
        for row in rows {
            let code = try row.decode(UnitCode.self, at: unitColumn)
            if current?.code != code {
                if let current { byUnit[current.code] = current.unit }
                if let seen = byUnit.removeValue(forKey: code) {
                    current = (code, seen)
                } else {
                    current = (
                        code,
                        Unit(
                            version: try row.decode(Int.self, at: versionColumn),
                            award: try row.decode(Bool.self, at: awardColumn),
                            grade: UnitGrade(rawValue: try row.decode(String.self, at: gradeColumn)) ?? .poor,
                            staff: []
                        )
                    )
                }
            }
            current!.unit.staff.append((try row.decode(Int.self, at: lineColumn), try StaffRecord(rosterRow: row, columns: columns)))
        }
        if let current { byUnit[current.code] = current.unit }
        let check = RosterCheck(policy: policy)
        return byUnit.sorted { $0.key < $1.key }.map { code, unit in
            let findings = check.lines(unit.staff.sorted { $0.line < $1.line }.map(\.record))
            return RosterCheckOutcome(
                unit: code,
                version: unit.version,
                grade: unit.grade,
                report: check.report(findings, unitGrade: unit.grade, gradeIsFinal: final, award: unit.award),
                counts: findings.counts
            )
        }
    }

    /// Re-checks `unit`'s latest roster under its stored grade when grading has begun (final once
    /// confirmed), in the caller's transaction; before grading, nothing (the roster's own summary
    /// and the provisional check hold).
    static func refreshGradedRosterCheck(on connection: PostgresConnection, cycle ref: CycleRef, unit: UnitCode) async throws {
        guard let state = try await state(on: connection, cycle: ref, lock: false) else { return }
        try await refreshRosterChecks(on: connection, cycle: ref, units: [unit], final: state != .proposed)
    }

    /// The cycle's roster policy (nil when there is no such cycle).
    static func rosterPolicy(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> RosterPolicy? {
        try await CyclePolicyStore.policy(on: connection, cycle: ref)?.roster
    }

    /// The checks of `units` whose stored check (basis `grading`) is of their latest roster, under
    /// their grade now: re-derived from the stored report's line findings and the grade counts kept
    /// beside it (Schema/0018), so a county whose grades moved is re-checked without reading a line.
    static func regradedRosterChecks(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        units: [UnitCode],
        final: Bool
    ) async throws -> [RosterCheckOutcome] {
        let (county, cycle) = (ref.county, ref.cycle)
        guard let policy = try await rosterPolicy(on: connection, cycle: ref) else { return [] }
        let check = RosterCheck(policy: policy)
        return try await connection.query(
            """
            SELECT c.unit_code, c.roster_version, c.summary, c.grade_counts, g.grade AS unit_grade,
                   coalesce((f.content->>'collectiveAward')::boolean, false) AS award
            FROM roster_checks c
            JOIN unit_grades g ON g.county = c.county AND g.cycle = c.cycle AND g.unit_code = c.unit_code
            JOIN filings f ON f.county = c.county AND f.cycle = c.cycle AND f.unit_code = c.unit_code AND f.kind = 'roster'
                 AND f.version = c.roster_version
            WHERE c.county = \(county) AND c.cycle = \(cycle) AND c.unit_code = ANY (\(PostgresArray(units))::text[])
            ORDER BY c.unit_code
            """
        ).map { row in
            let unit = try row.decode(UnitCode.self, column: "unit_code")
            let grade = UnitGrade(rawValue: try row.decode(String.self, column: "unit_grade")) ?? .poor
            let stored = try row.decode(PostgresJSON.self, column: "summary").decode(RosterReport.self)
            let counts = StaffCounts(keyed: try row.decode(PostgresJSON.self, column: "grade_counts").decode([String: Int].self))
            return RosterCheckOutcome(
                unit: unit,
                version: try row.decode(Int.self, column: "roster_version"),
                grade: grade,
                report: check.report(
                    RosterLineFindings(of: stored, counts: counts),
                    unitGrade: grade,
                    gradeIsFinal: final,
                    award: try row.decode(Bool.self, column: "award")
                ),
                counts: counts
            )
        }
    }

    /// The checks of those of `units` whose latest roster was filed with its grade counts
    /// (`RosterSummary.staffCounts`) and has no staff grade changed by 复核, under their grade now:
    /// derived from the filing's own line findings — its violations less the unit's rules — and
    /// counts, the same report `rosterChecks` makes from the lines (a province's first proposal
    /// then reads no line). The units left out are to be checked from their lines.
    static func filedRosterChecks(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        units: [UnitCode],
        final: Bool
    ) async throws -> [RosterCheckOutcome] {
        let (county, cycle) = (ref.county, ref.cycle)
        guard let policy = try await rosterPolicy(on: connection, cycle: ref) else { return [] }
        let check = RosterCheck(policy: policy)
        // The counts as jsonb's text, read by `StaffCounts(json:)`, so no JSON decoder runs for a
        // roster without violations.
        let rows = try await connection.query(
            """
            SELECT f.unit_code, f.version, g.grade AS unit_grade, coalesce((f.content->>'collectiveAward')::boolean, false) AS award,
                   (f.content->'staffCounts')::text AS staff_counts,
                   CASE WHEN jsonb_array_length(f.content->'violations') > 0 THEN f.content->'violations' END AS violations
            FROM (SELECT unit_code, max(version) AS version FROM filings
                  WHERE county = \(county) AND cycle = \(cycle) AND kind = 'roster' AND unit_code = ANY (\(PostgresArray(units))::text[])
                  GROUP BY unit_code) l
            JOIN filings f ON f.county = \(county) AND f.cycle = \(cycle) AND f.unit_code = l.unit_code AND f.kind = 'roster'
                 AND f.version = l.version
            JOIN unit_grades g ON g.county = f.county AND g.cycle = f.cycle AND g.unit_code = f.unit_code
            WHERE f.content ? 'staffCounts'
              AND NOT EXISTS (SELECT 1 FROM staff_appeals a WHERE a.county = f.county AND a.cycle = f.cycle
                                                              AND a.unit_code = f.unit_code AND a.outcome = 'changed')
            """
        )
        let countsColumn = try rows.column("staff_counts")
        let (unitColumn, versionColumn, gradeColumn, awardColumn, violationsColumn) = (
            try rows.column("unit_code"), try rows.column("version"), try rows.column("unit_grade"), try rows.column("award"),
            try rows.column("violations")
        )
        return try rows.compactMap { row in
            // Counts that do not read (never written so) leave the unit to be checked from its lines.
            guard let counts = StaffCounts(json: try row.decode(String.self, at: countsColumn)) else { return nil }
            let grade = UnitGrade(rawValue: try row.decode(String.self, at: gradeColumn)) ?? .poor
            let violations = try row.decode(PostgresJSON?.self, at: violationsColumn)?.decode([RosterViolation].self) ?? []
            let findings = RosterLineFindings(
                counts: counts,
                violations: violations.filter { !RosterLineFindings.unitRules.contains($0.rule) }
            )
            return RosterCheckOutcome(
                unit: try row.decode(UnitCode.self, at: unitColumn),
                version: try row.decode(Int.self, at: versionColumn),
                grade: grade,
                report: check.report(findings, unitGrade: grade, gradeIsFinal: final, award: try row.decode(Bool.self, at: awardColumn)),
                counts: findings.counts
            )
        }
    }

    /// Recomputes and stores the roster checks of `units` (a staff grade changed by 复核), or, with
    /// nil, of every graded unit whose stored check is stale: none yet, made from the committee's
    /// assessment, of an older roster version, under another unit grade, or provisional where the
    /// grades are now final. What else a check reads — the lines of a version, the award flag
    /// filed with it, the cycle's roster policy — cannot change under a stored version (a 复核
    /// decision re-checks its unit here at once). A check where only the final flag moved has the
    /// flag flipped in place; another stale check of the same roster version is re-derived from its
    /// line findings (`regradedRosterChecks`), the others from their lines.
    static func refreshRosterChecks(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        units: [UnitCode]?,
        final: Bool
    ) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        var outcomes: [RosterCheckOutcome]
        if let units {
            outcomes = try await rosterChecks(on: connection, cycle: ref, units: units, final: final)
        } else {
            let stale = try await connection.query(
                """
                SELECT g.unit_code, (c.unit_code IS NOT NULL AND c.basis = 'grading' AND c.roster_version = l.version
                                    AND c.grade_counts IS NOT NULL) AS lines_checked,
                       coalesce(c.unit_grade = g.grade, false) AS same_grade
                FROM unit_grades g
                -- Each unit's latest roster, grouped in one pass over the index (not a probe per unit).
                JOIN (SELECT unit_code, max(version) AS version FROM filings
                      WHERE county = \(county) AND cycle = \(cycle) AND kind = 'roster' GROUP BY unit_code) l ON l.unit_code = g.unit_code
                LEFT JOIN roster_checks c ON c.county = g.county AND c.cycle = g.cycle AND c.unit_code = g.unit_code
                WHERE g.county = \(county) AND g.cycle = \(cycle)
                  AND (c.unit_code IS NULL OR c.basis <> 'grading' OR c.roster_version <> l.version
                       OR c.unit_grade <> g.grade OR c.final <> \(final))
                """
            ).map {
                (
                    unit: try $0.decode(UnitCode.self, column: "unit_code"),
                    linesChecked: try $0.decode(Bool.self, column: "lines_checked"),
                    sameGrade: try $0.decode(Bool.self, column: "same_grade")
                )
            }
            // Only the final flag moved (same roster version, same unit grade): the report's words
            // do not depend on it (Schema/0019), so the flag is flipped where the rows lie — by
            // primary key, a plan that holds whatever the statistics say of `final`.
            let flipped = stale.filter { $0.linesChecked && $0.sameGrade }.map(\.unit)
            if !flipped.isEmpty {
                try await connection.execute(
                    """
                    UPDATE roster_checks SET final = \(final),
                           summary = jsonb_set(summary, '{quota,provisional}', to_jsonb(NOT \(final))), checked_at = now()
                    WHERE county = \(county) AND cycle = \(cycle) AND unit_code = ANY (\(PostgresArray(flipped))::char(18)[])
                    """
                )
            }
            let remaining = stale.filter { !($0.linesChecked && $0.sameGrade) }
            let (unchecked, regraded) = (remaining.filter { !$0.linesChecked }.map(\.unit), remaining.filter(\.linesChecked).map(\.unit))
            // Never checked under this roster version: from the filing's own findings where it kept
            // them, from the lines otherwise.
            outcomes = unchecked.isEmpty ? [] : try await filedRosterChecks(on: connection, cycle: ref, units: unchecked, final: final)
            let fromFilings = Set(outcomes.map(\.unit))
            let fromLines = unchecked.filter { !fromFilings.contains($0) }
            if !fromLines.isEmpty {
                outcomes += try await rosterChecks(on: connection, cycle: ref, units: fromLines, final: final)
            }
            if !regraded.isEmpty {
                outcomes += try await regradedRosterChecks(on: connection, cycle: ref, units: regraded, final: final)
            }
        }
        guard !outcomes.isEmpty else { return }
        // In unit order, whichever way each was checked: concurrent writers lock rows in one order.
        outcomes.sort { $0.unit < $1.unit }
        // Whole columns as arrays, the reports' JSON written by `StoredJSON` (not Foundation's encoder).
        let written = try await connection.execute(
            """
            INSERT INTO roster_checks (county, cycle, unit_code, roster_version, unit_grade, final, participants, excellent,
                                       quota_limit, must_give_up, violations, summary, grade_counts, basis)
            SELECT \(county), \(cycle), x.u, x.v, x.g, \(final), x.p, x.e, x.l, x.m, x.n, x.s::jsonb, x.c::jsonb, 'grading'
            FROM unnest(\(PostgresArray(outcomes.map(\.unit.rawValue))), \(PostgresArray(outcomes.map(\.version))),
                        \(PostgresArray(outcomes.map(\.grade.rawValue))), \(PostgresArray(outcomes.map(\.report.participants))),
                        \(PostgresArray(outcomes.map(\.report.excellent))), \(PostgresArray(outcomes.map(\.report.quota.limit))),
                        \(PostgresArray(outcomes.map(\.report.mustGiveUp))), \(PostgresArray(outcomes.map(\.report.violations.count))),
                        \(PostgresArray(outcomes.map { StoredJSON.rosterReport($0.report) })),
                        \(PostgresArray(outcomes.map { StoredJSON.counts($0.counts) }))) AS x(u, v, g, p, e, l, m, n, s, c)
            ON CONFLICT (county, cycle, unit_code) DO UPDATE SET roster_version = EXCLUDED.roster_version, unit_grade = EXCLUDED.unit_grade,
                final = EXCLUDED.final, participants = EXCLUDED.participants, excellent = EXCLUDED.excellent,
                quota_limit = EXCLUDED.quota_limit, must_give_up = EXCLUDED.must_give_up, violations = EXCLUDED.violations,
                summary = EXCLUDED.summary, grade_counts = EXCLUDED.grade_counts, basis = 'grading', checked_at = now()
            """
        )
        try await analyzeAfter(grades: 0, checks: written, on: connection)
    }
}
