import Foundation
public import KaoheRules
import Postgres

/// What decides a grade besides the scores — 附件3 events (不得确定为优秀 / 直接确定为较差) and the
/// supervising departments' annual results (篇十二 (五)) — and the office's rulings on ratio
/// breaches after 复议 (比例研判). Each change is one transaction with its audit entry; an event or a
/// department result recorded while a proposal exists re-runs the proposal at once (state
/// `proposed`: a confirmed grading must be confirmed again).
extension GradingStore {
    // MARK: Events

    /// Records an event against an enrolled unit. Refused once publicity opened (grades then change
    /// only through 复议) and once final.
    public func recordEvent(
        cycle ref: CycleRef,
        unit: UnitCode,
        kind: GradingEventKind,
        reason: String,
        document: String,
        principal: Principal
    ) async throws -> GradingEventRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, state in
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: state)
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                ).first != nil
            else {
                throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / not enrolled", rule: "cycle.enrolled")
            }
            let number = try await connection.query(
                """
                INSERT INTO grading_events (county, cycle, unit_code, event_no, kind, reason, document, recorded_by)
                SELECT \(county), \(cycle), \(unit), coalesce(max(event_no), 0) + 1, \(kind.rawValue), \(reason), \(document), \(principal.account)
                FROM grading_events WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)
                RETURNING event_no
                """
            ).one().decode(Int.self, column: "event_no")
            return try await Self.eventChanged(
                on: connection,
                cycle: ref,
                graded: state != nil,
                unit: unit,
                number: number,
                action: .gradingEventRecord,
                details: ["unit": unit.rawValue, "kind": kind.rawValue, "reason": reason, "document": document],
                principal: principal
            )
        }
    }

    /// Withdraws a mistaken event (it stays on record, no longer counts). Same windows as recording.
    public func withdrawEvent(
        cycle ref: CycleRef,
        unit: UnitCode,
        number: Int,
        reason: String,
        principal: Principal
    ) async throws -> GradingEventRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, state in
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: state)
            let updated = try await connection.execute(
                """
                UPDATE grading_events SET withdrawn_by = \(principal.account), withdrawn_at = now(), withdraw_reason = \(reason)
                WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND event_no = \(number) AND withdrawn_at IS NULL
                """
            )
            guard updated == 1 else {
                throw CycleError(
                    .notFound,
                    "单位\(unit)没有未撤销的第\(number)号情形 / no event \(number) in force for unit \(unit)",
                    rule: "grading.event-exists"
                )
            }
            return try await Self.eventChanged(
                on: connection,
                cycle: ref,
                graded: state != nil,
                unit: unit,
                number: number,
                action: .gradingEventWithdraw,
                details: ["unit": unit.rawValue, "reason": reason],
                principal: principal
            )
        }
    }

    /// After an event was recorded or withdrawn: regrades a graded cycle (its summary joins the
    /// audit details), writes the audit entry and reads the event back.
    static func eventChanged(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        graded: Bool,
        unit: UnitCode,
        number: Int,
        action: AuditAction,
        details: [String: String],
        principal: Principal
    ) async throws -> GradingEventRecord {
        var details = details
        if graded {
            details.merge(try await regrade(on: connection, cycle: ref, principal: principal)) { $1 }
        }
        try await FilingAudit.record(
            on: connection,
            county: ref.county,
            actor: principal.actor,
            action: action,
            object: "cycles/\(ref.cycle)/units/\(unit)/grading-events/\(number)",
            details: details
        )
        guard
            let event = try await events(on: connection, cycle: ref, includingWithdrawn: true).first(where: {
                $0.unit == unit && $0.number == number
            })
        else { throw CycleError(.notFound, "第\(number)号情形不存在 / event \(number) not found", rule: "grading.event-exists") }
        return event
    }

    static func events(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        includingWithdrawn: Bool
    ) async throws -> [GradingEventRecord] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await connection.query(
            """
            SELECT unit_code, event_no, kind, reason, document, recorded_by, recorded_at, withdrawn_at, withdraw_reason
            FROM grading_events WHERE county = \(county) AND cycle = \(cycle) AND (\(includingWithdrawn) OR withdrawn_at IS NULL)
            ORDER BY unit_code, event_no
            """
        ).map { row in
            GradingEventRecord(
                unit: try row.decode(UnitCode.self, column: "unit_code"),
                number: try row.decode(Int.self, column: "event_no"),
                kind: GradingEventKind(rawValue: try row.decode(String.self, column: "kind")) ?? .directPoor,
                reason: try row.decode(String.self, column: "reason"),
                document: try row.decode(String.self, column: "document"),
                recordedBy: try row.decode(String.self, column: "recorded_by"),
                recordedAt: ShanghaiTime.format(try row.decode(Date.self, column: "recorded_at")),
                withdrawnAt: try row.decode(Date?.self, column: "withdrawn_at").map(ShanghaiTime.format),
                withdrawReason: try row.decode(String?.self, column: "withdraw_reason")
            )
        }
    }

    // MARK: Department results

    /// Records (or corrects) a supervising department's annual result for the cycle.
    public func recordDepartmentResult(
        cycle ref: CycleRef,
        department: String,
        grade: DepartmentGrade,
        document: String,
        principal: Principal
    ) async throws -> DepartmentResultRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, state in
            try await Self.requireBeforePublicity(on: connection, cycle: ref, state: state)
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM departments WHERE county = \(county) AND department = \(department)"
                ).first != nil
            else {
                throw CycleError(.notFound, "主管部门“\(department)”不存在 / department not found", rule: "registry.department")
            }
            let old = try await connection.query(
                "SELECT grade FROM department_results WHERE county = \(county) AND cycle = \(cycle) AND department = \(department) FOR UPDATE"
            ).first.map { try $0.decode(String.self, column: "grade") }
            let row = try await connection.query(
                """
                INSERT INTO department_results (county, cycle, department, grade, document, recorded_by)
                VALUES (\(county), \(cycle), \(department), \(grade.rawValue), \(document), \(principal.account))
                ON CONFLICT (county, cycle, department) DO UPDATE SET grade = EXCLUDED.grade, document = EXCLUDED.document,
                    recorded_by = EXCLUDED.recorded_by, recorded_at = now()
                RETURNING recorded_at
                """
            ).one()
            var details = ["department": department, "grade": grade.rawValue, "document": document]
            if let old { details["oldGrade"] = old }
            if state != nil {
                details.merge(try await Self.regrade(on: connection, cycle: ref, principal: principal)) { $1 }
            }
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .gradingDepartmentResult,
                object: "cycles/\(cycle)/departments/\(department)/result",
                details: details
            )
            return DepartmentResultRecord(
                department: department,
                grade: grade,
                document: document,
                recordedBy: principal.account,
                recordedAt: ShanghaiTime.format(try row.decode(Date.self, column: "recorded_at"))
            )
        }
    }

    static func departmentResults(
        on connection: PostgresConnection,
        cycle ref: CycleRef
    ) async throws -> [String: DepartmentGrade] {
        let (county, cycle) = (ref.county, ref.cycle)
        var results: [String: DepartmentGrade] = [:]
        for row in try await connection.query(
            "SELECT department, grade FROM department_results WHERE county = \(county) AND cycle = \(cycle)"
        ) {
            results[try row.decode(String.self, column: "department")] = DepartmentGrade(
                rawValue: try row.decode(String.self, column: "grade")
            )
        }
        return results
    }

    /// Re-runs the proposal after an input changed (state `proposed`). Recorded tie decisions that
    /// no longer match a tie are dropped (the audit entry says so) rather than block the change.
    static func regrade(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        principal: Principal
    ) async throws -> [String: String] {
        let decisions = try await Self.decisions(on: connection, cycle: ref)
        let result: GradingResult
        var details: [String: String] = [:]
        do {
            result = try await grade(
                on: connection,
                cycle: ref,
                decisions: decisions,
                state: .proposed,
                principal: principal
            )
        } catch let error as CycleError where error.rule?.rawValue.hasPrefix("grading.decision") == true {
            result = try await grade(on: connection, cycle: ref, decisions: [], state: .proposed, principal: principal)
            details["decisionsDropped"] = String(decisions.count)
        }
        for (key, value) in auditSummary(result) { details["regraded." + key] = value }
        return details
    }

    // MARK: Ratio rulings

    /// 比例研判: records the office's rulings, replacing earlier ones (an empty list withdraws them).
    /// Each lets the open ratio breach of its kind in its scope stand, on the record of the decision
    /// `reference`, and keeps the units that breach listed; one that matches no open breach is 422.
    public func setRatioRulings(
        cycle ref: CycleRef,
        rulings input: [RatioRulingInput],
        principal: Principal,
        units page: GradedUnitsPage = .all
    ) async throws -> GradingResult {
        let (county, cycle) = (ref.county, ref.cycle)
        for (index, item) in input.enumerated() {
            guard RatioRuling.kinds.contains(item.kind) else {
                throw CycleError(
                    .invalid,
                    "研判只针对比例冲突(excellent-ratio、qualified-ratio) / a ruling is about excellent-ratio or qualified-ratio",
                    field: "/rulings/\(index)/kind",
                    rule: "grading.ruling-kind"
                )
            }
            guard (1...200).contains(item.reference.trimmingBlanks().count) else {
                throw CycleError(
                    .invalid,
                    "请填写研判依据(会议纪要文号),1–200字 / the decision's reference, 1–200 characters",
                    field: "/rulings/\(index)/reference",
                    rule: "grading.ruling-reference"
                )
            }
        }
        return try await mutate(cycle: ref) { connection, state in
            guard state != nil else {
                throw CycleError(.conflict, "尚未生成等次建议,请先生成 / ask for the proposal first", rule: "grading.no-proposal")
            }
            let conflicts = try await connection.query(
                "SELECT conflicts FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
            ).one().decode(PostgresJSON.self, column: "conflicts").decode([CohortConflict].self)
            var rulings: [RatioRuling] = []
            for (index, item) in input.enumerated() {
                guard let conflict = conflicts.first(where: { $0.kind == item.kind && $0.scope == item.scope }) else {
                    throw CycleError(
                        .invalid,
                        "没有与该研判对应的比例冲突(\(item.kind),\(item.scope)) / no ratio conflict \(item.kind) in \(item.scope)",
                        field: "/rulings/\(index)",
                        rule: "grading.ruling-unmatched"
                    )
                }
                rulings.append(
                    RatioRuling(kind: item.kind, scope: item.scope, units: conflict.units, reference: item.reference, note: item.note)
                )
            }
            try await connection.execute(
                "UPDATE cycle_gradings SET ratio_rulings = \(try PostgresJSON(encoding: rulings)) WHERE county = \(county) AND cycle = \(cycle)"
            )
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .gradingRatioRulings,
                object: "cycles/\(cycle)/grading",
                details: [
                    "rulings": rulings.map { "\($0.kind):\($0.scope):\($0.units.map(\.rawValue).joined(separator: "+")):\($0.reference)" }
                        .joined(
                            separator: "; "
                        ),
                    "open": String(RatioRuling.open(conflicts, rulings: rulings).count),
                ]
            )
            return try await Self.load(on: connection, cycle: ref, page: page)!
        }
    }

    static func ratioRulings(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> [RatioRuling] {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let row = try await connection.query(
                "SELECT ratio_rulings FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
            ).first
        else { return [] }
        return try row.decode(PostgresJSON.self, column: "ratio_rulings").decode([RatioRuling].self)
    }
}
