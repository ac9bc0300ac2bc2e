import Foundation
public import KaoheRules
import Postgres

/// 实地二次评价: re-check assessments of sampled units, versioned like the other filings, and the
/// deviations between committees and reviewers.
extension GradingStore {
    /// Files a re-check (a new version) after checking the sheet with the cycle's scheme. Refused
    /// once the grades are confirmed (the counting assessments are settled) and once final.
    /// The unit must be selected by the cycle's current draw; see ``requireSampled``.
    public func fileRecheck(
        cycle ref: CycleRef,
        unit: UnitCode,
        reviewer: String,
        sheet: UnitScoreSheet,
        principal: Principal
    ) async throws -> RecheckVersion {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, state in
            if state == .confirmed {
                throw CycleError(
                    .conflict,
                    "等次已确认,不再接受核验评分 / grades are confirmed; re-checks are no longer accepted",
                    rule: "recheck.grades-confirmed"
                )
            }
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) FOR UPDATE"
                ).first != nil
            else {
                throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / not enrolled", rule: "cycle.enrolled")
            }
            let draw = try await Self.requireSampled(
                on: connection,
                cycle: ref,
                unit: unit,
                reviewer: reviewer,
                asReviewer: principal.role == .reviewer
            )
            let scheme = try await FilingStore.scheme(on: connection, cycle: ref, unit: unit)
            let assessed = try scheme.assess(sheet)
            let content = AssessmentContent(scheme: scheme.id, sheet: sheet, assessed: assessed)
            let next = try await connection.query(
                "SELECT coalesce(max(version), 0) + 1 AS next FROM rechecks WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
            ).one().decode(Int.self, column: "next")
            let inserted = try await connection.query(
                """
                INSERT INTO rechecks (county, cycle, unit_code, version, draw_no, reviewer, filed_by, total, poor_count, content)
                VALUES (\(county), \(cycle), \(unit), \(next), \(draw), \(reviewer), \(principal.account), \(assessed.total.description)::numeric,
                        \(assessed.poorCount), \(try PostgresJSON(encoding: content)))
                RETURNING filed_at
                """
            )
            let comparison = try await Self.comparison(on: connection, cycle: ref, unit: unit)
            var details = [
                "version": String(next), "draw": String(draw), "reviewer": reviewer, "total": assessed.total.description,
                "poor": String(assessed.poorCount),
            ]
            if let comparison {
                details["committeeTotal"] = comparison.committeeTotal.description
                details["difference"] = comparison.difference.description
                details["overridden"] = String(comparison.overridden)
            }
            if state == .proposed {
                // The proposal counts what is filed: re-run it now, so its grades, its conflicts and
                // every roster's quota follow the re-check instead of waiting for the office.
                try await Self.regradeProposal(on: connection, cycle: ref)
                details["regraded"] = "true"
            }
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .recheckFile,
                object: "cycles/\(cycle)/units/\(unit)/recheck",
                details: details
            )
            return RecheckVersion(
                unit: unit,
                version: next,
                reviewer: reviewer,
                filedBy: principal.account,
                filedAt: ShanghaiTime.format(try inserted.one().decode(Date.self, column: "filed_at")),
                content: content,
                comparison: comparison
            )
        }
    }

    /// Re-runs the standing proposal (state `proposed`, the cycle's grading row locked by `mutate`)
    /// with the office's recorded decisions, keeping its proposer: what a re-check filed under a
    /// proposal does, so the proposed grades and the roster checks never lag behind the filings
    /// (issue 16 item 3). The caller's audit entry records it (`regraded`).
    static func regradeProposal(on connection: PostgresConnection, cycle ref: CycleRef) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        let proposer = try await connection.query(
            "SELECT proposed_by FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
        ).one().decode(String.self, column: "proposed_by")
        _ = try await grade(
            on: connection,
            cycle: ref,
            decisions: try await decisions(on: connection, cycle: ref),
            state: .proposed,
            principal: Principal(county: county, account: proposer, role: .office)
        )
    }

    /// Re-runs the proposal if one stands (state `proposed`), in the caller's transaction, with an
    /// audit entry `grading.regrade` naming what moved it: what a committee's assessment filed while a
    /// proposal stands does (the assessment step still open). Only the grading row is locked (not the
    /// cycle's, which the filing holds a key-share lock on), so concurrent filings queue on it.
    static func regradeIfProposed(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        after: String,
        actor: String
    ) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            try await connection.query(
                "SELECT state FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle) FOR UPDATE"
            ).first?.decode(String.self, column: "state") == GradingState.proposed.rawValue
        else { return }
        try await regradeProposal(on: connection, cycle: ref)
        try await FilingAudit.record(
            on: connection,
            county: county,
            actor: actor,
            action: .gradingRegrade,
            object: "cycles/\(cycle)/grading",
            details: ["after": after]
        )
    }

    /// Every re-check version of a unit, oldest first, each compared with the committee's latest.
    public func rechecks(cycle ref: CycleRef, unit: UnitCode) async throws -> [RecheckVersion] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.withConnection { connection in
            let comparison = try await Self.comparison(on: connection, cycle: ref, unit: unit)
            let rows = try await connection.query(
                """
                SELECT version, reviewer, filed_by, filed_at, content FROM rechecks
                WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) ORDER BY version
                """
            )
            let last = rows.count
            return try rows.enumerated().map { index, row in
                RecheckVersion(
                    unit: unit,
                    version: try row.decode(Int.self, column: "version"),
                    reviewer: try row.decode(String.self, column: "reviewer"),
                    filedBy: try row.decode(String.self, column: "filed_by"),
                    filedAt: ShanghaiTime.format(try row.decode(Date.self, column: "filed_at")),
                    content: try row.decode(PostgresJSON.self, column: "content").decode(AssessmentContent.self),
                    comparison: index == last - 1 ? comparison : nil
                )
            }
        }
    }

    /// The latest re-check of `unit` against the committee's latest assessment.
    static func comparison(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode
    ) async throws -> RecheckComparison? {
        let policy = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).recheck
        let (_, _, _, comparisons) = try await counting(on: connection, cycle: ref, policy: policy)
        return comparisons.first { $0.unit == unit }
    }

    /// Per unit and per committee deviations and override rates (SPEC.md "The spot check").
    public func deviations(cycle ref: CycleRef) async throws -> DeviationReport {
        try await client.withConnection { connection in
            let policy = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).recheck
            let (_, _, _, comparisons) = try await Self.counting(on: connection, cycle: ref, policy: policy)
            var byCommittee: [String: [RecheckComparison]] = [:]
            for comparison in comparisons { byCommittee[comparison.committee, default: []].append(comparison) }
            let committees = byCommittee.keys.sorted().map { name -> CommitteeDeviation in
                let list = byCommittee[name]!
                let overridden = list.count(where: \.overridden)
                let sum = list.reduce(Int64(0)) { $0 + $1.difference.hundredths }
                return CommitteeDeviation(
                    committee: name,
                    rechecked: list.count,
                    overridden: overridden,
                    overridePercent: overridden * 100 / list.count,
                    meanDifference: Score(hundredths: sum / Int64(list.count)),
                    maxDifference: list.map(\.difference).max() ?? .zero
                )
            }
            return DeviationReport(
                units: comparisons,
                committees: committees,
                threshold: policy.pointsThreshold,
                onPoorCountDifference: policy.onPoorCountDifference
            )
        }
    }

    /// The unit must be among the selections of the cycle's current draw (migration 0004), and
    /// the re-check is filed for one of the reviewers assigned to it: a reviewer account files as
    /// itself; the office enters a re-check on paper naming the assigned reviewer (any name when
    /// the draw could assign none to this unit for lack of eligible reviewers, 回避).
    static func requireSampled(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode,
        reviewer: String,
        asReviewer: Bool
    ) async throws -> Int {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let draw = try await connection.query(
                """
                SELECT draw_no FROM spot_check_draws
                WHERE county = \(county) AND cycle = \(cycle) AND superseded_at IS NULL AND drawn_at IS NOT NULL
                """
            ).first?.decode(Int.self, column: "draw_no")
        else {
            throw CycleError(.conflict, "考核周期“\(cycle)”尚未抽查 / no spot-check draw yet", rule: "recheck.no-draw")
        }
        guard
            try await connection.query(
                "SELECT 1 AS one FROM spot_check_selections WHERE county = \(county) AND cycle = \(cycle) AND draw_no = \(draw) AND unit_code = \(unit)"
            ).first != nil
        else {
            if asReviewer { throw CycleError(.notFound, "unit \(unit)", rule: "recheck.assigned") }
            throw CycleError(.conflict, "单位\(unit)未被第\(draw)次抽查抽中,不能报送核验评分 / unit \(unit) was not sampled", rule: "recheck.not-sampled")
        }
        let assigned = try await connection.query(
            "SELECT reviewer FROM reviewer_assignments WHERE county = \(county) AND cycle = \(cycle) AND draw_no = \(draw) AND unit_code = \(unit)"
        ).map { try $0.decode(String.self, column: "reviewer") }
        if asReviewer, !assigned.contains(reviewer) {
            throw CycleError(.notFound, "unit \(unit)", rule: "recheck.assigned")
        }
        if !assigned.isEmpty, !assigned.contains(reviewer) {
            throw CycleError(
                .invalid,
                "核验人员\(reviewer)未被选派核验该单位(选派:\(assigned.joined(separator: "、"))) / \(reviewer) is not assigned to this unit",
                field: "/reviewer",
                rule: "recheck.reviewer-assigned"
            )
        }
        return draw
    }
}
