import Foundation
public import KaoheRules
import Postgres

/// 名册更正: one staff line of a unit's roster changed after the roster step, on the record — a 复核
/// decided `changed` (篇十三 第二十五条) or a grade 补定 once an investigation closes (第三十九条). The
/// change is a new roster version: the lines of the latest one with that line changed, checked again
/// as any roster is (the violations it causes are stored and shown, never refused), filed by the
/// account that decided it, audited as a roster filing (`filing.roster`, with its content and lines
/// hashes, so `kaohe audit verify --deep` covers it) whose details say why, which line, from what to
/// what and on what basis. The version before stays as it was filed.
public struct RosterAmendment: Sendable {
    /// Why, for the audit entry and the pages: `复核` or `补定等次`.
    public var kind: String
    /// The staff member's number on the latest roster.
    public var staffNo: String
    /// The grade from now on.
    public var grade: StaffGrade
    /// The sanction from now on (补定等次: none or a 警告); nil leaves it.
    public var sanction: Sanction?
    /// Whether the investigation is over (补定等次): the line no longer says 立案调查.
    public var investigationClosed: Bool
    /// What the entry records beside (the appeal's id, the case reference, the reason).
    public var details: [String: String]

    /// An amendment.
    public init(
        kind: String,
        staffNo: String,
        grade: StaffGrade,
        sanction: Sanction? = nil,
        investigationClosed: Bool = false,
        details: [String: String] = [:]
    ) {
        self.kind = kind
        self.staffNo = staffNo
        self.grade = grade
        self.sanction = sanction
        self.investigationClosed = investigationClosed
        self.details = details
    }
}

extension FilingStore {
    /// Writes `amendment` as the unit's next roster version in the caller's transaction and returns
    /// it, the roster re-checked under the grading's grade when grading has begun. Refused (422
    /// `roster.staff-not-on-roster`) when the latest roster has no such line, and (404) when the unit
    /// filed no roster.
    static func amendRoster(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode,
        amendment: RosterAmendment,
        actor: String,
        account: String
    ) async throws -> FilingVersion {
        let (county, cycle) = (ref.county, ref.cycle)
        // The enrolment row, as `file_versions` locks it: amendments and filings of a unit queue.
        _ = try await connection.query(
            "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) FOR UPDATE"
        )
        guard
            let latest = try await connection.query(
                """
                SELECT version, content, (SELECT deadline FROM cycle_steps s
                                          WHERE s.county = f.county AND s.cycle = f.cycle AND s.step = 'roster') AS deadline
                FROM filings f
                WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND kind = 'roster'
                ORDER BY version DESC LIMIT 1
                """
            ).first
        else {
            throw CycleError(.notFound, "单位\(unit)尚未报送考核名册 / no roster filed", rule: "roster.none")
        }
        let version = try latest.decode(Int.self, column: "version")
        let previous = try latest.decode(PostgresJSON.self, column: "content").decode(RosterSummary.self)
        var lines = try await rosterLines(on: connection, cycle: ref, unit: unit, version: version)
        guard let index = lines.firstIndex(where: { $0.staff.staffNo == amendment.staffNo }) else {
            throw CycleError(
                .invalid,
                "工号\(amendment.staffNo)不在本单位最新的考核名册中 / staff \(amendment.staffNo) is not on the unit's latest roster",
                field: "/staffNo",
                rule: "roster.staff-not-on-roster"
            )
        }
        let before = lines[index].staff
        lines[index].staff.grade = amendment.grade
        if let sanction = amendment.sanction { lines[index].staff.sanction = sanction }
        if amendment.investigationClosed { lines[index].staff.underInvestigation = false }

        guard let basis = try await unitForRoster(on: connection, cycle: ref, code: unit)?.basis else {
            throw CycleError(.notFound, "考核周期不存在 / cycle not found")
        }
        let summary = try checkRoster(lines.map(\.staff), unit: unit, basis: basis, collectiveAward: previous.collectiveAward)
        let content = try PostgresJSON(encoding: summary)
        let rows = copyRows(lines)
        let next = version + 1
        let filed = try await connection.query(
            """
            INSERT INTO filings (county, cycle, unit_code, kind, version, filed_by, filed_at, deadline, late, content)
            VALUES (\(county), \(cycle), \(unit), 'roster', \(next), \(account), now(),
                    coalesce(\(try latest.decode(Date?.self, column: "deadline")), now()), false, \(content)::jsonb)
            RETURNING filed_at, deadline, encode(sha256(convert_to(content::text, 'UTF8')), 'hex') AS content_hash
            """
        ).one()
        _ = try await connection.copyFrom(
            "COPY roster_rows (\(unescaped: FilingBatcher.rosterColumns)) FROM STDIN",
            rows: [(rows, [county.rawValue, cycle.rawValue, unit.rawValue, String(next)])]
        )
        var details = amendment.details
        details["version"] = String(next)
        details["late"] = "false"
        details["contentHash"] = try filed.decode(String.self, column: "content_hash")
        details["linesHash"] = linesHash(rows)
        details["rows"] = String(summary.rows)
        details["violations"] = String(summary.violations.count)
        details["amendment"] = amendment.kind
        details["amends"] = String(version)
        details["staffNo"] = amendment.staffNo
        details["fromGrade"] = before.grade.rawValue
        details["grade"] = amendment.grade.rawValue
        try await FilingAudit.record(
            on: connection,
            county: county,
            actor: actor,
            action: .filing(.roster),
            object: "cycles/\(cycle)/units/\(unit)/\(FilingStep.roster.pathSegment)",
            details: details
        )
        // The quota follows: under the grading's grade once it has begun, else the provisional check.
        try await GradingStore.refreshGradedRosterCheck(on: connection, cycle: ref, unit: unit)
        try await refreshProvisionalRosterCheck(on: connection, cycle: ref, unit: unit)
        return FilingVersion(
            county: county,
            cycle: cycle,
            unitCode: unit,
            step: .roster,
            version: next,
            filedBy: account,
            filedAt: try filed.decode(Date.self, column: "filed_at"),
            deadline: try filed.decode(Date.self, column: "deadline"),
            late: false,
            content: content
        )
    }
}

extension FilingStore {
    /// 补定等次 (篇十三 第三十九条: 涉嫌违法违纪被立案调查尚未结案的,不定等次;结案后,不给予处分或者给予警告
    /// 处分的,按规定补定等次): the office records the grade of a staff member the unit's roster left
    /// 不定等次 for an investigation, once the case has closed with no sanction or a 警告 — at any
    /// time, a finalised cycle included. A new roster version (`amendRoster`): the line no longer
    /// under investigation, with the grade and the sanction; it counts in the unit's quota as if
    /// given on time, and a breach it causes is shown on the roster, not refused. Refused: a grade
    /// that is not one (`determination.grade`), a sanction heavier than 警告
    /// (`determination.sanction`), no case reference (`determination.case`), a line not left 不定等次
    /// for an investigation (`determination.not-pending`). The caller checks that the account is
    /// the office's.
    public func determineGrade(
        cycle ref: CycleRef,
        unit: UnitCode,
        staffNo: String,
        grade: StaffGrade,
        sanction: Sanction,
        caseReference: String,
        reason: String,
        principal: Principal
    ) async throws -> FilingVersion {
        let staffNo = staffNo.trimmingBlanks()
        let caseReference = caseReference.trimmingBlanks()
        let reason = reason.trimmingBlanksAndNewlines()
        guard grade.isGraded else {
            throw CycleError(
                .invalid,
                "补定的等次应为优秀、合格、基本合格或不合格 / the determined grade must be a grade",
                field: "/grade",
                rule: "determination.grade"
            )
        }
        guard sanction == .none || sanction == .warning else {
            throw CycleError(
                .invalid,
                "结案后不给予处分或给予警告处分的方可补定等次(篇十三第三十九条),“\(sanction.chinese)”不属此类 / only a case closed with no sanction or a 警告",
                field: "/sanction",
                rule: "determination.sanction"
            )
        }
        guard (1...200).contains(caseReference.count) else {
            throw CycleError(
                .invalid,
                "请填写结案文书或案件编号(1–200字) / the case reference, 1–200 characters",
                field: "/case",
                rule: "determination.case"
            )
        }
        guard reason.count <= 2_000 else {
            throw CycleError(.invalid, "说明最多2000字 / at most 2,000 characters", field: "/reason", rule: "determination.reason")
        }
        do {
            return try await client.withTransaction { connection in
                let pending = try await connection.query(
                    """
                    SELECT r.grade, r.under_investigation FROM roster_rows r
                    WHERE r.county = \(ref.county) AND r.cycle = \(ref.cycle) AND r.unit_code = \(unit) AND r.staff_no = \(staffNo)
                      AND r.version = (SELECT max(f.version) FROM filings f WHERE f.county = \(ref.county) AND f.cycle = \(ref.cycle)
                                       AND f.unit_code = \(unit) AND f.kind = 'roster')
                    """
                ).first
                guard let pending else {
                    throw CycleError(
                        .invalid,
                        "工号\(staffNo)不在本单位最新的考核名册中 / staff \(staffNo) is not on the unit's latest roster",
                        field: "/staffNo",
                        rule: "roster.staff-not-on-roster"
                    )
                }
                let rostered = StaffGrade(rawValue: try pending.decode(String.self, column: "grade")) ?? .undetermined
                guard rostered == .undetermined, try pending.decode(Bool.self, column: "under_investigation") else {
                    throw CycleError(
                        .conflict,
                        "工号\(staffNo)在名册中为“\(rostered.chinese)”,不是因立案调查而不定等次,无需补定 / staff \(staffNo) is not left undetermined for an investigation",
                        field: "/staffNo",
                        rule: "determination.not-pending"
                    )
                }
                return try await Self.amendRoster(
                    on: connection,
                    cycle: ref,
                    unit: unit,
                    amendment: RosterAmendment(
                        kind: "补定等次",
                        staffNo: staffNo,
                        grade: grade,
                        sanction: sanction,
                        investigationClosed: true,
                        details: ["case": caseReference, "reason": reason, "sanction": sanction.rawValue]
                    ),
                    actor: principal.actor,
                    account: principal.account
                )
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "determination of staff \(staffNo)")
        }
    }
}
