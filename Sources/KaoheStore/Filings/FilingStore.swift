import Crypto
import Foundation
public import KaoheRules
public import Postgres

/// 报送: the three filings of a cycle — self-assessment, committee assessment, staff roster — each
/// versioned. Every filing is one transaction: the unit's enrolment row is locked (filings of one
/// unit are serialised), the step's times are read under a share lock (a concurrent hand-close
/// waits) and compared with the database clock `now()`: before `opens_at` refused, after
/// `closes_at` refused naming when it closed, after `deadline` stored and marked late. Then the
/// next version is written with its audit entry.
public struct FilingStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The most a self-assessment's attachment may hold: 20 MiB.
    public static let maxAttachmentBytes = 20 * 1024 * 1024
    /// The most attachments one self-assessment may carry.
    public static let maxAttachments = 20

    // MARK: Registry lookups for access checks

    /// The unit as registered in the county, or nil.
    public func unit(county: String, code: String) async throws -> UnitRecord? {
        let rows = try await client.query(
            "SELECT county, code, name, committee, department, headcount FROM units WHERE county = \(county) AND code = \(code)"
        )
        guard let row = rows.first else { return nil }
        return UnitRecord(
            county: try row.decode(String.self, column: "county"), code: try row.decode(String.self, column: "code"),
            name: try row.decode(String.self, column: "name"), committee: try row.decode(String.self, column: "committee"),
            department: try row.decode(String.self, column: "department"), headcount: try row.decode(Int.self, column: "headcount")
        )
    }

    // MARK: Filing

    /// 自评报告: files the report text as a new version, carrying the latest version's attachments.
    public func fileSelfAssessment(county: String, cycle: String, unit: String, report: String, principal: Principal) async throws -> FilingVersion {
        try await file(county: county, cycle: cycle, unit: unit, step: .selfAssessment, principal: principal) { connection, _ in
            let previous = try await Self.latestContent(on: connection, county: county, cycle: cycle, unit: unit, step: .selfAssessment, as: SelfAssessmentContent.self)
            let content = SelfAssessmentContent(report: report, attachments: previous?.attachments ?? [])
            return (try PostgresJSON(encoding: content), ["reportCharacters": String(report.count), "attachments": String(content.attachments.count)])
        }
    }

    /// Adds or replaces one PDF attachment of the self-assessment: a new version carrying the
    /// latest report and every other attachment.
    public func putAttachment(county: String, cycle: String, unit: String, name: String, bytes: [UInt8], principal: Principal) async throws -> FilingVersion {
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return try await file(county: county, cycle: cycle, unit: unit, step: .selfAssessment, principal: principal) { connection, _ in
            let previous = try await Self.latestContent(on: connection, county: county, cycle: cycle, unit: unit, step: .selfAssessment, as: SelfAssessmentContent.self)
            var attachments = (previous?.attachments ?? []).filter { $0.name != name }
            guard attachments.count < Self.maxAttachments else {
                throw CycleError(.invalid, "自评附件最多\(Self.maxAttachments)个 / at most \(Self.maxAttachments) attachments",
                                 field: "name", rule: "attachment.count")
            }
            attachments.append(AttachmentRef(name: name, sha256: sha256, size: bytes.count))
            attachments.sort { $0.name < $1.name }
            try await connection.execute(
                """
                INSERT INTO filing_attachments (county, cycle, unit_code, sha256, bytes, size)
                VALUES (\(county), \(cycle), \(unit), \(sha256), \(bytes), \(bytes.count))
                ON CONFLICT DO NOTHING
                """
            )
            let content = SelfAssessmentContent(report: previous?.report, attachments: attachments)
            return (try PostgresJSON(encoding: content), ["attachment": name, "sha256": sha256, "size": String(bytes.count)])
        }
    }

    /// The named attachment of the latest self-assessment, with its bytes.
    public func attachment(county: String, cycle: String, unit: String, name: String) async throws -> (AttachmentRef, [UInt8])? {
        try await client.withConnection { connection in
            guard let content = try await Self.latestContent(on: connection, county: county, cycle: cycle, unit: unit, step: .selfAssessment, as: SelfAssessmentContent.self),
                  let ref = content.attachments.first(where: { $0.name == name }) else { return nil }
            let rows = try await connection.query(
                "SELECT bytes FROM filing_attachments WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND sha256 = \(ref.sha256)"
            )
            guard let row = rows.first else { return nil }
            return (ref, try row.decode([UInt8].self, column: "bytes"))
        }
    }

    /// 专考委考核: checks the sheet against the cycle's scheme (throws ``ScoreSheetError`` naming
    /// every indicator and rule that failed) and files it as a new version.
    public func fileAssessment(county: String, cycle: String, unit: String, sheet: UnitScoreSheet, principal: Principal) async throws -> FilingVersion {
        try await file(county: county, cycle: cycle, unit: unit, step: .assessment, principal: principal) { connection, _ in
            let scheme = try await Self.scheme(on: connection, county: county, cycle: cycle)
            let assessed = try scheme.assess(sheet)
            let content = AssessmentContent(scheme: scheme.id, sheet: sheet, assessed: assessed)
            return (try PostgresJSON(encoding: content), ["scheme": scheme.id, "total": assessed.total.description, "poor": String(assessed.poorCount)])
        }
    }

    /// 工作人员考核名册: checks the roster with KaoheRules (bounds, duplicates, tier limits, and the
    /// quota when a provisional grade exists: see ``RosterSummary``), then COPYs the lines into a
    /// staging table and merges them into `roster_rows` under the new version, all in one transaction.
    public func fileRoster(county: String, cycle: String, unit: String, lines: [RosterLine], collectiveAward: Bool, principal: Principal) async throws -> FilingVersion {
        try await file(county: county, cycle: cycle, unit: unit, step: .roster, principal: principal) { connection, _ in
            let summary = try await Self.checkRoster(on: connection, county: county, cycle: cycle, unit: unit, lines: lines, collectiveAward: collectiveAward)
            return (try PostgresJSON(encoding: summary), [
                "rows": String(summary.rows), "violations": String(summary.violations.count), "quota": summary.quotaStatus.rawValue,
            ])
        } afterInsert: { connection, version in
            try await RosterStaging.merge(lines, on: connection, county: county, cycle: cycle, unit: unit, version: version)
        }
    }

    /// The roster's summary under the cycle's policy and the unit's provisional grade, if any.
    static func checkRoster(
        on connection: PostgresConnection, county: String, cycle: String, unit: String, lines: [RosterLine], collectiveAward: Bool
    ) async throws -> RosterSummary {
        let info = try await connection.query(
            """
            SELECT c.policy, u.committee,
                   (SELECT f.content FROM filings f
                    WHERE f.county = c.county AND f.cycle = c.cycle AND f.unit_code = u.code AND f.kind = 'assessment'
                    ORDER BY f.version DESC LIMIT 1) AS assessment
            FROM cycles c JOIN units u ON u.county = c.county AND u.code = \(unit)
            WHERE c.county = \(county) AND c.cycle = \(cycle)
            """
        )
        guard let row = info.first else { throw CycleError(.notFound, "考核周期不存在 / cycle not found") }
        let policyID = try row.decode(String.self, column: "policy")
        let committee = try row.decode(String.self, column: "committee")
        let policy = try BuiltInPolicies.rosterPolicy(policyID)
        let assessment = try row.decode(PostgresJSON?.self, column: "assessment").map { try $0.decode(AssessmentContent.self) }
        let staff = lines.map(\.staff)
        if let assessment {
            let cyclePolicy = try BuiltInPolicies.defaultCyclePolicy()
            let proposal = CohortEnforcement(policy: cyclePolicy.grading, scope: cyclePolicy.defaultCohortScope)
                .provisional(UnitForGrading(code: unit, committee: committee, assessed: assessment.assessed))
            let report = RosterCheck(policy: policy).check(staff, unitGrade: proposal.grade, gradeIsFinal: false, award: collectiveAward)
            return RosterSummary(
                policy: policyID, rows: lines.count, participants: report.participants, excellent: report.excellent,
                collectiveAward: collectiveAward, quotaStatus: .provisional,
                quotaBasis: "按专考委考核评分(综合得分\(assessment.assessed.total)分)暂定单位等次为\(proposal.grade.chinese),未经比例控制和抽查核验,名额为暂定 / provisional: from the committee's latest assessment, before cohort ratios and the spot check",
                quota: report.quota, mustGiveUp: report.mustGiveUp, violations: report.violations
            )
        }
        let report = RosterCheck(policy: policy).check(staff, unitGrade: .excellent, gradeIsFinal: false, award: collectiveAward)
        return RosterSummary(
            policy: policyID, rows: lines.count, participants: report.participants, excellent: report.excellent,
            collectiveAward: collectiveAward, quotaStatus: .unknown,
            quotaBasis: "专考委尚未报送考核评分,单位等次未知,优秀名额暂无法计算;评定等次后重新核对 / unknown: no committee assessment yet; the quota is checked at grading",
            quota: nil, mustGiveUp: nil, violations: report.violations.filter { $0.rule != .excellentQuota }
        )
    }

    /// The filing transaction shared by all three kinds; see the type's documentation.
    func file(
        county: String, cycle: String, unit: String, step: FilingStep, principal: Principal,
        content: (PostgresConnection, Int) async throws -> (PostgresJSON, [String: String]),
        afterInsert: (PostgresConnection, Int) async throws -> Void = { _, _ in }
    ) async throws -> FilingVersion {
        do {
            return try await client.withTransaction { connection in
                // One round trip: the enrolment row locked (one unit's filings are serialised) and
                // the step's times under a share lock (a concurrent hand-close waits).
                let window = try await connection.query(
                    """
                    SELECT s.opens_at, s.deadline, s.closes_at, s.closed_by,
                           now() < s.opens_at AS pending, now() >= s.closes_at AS closed, now() > s.deadline AS late
                    FROM cycle_units cu
                    JOIN cycle_steps s ON s.county = cu.county AND s.cycle = cu.cycle AND s.step = \(step.rawValue)
                    WHERE cu.county = \(county) AND cu.cycle = \(cycle) AND cu.unit_code = \(unit)
                    FOR UPDATE OF cu FOR SHARE OF s
                    """
                )
                guard let times = window.first else {
                    if try await connection.query(
                        "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                    ).first == nil {
                        throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / unit \(unit) is not enrolled in cycle \(cycle)", rule: "cycle.enrolled")
                    }
                    throw CycleError(.notFound, "考核周期“\(cycle)”没有步骤“\(step.chinese)” / the cycle has no such step", rule: "cycle.step")
                }
                if try times.decode(Bool.self, column: "pending") {
                    let opens = ShanghaiTime.format(try times.decode(Date.self, column: "opens_at"))
                    throw CycleError(.stepNotOpen, "“\(step.chinese)”尚未开始,\(opens)(\(ShanghaiTime.zoneName))开始报送 / the step opens at \(opens)",
                                     rule: "cycle.step-not-open")
                }
                if try times.decode(Bool.self, column: "closed") {
                    let closed = ShanghaiTime.format(try times.decode(Date.self, column: "closes_at"))
                    let byHand = try times.decode(String?.self, column: "closed_by") != nil
                    throw CycleError(.stepClosed, "“\(step.chinese)”已于\(closed)(\(ShanghaiTime.zoneName))\(byHand ? "由县事考办手动" : "")关闭,不再接受报送 / the step closed at \(closed)\(byHand ? " (closed by the office)" : ""); filings are no longer accepted",
                                     rule: "cycle.step-closed")
                }
                let deadline = try times.decode(Date.self, column: "deadline")
                let late = try times.decode(Bool.self, column: "late")
                // The next version, in a statement of its own: its snapshot is taken after the lock
                // above was granted, so it sees the version a concurrent filing of this unit just
                // committed (a subquery of the locking statement would not).
                let next = try await connection.query(
                    """
                    SELECT coalesce(max(version), 0) + 1 AS next FROM filings
                    WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND kind = \(step.rawValue)
                    """
                ).first!.decode(Int.self, column: "next")
                let (json, details) = try await content(connection, next)
                let inserted = try await connection.query(
                    """
                    INSERT INTO filings (county, cycle, unit_code, kind, version, filed_by, deadline, late, content)
                    VALUES (\(county), \(cycle), \(unit), \(step.rawValue), \(next), \(principal.account), \(deadline), \(late), \(json))
                    RETURNING filed_at
                    """
                )
                try await afterInsert(connection, next)
                var audit = details
                audit["version"] = String(next)
                audit["late"] = String(late)
                try await FilingAudit.record(
                    on: connection, county: county, actor: principal.actor, action: "filing.\(step.rawValue)",
                    object: "cycles/\(cycle)/units/\(unit)/\(step.pathSegment)", details: audit
                )
                return FilingVersion(
                    county: county, cycle: cycle, unitCode: unit, step: step, version: next, filedBy: principal.account,
                    filedAt: try inserted.first!.decode(Date.self, column: "filed_at"), deadline: deadline, late: late, content: json
                )
            }
        } catch let error as CycleError {
            throw error
        } catch let error as ScoreSheetError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "\(step.rawValue) of unit \(unit)")
        }
    }

    // MARK: Reading

    /// The latest version, or nil when nothing was filed.
    public func latest(county: String, cycle: String, unit: String, step: FilingStep) async throws -> FilingVersion? {
        try await client.withConnection { connection in
            try await Self.versions(on: connection, county: county, cycle: cycle, unit: unit, step: step, version: nil, latestOnly: true).first
        }
    }

    /// One version, or nil.
    public func version(county: String, cycle: String, unit: String, step: FilingStep, version: Int) async throws -> FilingVersion? {
        try await client.withConnection { connection in
            try await Self.versions(on: connection, county: county, cycle: cycle, unit: unit, step: step, version: version, latestOnly: false).first
        }
    }

    /// Every version, oldest first.
    public func history(county: String, cycle: String, unit: String, step: FilingStep) async throws -> [FilingVersion] {
        try await client.withConnection { connection in
            try await Self.versions(on: connection, county: county, cycle: cycle, unit: unit, step: step, version: nil, latestOnly: false)
        }
    }

    /// Whether the unit is enrolled in the cycle (a cycle that does not exist has none).
    public func isEnrolled(county: String, cycle: String, unit: String) async throws -> Bool {
        try await client.query(
            "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
        ).first != nil
    }

    /// The staff lines of one roster version, in line order.
    public func rosterLines(county: String, cycle: String, unit: String, version: Int) async throws -> [RosterLine] {
        let rows = try await client.query(
            """
            SELECT line, staff_no, name, post_category, level, score::text AS score, grade, sanction, under_investigation,
                   probation, leave_months, unassigned_months, refused, quarters
            FROM roster_rows WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND version = \(version)
            ORDER BY line
            """
        )
        return try rows.map { row in
            let staff = try StaffRecord(rosterRow: row)
            return RosterLine(
                line: try row.decode(Int.self, column: "line"), staff: staff, name: try row.decode(String.self, column: "name"),
                postCategory: try row.decode(String.self, column: "post_category"), level: try row.decode(String.self, column: "level")
            )
        }
    }

    static func versions(
        on connection: PostgresConnection, county: String, cycle: String, unit: String, step: FilingStep, version: Int?, latestOnly: Bool
    ) async throws -> [FilingVersion] {
        let rows = try await connection.query(
            """
            SELECT version, filed_by, filed_at, deadline, late, content FROM filings
            WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND kind = \(step.rawValue)
              AND (\(version)::integer IS NULL OR version = \(version)::integer)
            ORDER BY version \(unescaped: latestOnly ? "DESC LIMIT 1" : "ASC")
            """
        )
        return try rows.map { row in
            FilingVersion(
                county: county, cycle: cycle, unitCode: unit, step: step,
                version: try row.decode(Int.self, column: "version"), filedBy: try row.decode(String.self, column: "filed_by"),
                filedAt: try row.decode(Date.self, column: "filed_at"), deadline: try row.decode(Date.self, column: "deadline"),
                late: try row.decode(Bool.self, column: "late"), content: try row.decode(PostgresJSON.self, column: "content")
            )
        }
    }

    static func latestContent<T: Decodable>(
        on connection: PostgresConnection, county: String, cycle: String, unit: String, step: FilingStep, as type: T.Type
    ) async throws -> T? {
        let rows = try await connection.query(
            """
            SELECT content FROM filings WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND kind = \(step.rawValue)
            ORDER BY version DESC LIMIT 1
            """
        )
        guard let row = rows.first else { return nil }
        return try row.decode(PostgresJSON.self, column: "content").decode(type)
    }

    static func scheme(on connection: PostgresConnection, county: String, cycle: String) async throws -> IndicatorScheme {
        guard let row = try await connection.query("SELECT scheme FROM cycles WHERE county = \(county) AND cycle = \(cycle)").first else {
            throw CycleError(.notFound, "考核周期不存在 / cycle not found")
        }
        return try SchemeLoader.builtIn(try row.decode(String.self, column: "scheme"))
    }
}
