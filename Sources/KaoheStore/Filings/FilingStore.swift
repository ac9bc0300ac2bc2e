import Crypto
import Foundation
public import KaoheRules
public import Postgres

/// 报送: the three filings of a cycle — self-assessment, committee assessment, staff roster — each
/// versioned. A filing is drafted first (its content computed from what it is based on: the
/// previous self-assessment, the committee's latest assessment), then written, with the filings
/// that arrive with it (``FilingBatcher``), by the database function `file_versions`
/// (Schema/0009), all or nothing: the unit's enrolment row is
/// locked (filings of one unit are serialised), the step's times are read under a share lock (a
/// concurrent hand-close waits) and compared with the database clock when the lock was granted: before `opens_at`
/// refused, after `closes_at` refused naming when it closed, after `deadline` stored and marked
/// late. If the draft's basis is no longer the latest, nothing is written and the draft is made
/// again. Then the next version is written with its audit entry and a roster's lines. A draft that
/// fails (content the scheme refuses) gives way to the step's own refusal: on a closed step the
/// answer is that it closed, whatever the content.
public struct FilingStore: Sendable {
    let client: PostgresClient
    let batcher: FilingBatcher

    /// A store on `client`. Filings made through one store are written in batches
    /// (``FilingBatcher``): keep one store for the life of the server.
    public init(client: PostgresClient) {
        self.client = client
        self.batcher = FilingBatcher(client: client)
    }

    /// The most a self-assessment's attachment may hold: 20 MiB.
    public static var maxAttachmentBytes: Int { SelfAssessmentRules.maxAttachmentBytes }

    // MARK: Registry lookups for access checks

    /// The unit as registered in the county, or nil (the registry's reading).
    public func unit(county: CountyCode, code: UnitCode) async throws -> UnitRecord? {
        try await RegistryStore(client: client).unit(county: county, code: code)
    }

    // MARK: Filing

    /// 自评报告: files a new version of the unit's self-assessment — the report text (nil keeps the
    /// latest version's) and PDFs to add, each replacing an attachment of the same name; the other
    /// attachments are carried over. Checked by ``SelfAssessmentRules`` (after the step's own
    /// refusals: a closed step is the answer before anything about the content). The API's report
    /// and attachment routes and the unit page's form all file through here.
    public func fileSelfAssessment(
        cycle ref: CycleRef,
        unit: UnitCode,
        report: String?,
        attachments uploads: [AttachmentUpload] = [],
        principal: Principal
    ) async throws -> FilingVersion {
        let (county, cycle) = (ref.county, ref.cycle)
        let added = uploads.map { AttachmentRef(name: $0.name, sha256: Hex.sha256($0.bytes), size: $0.bytes.count) }
        return try await file(cycle: ref, unit: unit, step: .selfAssessment, principal: principal) {
            try SelfAssessmentRules.check(report: report, attachments: uploads)
            let previous = try await latest(cycle: ref, unit: unit, step: .selfAssessment)
            let previousContent = try previous?.decodeContent(SelfAssessmentContent.self)
            var byName = Dictionary((previousContent?.attachments ?? []).map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            for reference in added { byName[reference.name] = reference }
            let attachments = byName.values.sorted { $0.name < $1.name }
            try SelfAssessmentRules.check(attachmentCount: attachments.count)
            let content = SelfAssessmentContent(report: report ?? previousContent?.report, attachments: attachments)
            var details = ["attachments": String(attachments.count)]
            if let report { details["reportCharacters"] = String(report.count) }
            if added.count == 1, let only = added.first {
                details.merge(["attachment": only.name, "sha256": only.sha256, "size": String(only.size)]) { $1 }
            } else if !added.isEmpty {
                details["added"] = added.map(\.name).joined(separator: "、")
            }
            return FilingDraft(content: try PostgresJSON(encoding: content), details: details, basis: (.selfAssessment, previous?.version))
        } whenFiled: { connection in
            for upload in uploads {
                try await connection.execute(
                    """
                    INSERT INTO filing_attachments (county, cycle, unit_code, sha256, bytes, size)
                    VALUES (\(county), \(cycle), \(unit), \(Hex.sha256(upload.bytes)), \(upload.bytes), \(upload.bytes.count))
                    ON CONFLICT DO NOTHING
                    """
                )
            }
        }
    }

    /// The named attachment of the latest self-assessment, with its bytes.
    public func attachment(cycle ref: CycleRef, unit: UnitCode, name: String) async throws -> (AttachmentRef, [UInt8])? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard let latest = try await latest(cycle: ref, unit: unit, step: .selfAssessment),
            let ref = try latest.decodeContent(SelfAssessmentContent.self).attachments.first(where: { $0.name == name })
        else { return nil }
        let rows = try await client.query(
            "SELECT bytes FROM filing_attachments WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND sha256 = \(ref.sha256)"
        )
        guard let row = rows.first else { return nil }
        return (ref, try row.decode([UInt8].self, column: "bytes"))
    }

    /// 专考委考核: checks the sheet against the cycle's scheme (throws ``ScoreSheetError`` naming
    /// every indicator and rule that failed) and files it as a new version.
    /// One committee's assessments of several units, all or none, in one transaction: the first
    /// refusal rolls back the units filed before it and is thrown as `BatchRefusal` naming its unit.
    public func fileAssessments(
        cycle ref: CycleRef,
        sheets: [(unit: UnitCode, sheet: UnitScoreSheet)],
        principal: Principal
    ) async throws -> [FilingVersion] {
        try await client.withTransaction { connection in
            try await client.joining(connection) {
                var versions: [FilingVersion] = []
                for (unit, sheet) in sheets {
                    do {
                        versions.append(try await fileAssessment(cycle: ref, unit: unit, sheet: sheet, principal: principal))
                    } catch let error as CycleError {
                        throw BatchRefusal(unit: unit, refusal: error)
                    }
                }
                return versions
            }
        }
    }

    /// A filing of a batch refused (`fileAssessments`): which unit, and why. Nothing of the batch is stored.
    public struct BatchRefusal: Error, Sendable {
        /// The unit whose filing was refused.
        public var unit: UnitCode
        /// The refusal.
        public var refusal: CycleError
    }

    public func fileAssessment(
        cycle ref: CycleRef,
        unit: UnitCode,
        sheet: UnitScoreSheet,
        principal: Principal
    ) async throws -> FilingVersion {
        try await file(cycle: ref, unit: unit, step: .assessment, principal: principal) {
            let scheme = try await client.withConnection { try await Self.scheme(on: $0, cycle: ref, unit: unit) }
            let assessed = try scheme.assess(sheet)
            let content = AssessmentContent(scheme: scheme.id, sheet: sheet, assessed: assessed)
            return FilingDraft(
                content: try PostgresJSON(encoding: content),
                details: ["scheme": scheme.id, "total": assessed.total.description, "poor": String(assessed.poorCount)]
            )
        } whenFiled: { connection in
            // The unit's provisional grade moved: its roster's quota and checks follow at once; under a
            // standing proposal, the proposal is re-run (and with it every roster's check).
            try await Self.refreshProvisionalRosterCheck(on: connection, cycle: ref, unit: unit)
            try await GradingStore.regradeIfProposed(
                on: connection,
                cycle: ref,
                after: "assessment \(unit)",
                actor: principal.actor
            )
        }
    }

    /// 工作人员考核名册: checks the roster with KaoheRules (bounds, duplicates, tier limits, and the
    /// quota when a provisional grade exists: see ``RosterSummary``), then stores the summary and the
    /// lines under the new version, the lines by COPY straight into `roster_rows` in the filing's
    /// transaction (``FilingBatcher``).
    /// `basis`, when the caller read it already (``unitForRoster(county:cycle:code:)``), is used for
    /// the first draft; a draft made again reads it afresh.
    public func fileRoster(
        cycle ref: CycleRef,
        unit: UnitCode,
        lines: [RosterLine],
        collectiveAward: Bool,
        principal: Principal,
        basis: RosterBasis? = nil
    ) async throws -> FilingVersion {
        let rows = Self.copyRows(lines)
        var known = basis
        return try await file(cycle: ref, unit: unit, step: .roster, principal: principal, lines: rows) {
            let basis: RosterBasis
            if let given = known {
                basis = given
                known = nil
            } else {
                guard let read = try await unitForRoster(cycle: ref, code: unit)?.basis else {
                    throw CycleError(.notFound, "考核周期不存在 / cycle not found")
                }
                basis = read
            }
            let summary = try Self.checkRoster(lines.map(\.staff), unit: unit, basis: basis, collectiveAward: collectiveAward)
            return FilingDraft(
                content: try PostgresJSON(encoding: summary),
                details: [
                    "rows": String(summary.rows), "violations": String(summary.violations.count), "quota": summary.quotaStatus.rawValue,
                ],
                basis: (.assessment, basis.assessmentVersion)
            )
        } whenFiled: { connection in
            // Filed while grading stands (a unit's own 延期 can reach past the proposal): its check
            // follows the grading's grade at once, as the assessment's provisional one does before.
            try await GradingStore.refreshGradedRosterCheck(on: connection, cycle: ref, unit: unit)
        }
    }

    /// The `linesHash` of a roster's audit entry: lowercase hex SHA-256 of its lines in COPY text
    /// form (``copyRows(_:)``), exactly as sent to `roster_rows`. `AuditChain.verifyContent` reads
    /// the lines back as the API serves them and recomputes it.
    static func linesHash(_ rows: PostgresCopyRows) -> String { Hex.sha256(rows.bytes) }

    /// A roster's lines in COPY's text form, the columns of ``FilingBatcher/rosterColumns`` after the
    /// filing's key.
    static func copyRows(_ lines: [RosterLine]) -> PostgresCopyRows {
        var rows = PostgresCopyRows(reservingBytes: lines.count * 96)
        for line in lines {
            let staff = line.staff
            rows.append(String(line.line))
            rows.append(staff.staffNo)
            rows.append(line.name)
            rows.append(line.postCategory)
            rows.append(line.level)
            rows.append(staff.score?.description)
            rows.append(staff.grade.rawValue)
            rows.append(staff.sanction.rawValue)
            rows.append(staff.underInvestigation ? "t" : "f")
            rows.append(staff.probation ? "t" : "f")
            rows.append(String(staff.leaveMonths))
            rows.append(String(staff.unassignedMonths))
            rows.append(staff.refused ? "t" : "f")
            rows.append(staff.quarters.map(\.rawValue).joined(separator: ","))
            rows.endRow()
        }
        return rows
    }

    /// What a roster is checked against: the cycle's policy (its staff table and, for the
    /// provisional grade, its bands), the unit's committee, and the committee's latest assessment
    /// of the unit (its version and content; nil when none was filed).
    public struct RosterBasis: Sendable {
        var policy: CyclePolicy
        var committee: String
        var assessmentVersion: Int?
        var assessment: PostgresJSON?
    }

    /// The unit as registered in the county, with the basis of its roster in `cycle` (nil when the
    /// cycle does not exist), in one query; nil when the unit does not exist.
    public func unitForRoster(cycle ref: CycleRef, code: UnitCode) async throws -> (unit: UnitRecord, basis: RosterBasis?)? {
        try await client.withConnection { try await Self.unitForRoster(on: $0, cycle: ref, code: code) }
    }

    /// As `unitForRoster(cycle:code:)`, on the caller's connection.
    static func unitForRoster(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        code: UnitCode
    ) async throws -> (unit: UnitRecord, basis: RosterBasis?)? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT u.county, u.code, u.name, u.committee, u.department, u.headcount, c.policy, c.scheme,
                   \(unescaped: CyclePolicyStore.versionColumn) AS policy_version,
                   a.version AS assessment_version, a.content AS assessment
            FROM units u
            LEFT JOIN cycles c ON c.county = u.county AND c.cycle = \(cycle)
            LEFT JOIN LATERAL (SELECT f.version, f.content FROM filings f
                               WHERE f.county = u.county AND f.cycle = \(cycle) AND f.unit_code = u.code AND f.kind = 'assessment'
                               ORDER BY f.version DESC LIMIT 1) a ON true
            WHERE u.county = \(county) AND u.code = \(code)
            """
        )
        guard let row = rows.first else { return nil }
        let unit = try RegistryStore.unit(row)
        var policy: CyclePolicy? = nil
        if let roster = try row.decode(String?.self, column: "policy") {
            policy = try await CyclePolicyStore.resolve(
                ref: ref,
                stamp: try row.decode(String?.self, column: "policy_version"),
                roster: roster,
                scheme: try row.decode(String.self, column: "scheme"),
                connection: connection
            )
        }
        let basis = try policy.map { policy in
            RosterBasis(
                policy: policy,
                committee: unit.committee,
                assessmentVersion: try row.decode(Int?.self, column: "assessment_version"),
                assessment: try row.decode(PostgresJSON?.self, column: "assessment")
            )
        }
        return (unit, basis)
    }

    /// The roster's summary under the cycle's policy and the unit's provisional grade, if any.
    static func checkRoster(_ staff: [StaffRecord], unit: UnitCode, basis: RosterBasis, collectiveAward: Bool) throws -> RosterSummary {
        let policyID = basis.policy.roster.id
        let committee = basis.committee
        let check = RosterCheck(policy: basis.policy.roster)
        // The lines' findings once: the report below and the grade counts kept for the grading.
        let findings = check.lines(staff)
        let gradeCounts = Dictionary(uniqueKeysWithValues: findings.gradeCounts.map { ($0.key.rawValue, $0.value) })
        let staffCounts = findings.counts.keyed
        let assessment = try basis.assessment.map { try $0.decode(AssessmentContent.self) }
        if let assessment {
            let cyclePolicy = basis.policy
            let proposal = CohortEnforcement(policy: cyclePolicy.grading, scope: cyclePolicy.defaultCohortScope)
                .provisional(UnitForGrading(code: unit, committee: committee, assessed: assessment.assessed))
            let report = check.report(findings, unitGrade: proposal.grade, gradeIsFinal: false, award: collectiveAward)
            return RosterSummary(
                policy: policyID,
                rows: staff.count,
                participants: report.participants,
                excellent: report.excellent,
                collectiveAward: collectiveAward,
                quotaStatus: .provisional,
                quotaBasis:
                    "按专考委考核评分(综合得分\(assessment.assessed.total)分)暂定单位等次为\(proposal.grade.chinese),未经比例控制和抽查核验,名额为暂定 / provisional: from the committee's latest assessment, before cohort ratios and the spot check",
                quota: report.quota,
                mustGiveUp: report.mustGiveUp,
                violations: report.violations,
                gradeCounts: gradeCounts,
                staffCounts: staffCounts,
                leaders: report.leaders
            )
        }
        let report = check.report(findings, unitGrade: .excellent, gradeIsFinal: false, award: collectiveAward)
        return RosterSummary(
            policy: policyID,
            rows: staff.count,
            participants: report.participants,
            excellent: report.excellent,
            collectiveAward: collectiveAward,
            quotaStatus: .unknown,
            quotaBasis: "专考委尚未报送考核评分,单位等次未知,优秀名额暂无法计算;评定等次后重新核对 / unknown: no committee assessment yet; the quota is checked at grading",
            quota: nil,
            mustGiveUp: nil,
            violations: report.violations.filter { $0.rule != .excellentQuota },
            gradeCounts: gradeCounts,
            staffCounts: staffCounts,
            leaders: report.leaders
        )
    }

    /// What a filing stores, drafted before it is written: the content, the audit details, and the
    /// filing (kind and version, nil when none existed) the content was computed from.
    struct FilingDraft {
        var content: PostgresJSON
        var details: [String: String]
        var basis: (step: FilingStep, version: Int?)?

        init(content: PostgresJSON, details: [String: String], basis: (step: FilingStep, version: Int?)? = nil) {
            self.content = content
            self.details = details
            self.basis = basis
        }
    }

    /// How often a draft is made before the filing is given up. A draft is made again only when
    /// another filing of the unit committed since the draft was made, so concurrent filings of one
    /// unit all finish within as many rounds as there are of them.
    static let maxDrafts = 64

    /// Files one version; see the type's documentation. `draft` makes the content (again, when its
    /// basis moved); `whenFiled`, when given, runs in the same transaction once the version is filed (an attachment's
    /// bytes); `lines` are a roster's lines, COPYed under the new version.
    func file(
        cycle ref: CycleRef,
        unit: UnitCode,
        step: FilingStep,
        principal: Principal,
        lines: PostgresCopyRows? = nil,
        draft: () async throws -> FilingDraft,
        whenFiled: (@Sendable (PostgresConnection) async throws -> Void)? = nil
    ) async throws -> FilingVersion {
        let (county, cycle) = (ref.county, ref.cycle)
        do {
            for _ in 1...Self.maxDrafts {
                let made: FilingDraft
                do {
                    made = try await draft()
                } catch {
                    // A closed or not yet open step, or a unit not enrolled, is the answer before
                    // anything about the content (the draft checks the content).
                    if let refusal = try await refusal(cycle: ref, unit: unit, step: step) { throw refusal }
                    throw error
                }
                let header = FilingBatcher.Header(
                    county: county,
                    cycle: cycle,
                    unit: unit,
                    kind: step.rawValue,
                    filedBy: principal.account,
                    actor: principal.actor,
                    action: AuditAction.filing(step).name,
                    object: "cycles/\(cycle)/units/\(unit)/\(step.pathSegment)",
                    details: lines.map { made.details.merging(["linesHash": Self.linesHash($0)]) { $1 } } ?? made.details,
                    basisKind: made.basis?.step.rawValue,
                    basisVersion: made.basis?.version
                )
                let answer = try await batcher.file(
                    FilingBatcher.Filing(header: header, content: made.content, lines: lines, whenFiled: whenFiled),
                    joining: client.joinedConnection
                )
                if let refusal = Self.refusal(answer, cycle: cycle, unit: unit, step: step) { throw refusal }
                if answer.kind == .filed {
                    guard let version = answer.version, let filedAt = answer.filedAt, let deadline = answer.deadline, let late = answer.late
                    else {
                        throw StoreError(.invalidValue, "file_versions filed without a version", field: "version")
                    }
                    return FilingVersion(
                        county: county,
                        cycle: cycle,
                        unitCode: unit,
                        step: step,
                        version: version,
                        filedBy: principal.account,
                        filedAt: filedAt,
                        deadline: deadline,
                        late: late,
                        content: made.content
                    )
                }
                // Stale: what the draft was computed from changed meanwhile; draft again.
            }
            throw CycleError(
                .conflict,
                "“\(step.chinese)”所依据的材料在报送过程中反复变更,请重试 / what this filing is based on kept changing while it was filed; try again",
                rule: "filing.basis-changed"
            )
        } catch let error as CycleError {
            throw error
        } catch let error as ScoreSheetError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "\(step.rawValue) of unit \(unit)")
        }
    }

    /// The error for a filing `file_versions` (Schema/0009) refused; nil when it filed it or asked
    /// for a new draft.
    static func refusal(_ answer: FilingBatcher.Outcome, cycle: CycleID, unit: UnitCode, step: FilingStep) -> CycleError? {
        switch answer.kind {
        case .filed, .stale:
            return nil
        case .notEnrolled:
            return CycleError(
                .notFound,
                "单位\(unit)未参加考核周期“\(cycle)” / unit \(unit) is not enrolled in cycle \(cycle)",
                rule: "cycle.enrolled"
            )
        case .noStep:
            return CycleError(.notFound, "考核周期“\(cycle)”没有步骤“\(step.chinese)” / the cycle has no such step", rule: "cycle.step")
        case .pending:
            let opens = answer.opensAt.map(ShanghaiTime.format) ?? "?"
            return CycleError(
                .stepNotOpen,
                "“\(step.chinese)”尚未开始,\(opens)(\(ShanghaiTime.zoneName))开始报送 / the step opens at \(opens)",
                rule: "cycle.step-not-open"
            )
        case .closed:
            let closed = answer.closesAt.map(ShanghaiTime.format) ?? "?"
            let byHand = answer.closedBy != nil
            return CycleError(
                .stepClosed,
                "“\(step.chinese)”已于\(closed)(\(ShanghaiTime.zoneName))\(byHand ? "由县事考办手动" : "")关闭,不再接受报送 / the step closed at \(closed)\(byHand ? " (closed by the office)" : ""); filings are no longer accepted",
                rule: "cycle.step-closed"
            )
        }
    }

    /// Whether the step refuses filings of the unit now, as the error to give (nil when it would
    /// take one): `file_versions`' answers before it writes anything (the unit's own extension
    /// included, Schema/0016), read without its locks.
    func refusal(cycle ref: CycleRef, unit: UnitCode, step: FilingStep) async throws -> CycleError? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await client.query(
            """
            SELECT CASE WHEN cu.unit_code IS NULL THEN 'not-enrolled' WHEN s.step IS NULL THEN 'no-step'
                        WHEN clock_timestamp() < s.opens_at THEN 'pending'
                        WHEN clock_timestamp() >= greatest(s.closes_at, e.closes_at) THEN 'closed'
                        ELSE 'filed' END AS outcome,
                   s.opens_at, greatest(s.closes_at, e.closes_at) AS closes_at,
                   CASE WHEN e.closes_at > s.closes_at THEN NULL ELSE s.closed_by END AS closed_by
            FROM (VALUES (1)) AS one (x)
            LEFT JOIN cycle_units cu ON cu.county = \(county) AND cu.cycle = \(cycle) AND cu.unit_code = \(unit)
            LEFT JOIN cycle_steps s ON s.county = cu.county AND s.cycle = cu.cycle AND s.step = \(step.rawValue)
            LEFT JOIN LATERAL (
                SELECT x.deadline, x.closes_at FROM deadline_extensions x
                WHERE x.county = cu.county AND x.cycle = cu.cycle AND x.step = s.step AND x.unit_code = cu.unit_code
                ORDER BY x.id DESC LIMIT 1
            ) e ON true
            """
        )
        guard let row = rows.first else { return nil }
        let answer = FilingBatcher.Outcome(
            kind: try FilingBatcher.Outcome.kind(row),
            opensAt: try row.decode(Date?.self, column: "opens_at"),
            closesAt: try row.decode(Date?.self, column: "closes_at"),
            closedBy: try row.decode(String?.self, column: "closed_by")
        )
        return Self.refusal(answer, cycle: cycle, unit: unit, step: step)
    }

    // MARK: Reading

    /// The latest version, or nil when nothing was filed.
    public func latest(cycle ref: CycleRef, unit: UnitCode, step: FilingStep) async throws -> FilingVersion? {
        try await client.withConnection { connection in
            try await Self.versions(on: connection, cycle: ref, unit: unit, step: step, version: nil, latestOnly: true)
                .first
        }
    }

    /// One version, or nil.
    public func version(cycle ref: CycleRef, unit: UnitCode, step: FilingStep, version: Int) async throws -> FilingVersion? {
        try await client.withConnection { connection in
            try await Self.versions(
                on: connection,
                cycle: ref,
                unit: unit,
                step: step,
                version: version,
                latestOnly: false
            ).first
        }
    }

    /// Every version, oldest first.
    public func history(cycle ref: CycleRef, unit: UnitCode, step: FilingStep) async throws -> [FilingVersion] {
        try await client.withConnection { connection in
            try await Self.versions(on: connection, cycle: ref, unit: unit, step: step, version: nil, latestOnly: false)
        }
    }

    /// Whether the unit is enrolled in the cycle (a cycle that does not exist has none).
    public func isEnrolled(cycle ref: CycleRef, unit: UnitCode) async throws -> Bool {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.query(
            "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
        ).first != nil
    }

    /// The staff lines of one roster version, in line order.
    /// The staff numbers of the unit's latest roster in the cycle (none before its first).
    public func latestStaffNumbers(cycle ref: CycleRef, unit: UnitCode) async throws -> [String] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.query(
            """
            SELECT r.staff_no FROM roster_rows r
            WHERE r.county = \(county) AND r.cycle = \(cycle) AND r.unit_code = \(unit)
              AND r.version = (SELECT max(f.version) FROM filings f
                               WHERE f.county = \(county) AND f.cycle = \(cycle) AND f.unit_code = \(unit) AND f.kind = 'roster')
            """
        ).map { try $0.decode(String.self, column: "staff_no") }
    }

    /// The lines of one version of the unit's roster, in order.
    public func rosterLines(cycle ref: CycleRef, unit: UnitCode, version: Int) async throws -> [RosterLine] {
        try await client.withConnection { try await Self.rosterLines(on: $0, cycle: ref, unit: unit, version: version) }
    }

    /// As `rosterLines(cycle:unit:version:)`, on the caller's connection.
    static func rosterLines(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode,
        version: Int
    ) async throws -> [RosterLine] {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT line, staff_no, name, post_category, level, score::text AS score, grade, sanction, under_investigation,
                   probation, leave_months, unassigned_months, refused, quarters
            FROM roster_rows WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND version = \(version)
            ORDER BY line
            """
        )
        let columns = try StaffRecordColumns(rows)
        return try rows.map { row in
            let staff = try StaffRecord(rosterRow: row, columns: columns)
            return RosterLine(
                line: try row.decode(Int.self, column: "line"),
                staff: staff,
                name: try row.decode(String.self, column: "name"),
                postCategory: try row.decode(String.self, column: "post_category"),
                level: try row.decode(String.self, column: "level")
            )
        }
    }

    static func versions(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode,
        step: FilingStep,
        version: Int?,
        latestOnly: Bool
    ) async throws -> [FilingVersion] {
        let (county, cycle) = (ref.county, ref.cycle)
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
                county: county,
                cycle: cycle,
                unitCode: unit,
                step: step,
                version: try row.decode(Int.self, column: "version"),
                filedBy: try row.decode(String.self, column: "filed_by"),
                filedAt: try row.decode(Date.self, column: "filed_at"),
                deadline: try row.decode(Date.self, column: "deadline"),
                late: try row.decode(Bool.self, column: "late"),
                content: try row.decode(PostgresJSON.self, column: "content")
            )
        }
    }

    /// The scheme `unit` is scored against in `cycle`: the cycle policy's (the county's own, or the
    /// built-in one it names), weighted as the unit's committee chose in the policy
    /// (`CyclePolicy.committeeWeightings`), if it did.
    static func scheme(on connection: PostgresConnection, cycle ref: CycleRef, unit: UnitCode) async throws -> IndicatorScheme {
        guard let policy = try await CyclePolicyStore.policy(on: connection, cycle: ref) else {
            throw CycleError(.notFound, "考核周期不存在 / cycle not found")
        }
        let scheme: IndicatorScheme
        do { scheme = try policy.indicatorScheme() } catch {
            throw CycleError(.invalid, "本周期的考核指标体系无法读取 / the cycle's scheme cannot be read: \(error)")
        }
        let committee = try await connection.query(
            "SELECT committee FROM units WHERE county = \(ref.county) AND code = \(unit)"
        ).first.map { try $0.decode(String.self, column: "committee") }
        guard let committee, let weighting = policy.committeeWeightings?[committee] else { return scheme }
        do { return try scheme.weighted(weighting) } catch {
            throw CycleError(.invalid, "专考委的指标权重不符合指标体系 / the committee's weights do not fit the scheme: \(error)")
        }
    }

    /// The scheme `unit` is scored against in `cycle` (its committee's weights applied), for a page.
    public func scheme(cycle ref: CycleRef, unit: UnitCode) async throws -> IndicatorScheme {
        try await client.withConnection { try await Self.scheme(on: $0, cycle: ref, unit: unit) }
    }
}
