public import Foundation
public import KaoheRules
import Postgres

/// 延期: one grant of more time for a filing step, to the whole step or to one unit (Schema/0016).
public struct DeadlineExtension: Sendable, Hashable, Codable {
    /// Its id in the county.
    public var id: Int64
    public var cycle: CycleID
    public var step: FilingStep
    /// The unit, or nil for the whole step.
    public var unit: UnitCode?
    /// The new deadline: filings after it are late.
    public var deadline: Date
    /// The new end: from it on, filings are refused.
    public var closesAt: Date
    /// Why (a clerk's words).
    public var reason: String
    public var grantedBy: String
    public var grantedAt: Date
}

extension CycleStore {
    /// Grants more time for `step`: to `unit`, or to the whole step when `unit` is nil. `closesAt`
    /// nil keeps the step's late window (the time from its deadline to its close) after the new
    /// deadline. The new deadline must be in the future and later than the one in force (for the
    /// unit: its latest grant, or the step's); a whole step that has closed cannot be reopened (grant
    /// the units that need it); nothing is extended once the results are final. Audited as
    /// `cycle.deadline.extend`, in the same transaction.
    public func extendDeadline(
        cycle ref: CycleRef,
        step: FilingStep,
        unit: UnitCode?,
        deadline: Date,
        closesAt: Date?,
        reason: String,
        principal: Principal
    ) async throws -> DeadlineExtension {
        let (county, cycle) = (ref.county, ref.cycle)
        let reason = reason.trimmingBlanksAndNewlines()
        guard (1...2000).contains(reason.count) else {
            throw CycleError(
                .invalid,
                "请写明延期理由(1–2000字) / a reason of 1–2,000 characters is required",
                field: "/reason",
                rule: "extension.reason"
            )
        }
        do {
            return try await client.withTransaction { connection in
                guard
                    let row = try await connection.query(
                        """
                        SELECT s.deadline, s.closes_at, now() AS now, now() >= s.closes_at AS closed,
                               (SELECT g.state FROM cycle_gradings g WHERE g.county = s.county AND g.cycle = s.cycle) AS grading
                        FROM cycle_steps s WHERE s.county = \(county) AND s.cycle = \(cycle) AND s.step = \(step.rawValue) FOR UPDATE
                        """
                    ).first
                else {
                    throw CycleError(
                        .notFound,
                        "考核周期“\(cycle)”没有步骤“\(step.chinese)” / the cycle has no such step",
                        field: "/step",
                        rule: "cycle.step"
                    )
                }
                let grading = try row.decode(String?.self, column: "grading")
                if grading == "final" {
                    throw CycleError(.conflict, "考核结果已定档,不能再延期 / the results are final", rule: "extension.results-final")
                }
                // A committee's assessment filed after the confirmation would count nowhere: the grades
                // are regraded only while they are a proposal.
                if step == .assessment, grading == "confirmed" {
                    throw CycleError(
                        .conflict,
                        "等次已经确认,不能再延期专考委考核;如需改评分,请先重新生成等次建议 / the grades are confirmed; propose again before extending the assessment",
                        field: "/step",
                        rule: "extension.grades-confirmed"
                    )
                }
                let now = try row.decode(Date.self, column: "now")
                var inForce = (
                    deadline: try row.decode(Date.self, column: "deadline"), closesAt: try row.decode(Date.self, column: "closes_at")
                )
                if let unit {
                    guard
                        try await connection.query(
                            "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                        ).first != nil
                    else {
                        throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / not enrolled", field: "/unit", rule: "cycle.enrolled")
                    }
                    if let granted = try await connection.query(
                        """
                        SELECT deadline, closes_at FROM deadline_extensions
                        WHERE county = \(county) AND cycle = \(cycle) AND step = \(step.rawValue) AND unit_code = \(unit)
                        ORDER BY id DESC LIMIT 1
                        """
                    ).first {
                        inForce = (
                            max(inForce.deadline, try granted.decode(Date.self, column: "deadline")),
                            max(inForce.closesAt, try granted.decode(Date.self, column: "closes_at"))
                        )
                    }
                } else if try row.decode(Bool.self, column: "closed") {
                    throw CycleError(
                        .conflict,
                        "“\(step.chinese)”已于\(ShanghaiTime.format(inForce.closesAt))关闭,不能整体延期;请为需要的单位逐个延期 / the step has closed; extend it for the units that need it",
                        field: "/unit",
                        rule: "extension.step-closed"
                    )
                }
                guard deadline > now else {
                    throw CycleError(
                        .invalid,
                        "新的截止时间应晚于现在 / the new deadline must be in the future",
                        field: "/deadline",
                        rule: "extension.deadline-future"
                    )
                }
                guard deadline > inForce.deadline else {
                    throw CycleError(
                        .invalid,
                        "新的截止时间应晚于现行截止时间\(ShanghaiTime.format(inForce.deadline)) / the new deadline must be later than the one in force",
                        field: "/deadline",
                        rule: "extension.later"
                    )
                }
                let closes = closesAt ?? deadline.addingTimeInterval(max(0, inForce.closesAt.timeIntervalSince(inForce.deadline)))
                guard closes >= deadline else {
                    throw CycleError(
                        .invalid,
                        "逾期报送截止时间不能早于截止时间 / closesAt must not be before the deadline",
                        field: "/closesAt",
                        rule: "extension.closes-before-deadline"
                    )
                }
                let id = try await connection.query(
                    """
                    INSERT INTO deadline_extensions (county, cycle, step, unit_code, deadline, closes_at, reason, granted_by)
                    VALUES (\(county), \(cycle), \(step.rawValue), \(unit), \(deadline), \(closes), \(reason), \(principal.account))
                    RETURNING id
                    """
                ).one().decode(Int64.self, column: "id")
                if unit == nil {
                    try await connection.execute(
                        """
                        UPDATE cycle_steps SET deadline = \(deadline), closes_at = \(closes)
                        WHERE county = \(county) AND cycle = \(cycle) AND step = \(step.rawValue)
                        """
                    )
                }
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: principal.actor,
                    action: .cycleDeadlineExtend,
                    object: "cycles/\(cycle)/steps/\(step.rawValue)" + (unit.map { "/units/\($0)" } ?? ""),
                    details: ["deadline": ShanghaiTime.format(deadline), "closesAt": ShanghaiTime.format(closes), "reason": reason]
                )
                return try await Self.extensions(on: connection, cycle: ref, id: id)[0]
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "extension of \(step.rawValue)")
        }
    }

    /// Every grant of the cycle, oldest first; with `unit`, that unit's own grants only.
    public func extensions(cycle ref: CycleRef, unit: UnitCode? = nil) async throws -> [DeadlineExtension] {
        try await client.withConnection { try await Self.extensions(on: $0, cycle: ref, id: nil, unit: unit) }
    }

    static func extensions(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        id: Int64?,
        unit: UnitCode? = nil
    ) async throws -> [DeadlineExtension] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await connection.query(
            """
            SELECT id, step, unit_code, deadline, closes_at, reason, granted_by, granted_at FROM deadline_extensions
            WHERE county = \(county) AND cycle = \(cycle) AND (\(id)::bigint IS NULL OR id = \(id))
              AND (\(unit)::text IS NULL OR unit_code = \(unit))
            ORDER BY id
            """
        ).map { row in
            DeadlineExtension(
                id: try row.decode(Int64.self, column: "id"),
                cycle: cycle,
                step: FilingStep(rawValue: try row.decode(String.self, column: "step")) ?? .roster,
                unit: try row.decode(UnitCode?.self, column: "unit_code"),
                deadline: try row.decode(Date.self, column: "deadline"),
                closesAt: try row.decode(Date.self, column: "closes_at"),
                reason: try row.decode(String.self, column: "reason"),
                grantedBy: try row.decode(String.self, column: "granted_by"),
                grantedAt: try row.decode(Date.self, column: "granted_at")
            )
        }
    }
}
