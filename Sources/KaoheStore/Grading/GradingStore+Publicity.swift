import Foundation
public import KaoheRules
import Postgres

/// 公示, 异议/复议, finalisation, and staff appeals (复核).
extension GradingStore {
    // MARK: Publicity

    /// Opens 公示 on `opensOn` (default: today in Asia/Shanghai by the database clock) for the
    /// policy's working days; stores the computed `closes_at`. Needs confirmed grades; once only.
    public func openPublicity(cycle ref: CycleRef, opensOn: String?, principal: Principal) async throws -> PublicityRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await mutate(cycle: ref) { connection, state in
            guard state == .confirmed else {
                throw CycleError(.conflict, "等次尚未确认,不能公示 / confirm the grades before publicity", rule: "publicity.not-confirmed")
            }
            if try await connection.query("SELECT 1 AS one FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)").first
                != nil
            {
                throw CycleError(.conflict, "公示已开始 / publicity is already open", rule: "publicity.already-open")
            }
            let today = try await clock.today(on: connection)
            let opens: CivilDate
            do {
                opens = try opensOn.map { try CivilDate(parsing: $0) } ?? today
            } catch let error as CalendarError {
                throw CycleError(.invalid, error.message, field: "/opensOn", rule: "publicity.\(error.rule)")
            }
            // A window opened in the past could close before anyone saw it (and be finalised at once).
            guard opens >= today else {
                throw CycleError(
                    .invalid,
                    "公示开始日期不能早于今天(\(today)),否则无人能在公示期内提出异议 / publicity cannot open before today (\(today))",
                    field: "/opensOn",
                    rule: "publicity.opens-in-past"
                )
            }
            let window: PublicityWindow
            do {
                window = try PublicityWindow(
                    opensOn: opens,
                    workingDays: try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).publicityWorkingDays,
                    calendar: try await CalendarStore.calendar(on: connection, county: county)
                )
            } catch let error as CalendarError {
                throw CycleError(.invalid, error.message, field: "/opensOn", rule: "publicity.\(error.rule)")
            }
            try await connection.execute(
                """
                INSERT INTO publicity_windows (county, cycle, opens_on, working_days, closes_on, closes_at, opened_by)
                VALUES (\(county), \(cycle), \(window.opensOn.description)::date, \(window.workingDays), \(window.closesOn.description)::date,
                        \(window.closesAt), \(principal.account))
                """
            )
            // KaoheJobs' `publicity.close` run: finalises at closes_at once no objection awaits review.
            try await connection.execute(
                """
                INSERT INTO scheduled_runs (county, cycle, kind, due_at) VALUES (\(county), \(cycle), \(Self.publicityCloseKind), \(window.closesAt))
                ON CONFLICT (county, cycle, kind) DO NOTHING
                """
            )
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .publicityOpen,
                object: "cycles/\(cycle)/publicity",
                details: [
                    "opensOn": window.opensOn.description, "closesAt": window.closesAtText, "workingDays": String(window.workingDays),
                ]
            )
            return try await Self.publicity(on: connection, cycle: ref)!
        }
    }

    /// The cycle's publicity window, or nil.
    public func publicity(cycle ref: CycleRef) async throws -> PublicityRecord? {
        try await client.withConnection { try await Self.publicity(on: $0, cycle: ref) }
    }

    static func publicity(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> PublicityRecord? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let row = try await connection.query(
                """
                SELECT p.opens_on::text AS opens_on, p.working_days, p.closes_on::text AS closes_on, p.closes_at, now() <= p.closes_at AS open,
                       p.opened_by, g.state = 'final' AS finalised
                FROM publicity_windows p JOIN cycle_gradings g ON g.county = p.county AND g.cycle = p.cycle
                WHERE p.county = \(county) AND p.cycle = \(cycle)
                """
            ).first
        else { return nil }
        return PublicityRecord(
            cycle: cycle,
            opensOn: try row.decode(String.self, column: "opens_on"),
            workingDays: try row.decode(Int.self, column: "working_days"),
            closesOn: try row.decode(String.self, column: "closes_on"),
            closesAt: ShanghaiTime.format(try row.decode(Date.self, column: "closes_at")),
            open: try row.decode(Bool.self, column: "open"),
            openedBy: try row.decode(String.self, column: "opened_by"),
            finalised: try row.decode(Bool.self, column: "finalised")
        )
    }

    /// The scheduled run kind that closes publicity (KaoheJobs' `PublicityCloseJob`).
    public static let publicityCloseKind = "publicity.close"

    /// Finalises the results after the window closed: refused before `closes_at` and while an
    /// objection awaits review. Afterwards every change to the cycle's results is refused. Marks
    /// the scheduled `publicity.close` run done (by hand).
    public func finalise(cycle ref: CycleRef, principal: Principal) async throws -> PublicityRecord {
        try await mutate(cycle: ref) { connection, _ in
            if let refusal = try await Self.finaliseRefusal(on: connection, cycle: ref) { throw refusal }
            try await Self.markFinal(on: connection, cycle: ref, account: principal.account, actor: principal.actor)
            try await ScheduledRunStore.markDone(
                on: connection,
                cycle: ref,
                kind: Self.publicityCloseKind,
                by: principal.actor,
                result: .closedByHand
            )
            return try await Self.publicity(on: connection, cycle: ref)!
        }
    }

    /// 公示期满 for the scheduled run, in the run's transaction: finalises when the window has closed
    /// and no objection awaits review (`.done`), otherwise leaves everything as it is (`.waiting`:
    /// look again later). Already final counts as done.
    public static func closePublicity(
        in transaction: StoreTransaction,
        cycle ref: CycleRef,
        actor: String
    ) async throws -> PublicityClosing {
        try await closePublicity(on: transaction.connection, cycle: ref, actor: actor)
    }

    static func closePublicity(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        actor: String
    ) async throws -> PublicityClosing {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            try await connection.query("SELECT 1 AS one FROM cycles WHERE county = \(county) AND cycle = \(cycle) FOR UPDATE").first != nil
        else {
            return .done(.cycleMissing)
        }
        if try await state(on: connection, cycle: ref, lock: true) == .final { return .done(.publicityFinalBefore) }
        if let refusal = try await finaliseRefusal(on: connection, cycle: ref) {
            return .waiting(for: refusal.rule)
        }
        try await markFinal(on: connection, cycle: ref, account: nil, actor: actor)
        return .done(.publicityFinalised)
    }

    /// Why the cycle cannot be finalised now, or nil.
    static func finaliseRefusal(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> CycleError? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let window = try await connection.query(
                "SELECT closes_at, now() > closes_at AS closed FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)"
            ).first
        else {
            return CycleError(.conflict, "尚未公示 / publicity has not been opened", rule: "publicity.not-open")
        }
        guard try window.decode(Bool.self, column: "closed") else {
            let closes = ShanghaiTime.format(try window.decode(Date.self, column: "closes_at"))
            return CycleError(
                .conflict,
                "公示期至\(closes)(\(ShanghaiTime.zoneName))结束,届时方可确定最终结果 / publicity closes at \(closes); finalise after that",
                rule: "publicity.not-closed"
            )
        }
        let open = try await connection.query(
            "SELECT count(*) AS n FROM objections WHERE county = \(county) AND cycle = \(cycle) AND outcome IS NULL"
        ).one().decode(Int.self, column: "n")
        guard open == 0 else {
            return CycleError(.conflict, "尚有\(open)件异议未复议 / \(open) objection(s) await review", rule: "publicity.objections-open")
        }
        // A ratio breach left by 复议 waits for the office's ruling (比例研判).
        if let head = try await connection.query(
            "SELECT conflicts, ratio_rulings FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)"
        ).first {
            let conflicts = RatioRuling.open(
                try head.decode(PostgresJSON.self, column: "conflicts").decode([CohortConflict].self),
                rulings: try head.decode(PostgresJSON.self, column: "ratio_rulings").decode([RatioRuling].self)
            )
            if !conflicts.isEmpty {
                return CycleError(
                    .conflict,
                    "尚有\(conflicts.count)个比例冲突未经县事考办研判:\(conflicts.map(\.message).joined(separator: ";")) / \(conflicts.count) ratio conflict(s) (\(conflicts.map { "\($0.kind) in \($0.scope)" }.joined(separator: ", "))) await the office's ruling",
                    field: "/conflicts",
                    rule: "publicity.conflicts-open"
                )
            }
        }
        return nil
    }

    static func markFinal(on connection: PostgresConnection, cycle ref: CycleRef, account: String?, actor: String) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        try await connection.execute(
            """
            UPDATE cycle_gradings SET state = 'final', finalised_by = \(account), finalised_at = now()
            WHERE county = \(county) AND cycle = \(cycle)
            """
        )
        try await refreshRosterChecks(on: connection, cycle: ref, units: nil, final: true)
        try await FilingAudit.record(
            on: connection,
            county: county,
            actor: actor,
            action: .publicityFinalise,
            object: "cycles/\(cycle)/publicity",
            details: ["by": account == nil ? "schedule" : "hand"]
        )
    }

    // MARK: Objections

    /// 异议: accepted only while the window is open (from the opening day to `closes_at`).
    public func fileObjection(
        cycle ref: CycleRef,
        unit: UnitCode,
        text: String,
        principal: Principal
    ) async throws -> ObjectionRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        let text = text.trimmingBlanksAndNewlines()
        guard (1...10_000).contains(text.count) else {
            throw CycleError(.invalid, "异议内容应为1–10000字 / 1–10,000 characters", field: "/text", rule: "objection.text")
        }
        return try await mutate(cycle: ref) { connection, _ in
            guard
                let window = try await connection.query(
                    """
                    SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date >= opens_on AND now() <= closes_at AS open, closes_at
                    FROM publicity_windows WHERE county = \(county) AND cycle = \(cycle)
                    """
                ).first
            else {
                throw CycleError(.conflict, "尚未公示,不能提出异议 / publicity has not been opened", rule: "objection.not-in-publicity")
            }
            guard try window.decode(Bool.self, column: "open") else {
                let closes = ShanghaiTime.format(try window.decode(Date.self, column: "closes_at"))
                throw CycleError(
                    .conflict,
                    "不在公示期内(公示期至\(closes)),不能提出异议 / outside the publicity window (closes \(closes))",
                    rule: "objection.not-in-publicity"
                )
            }
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                ).first != nil
            else {
                throw CycleError(.notFound, "单位\(unit)没有公示的等次 / unit \(unit) has no published grade", rule: "objection.unit-graded")
            }
            let id = try await connection.query(
                """
                INSERT INTO objections (county, cycle, unit_code, filed_by, text) VALUES (\(county), \(cycle), \(unit), \(principal.account), \(text))
                RETURNING id
                """
            ).one().decode(Int64.self, column: "id")
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .objectionFile,
                object: "cycles/\(cycle)/objections/\(id)",
                details: ["unit": unit.rawValue, "characters": String(text.count)]
            )
            return try await Self.objection(on: connection, county: county, id: id)!
        }
    }

    /// The objection (nil when the county has none with this id).
    public func objection(county: CountyCode, id: Int64) async throws -> ObjectionRecord? {
        try await client.withConnection { try await Self.objection(on: $0, county: county, id: id) }
    }

    /// The cycle's objections, oldest first (one statement).
    public func objections(cycle ref: CycleRef) async throws -> [ObjectionRecord] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.query(
            """
            SELECT \(unescaped: Self.objectionColumns) FROM objections WHERE county = \(county) AND cycle = \(cycle) ORDER BY id
            """
        ).map(Self.objection)
    }

    static func objection(on connection: PostgresConnection, county: CountyCode, id: Int64) async throws -> ObjectionRecord? {
        try await connection.query(
            "SELECT \(unescaped: objectionColumns) FROM objections WHERE county = \(county) AND id = \(id)"
        ).first.map(objection)
    }

    /// The columns `objection(_:)` decodes.
    static let objectionColumns = "id, cycle, unit_code, filed_by, filed_at, text, outcome, old_grade, new_grade, note, reviewed_by"

    /// One row of `objections` selected with ``objectionColumns``.
    static func objection(_ row: PostgresRow) throws -> ObjectionRecord {
        ObjectionRecord(
            id: try row.decode(Int64.self, column: "id"),
            cycle: try row.decode(CycleID.self, column: "cycle"),
            unit: try row.decode(UnitCode.self, column: "unit_code"),
            filedBy: try row.decode(String.self, column: "filed_by"),
            filedAt: ShanghaiTime.format(try row.decode(Date.self, column: "filed_at")),
            text: try row.decode(String.self, column: "text"),
            outcome: try row.decode(String?.self, column: "outcome"),
            oldGrade: try row.decode(String?.self, column: "old_grade"),
            newGrade: try row.decode(String?.self, column: "new_grade"),
            note: try row.decode(String?.self, column: "note"),
            reviewedBy: try row.decode(String?.self, column: "reviewed_by"),
            conflicts: nil
        )
    }

    /// 复议 by the unit's committee: `upheld` (optionally with a changed grade) or `rejected`.
    /// A changed grade re-checks the cohort ratios (breaches become the cycle's open conflicts)
    /// and the unit's roster and quota.
    public func reviewObjection(
        county: CountyCode,
        id: Int64,
        outcome: String,
        grade: UnitGrade?,
        note: String?,
        principal: Principal
    ) async throws -> ObjectionRecord {
        guard let existing = try await objection(county: county, id: id) else {
            throw CycleError(.notFound, "异议\(id)不存在 / objection not found")
        }
        guard ["upheld", "rejected"].contains(outcome) else {
            throw CycleError(
                .invalid,
                "复议结果应为 upheld 或 rejected / outcome must be upheld or rejected",
                field: "/outcome",
                rule: "objection.outcome"
            )
        }
        if grade != nil && outcome != "upheld" {
            throw CycleError(
                .invalid,
                "只有异议成立时才能更改等次 / a grade changes only when the objection is upheld",
                field: "/grade",
                rule: "objection.grade-needs-upheld"
            )
        }
        return try await mutate(cycle: CycleRef(county: county, cycle: existing.cycle)) { connection, state in
            guard
                try await connection.query(
                    "SELECT 1 AS one FROM objections WHERE county = \(county) AND id = \(id) AND outcome IS NULL FOR UPDATE"
                ).first != nil
            else {
                throw CycleError(.conflict, "异议\(id)已复议 / objection \(id) was already reviewed", rule: "objection.already-reviewed")
            }
            let cycle = existing.cycle
            let unit = existing.unit
            let old = try await connection.query(
                "SELECT grade FROM unit_grades WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) FOR UPDATE"
            ).one().decode(String.self, column: "grade")
            var conflicts: [CohortConflict]?
            var newGrade: String?
            if let grade, grade.rawValue != old {
                newGrade = grade.rawValue
                let reason = GradeReason(
                    rule: "objection-review",
                    grade: grade,
                    message: "经异议复议(第\(id)号),由\(UnitGrade(rawValue: old)?.chinese ?? old)改为\(grade.chinese)"
                )
                try await connection.execute(
                    """
                    UPDATE unit_grades SET grade = \(grade.rawValue), reasons = reasons || \(try PostgresJSON(encoding: [reason])), updated_at = now()
                    WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)
                    """
                )
                let policy = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: CycleRef(county: county, cycle: cycle))
                let all = try await connection.query(
                    "SELECT unit_code, committee, grade FROM unit_grades WHERE county = \(county) AND cycle = \(cycle)"
                ).map {
                    (
                        code: try $0.decode(UnitCode.self, column: "unit_code"), committee: try $0.decode(String.self, column: "committee"),
                        grade: UnitGrade(rawValue: try $0.decode(String.self, column: "grade")) ?? .poor
                    )
                }
                let breaches = CohortRatioCheck(policy: policy.grading, scope: policy.defaultCohortScope).breaches(all)
                conflicts = breaches
                try await connection.execute(
                    "UPDATE cycle_gradings SET conflicts = \(try PostgresJSON(encoding: breaches)) WHERE county = \(county) AND cycle = \(cycle)"
                )
                try await Self.refreshRosterChecks(
                    on: connection,
                    cycle: CycleRef(county: county, cycle: cycle),
                    units: [unit],
                    final: state != .proposed
                )
            }
            try await connection.execute(
                """
                UPDATE objections SET outcome = \(outcome), old_grade = \(old), new_grade = \(newGrade), note = \(note),
                       reviewed_by = \(principal.account), reviewed_at = now()
                WHERE county = \(county) AND id = \(id)
                """
            )
            var details = ["unit": unit.rawValue, "outcome": outcome, "oldGrade": old]
            if let newGrade {
                details["newGrade"] = newGrade
                details["conflicts"] = String(conflicts?.count ?? 0)
            }
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: principal.actor,
                action: .objectionReview,
                object: "cycles/\(cycle)/objections/\(id)",
                details: details
            )
            var record = try await Self.objection(on: connection, county: county, id: id)!
            record.conflicts = conflicts
            return record
        }
    }

    // MARK: Staff appeals

    /// Grades a staff member may appeal (篇十三 第二十五条).
    public static let appealableGrades: Set<StaffGrade> = [.basic, .incompetent, .undetermined, .excluded]

    /// 复核: records a staff member's application, accepted within the policy's working days
    /// (10) after the day they were told. It is filed today (Asia/Shanghai, by the server's clock);
    /// only the office may give another day (`filedOn`, not after today): a paper application it
    /// records on the unit's behalf, audited as such.
    public func fileAppeal(
        cycle ref: CycleRef,
        unit: UnitCode,
        staffNo: String,
        grade: StaffGrade,
        notifiedOn: String,
        filedOn: String?,
        reason: String,
        principal: Principal
    ) async throws -> StaffAppealRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        // Trimmed as a roster's staff number and an objection's text are: a reason of blanks is none.
        let staffNo = staffNo.trimmingBlanks()
        guard (1...64).contains(staffNo.count) else {
            throw CycleError(.invalid, "工号应为1–64字符 / staffNo 1–64 characters", field: "/staffNo", rule: "appeal.fields")
        }
        let reason = reason.trimmingBlanksAndNewlines()
        guard (1...10_000).contains(reason.count) else {
            throw CycleError(.invalid, "理由应为1–10000字 / reason 1–10,000 characters", field: "/reason", rule: "appeal.fields")
        }
        if filedOn != nil, principal.role != .office {
            throw CycleError(
                .invalid,
                "申请日期以系统收到的日期为准;纸质申请由县事考办代为登记 / the filing date is the server's; only the office records a paper application with its own date",
                field: "/filedOn",
                rule: "appeal.filed-on-by-office"
            )
        }
        guard Self.appealableGrades.contains(grade) else {
            throw CycleError(
                .invalid,
                "只有不定等次、不参加、基本合格、不合格可申请复核 / only 不定等次/不参加, 基本合格 or 不合格 may be appealed",
                field: "/grade",
                rule: "appeal.grade-not-appealable"
            )
        }
        do {
            return try await client.withTransaction { connection in
                guard
                    try await connection.query(
                        "SELECT 1 AS one FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit)"
                    ).first != nil
                else {
                    throw CycleError(.notFound, "单位\(unit)未参加考核周期“\(cycle)” / not enrolled", rule: "cycle.enrolled")
                }
                try await Self.requireAppealableStaff(
                    on: connection,
                    cycle: ref,
                    unit: unit,
                    staffNo: staffNo,
                    grade: grade
                )
                // One application per person and cycle: a second would ask again what is being decided.
                if let earlier = try await connection.query(
                    """
                    SELECT id FROM staff_appeals
                    WHERE county = \(county) AND cycle = \(cycle) AND unit_code = \(unit) AND staff_no = \(staffNo)
                    """
                ).single(Int64.self) {
                    throw CycleError(
                        .conflict,
                        "该工作人员本周期已申请复核(第\(earlier)号) / this staff member has applied already (appeal \(earlier))",
                        field: "/staffNo",
                        rule: "appeal.already-filed"
                    )
                }
                let today = try await clock.today(on: connection)
                let calendar = try await CalendarStore.calendar(on: connection, county: county)
                let reviewDays = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).staffReviewWorkingDays
                let notified: CivilDate
                let filedDay: CivilDate
                let lastDay: CivilDate
                do {
                    notified = try CivilDate(parsing: notifiedOn)
                    filedDay = try filedOn.map { try CivilDate(parsing: $0) } ?? today
                    lastDay = try calendar.workingDay(reviewDays, after: notified)
                } catch let error as CalendarError {
                    throw CycleError(.invalid, error.message, field: "/notifiedOn", rule: "appeal.\(error.rule)")
                }
                guard filedDay <= today else {
                    throw CycleError(
                        .invalid,
                        "申请日期不能晚于今天(\(today)) / filed after today",
                        field: "/filedOn",
                        rule: "appeal.filed-in-future"
                    )
                }
                guard filedDay >= notified else {
                    throw CycleError(.invalid, "申请日期早于告知日期 / filed before being told", field: "/filedOn", rule: "appeal.before-notice")
                }
                guard filedDay <= lastDay else {
                    throw CycleError(
                        .invalid,
                        "复核申请应在知道结果之日起\(reviewDays)个工作日内提出(至\(lastDay)),\(filedDay)已逾期 / too late: the last day was \(lastDay)",
                        field: "/filedOn",
                        rule: "appeal.too-late"
                    )
                }
                let id = try await connection.query(
                    """
                    INSERT INTO staff_appeals (county, cycle, unit_code, staff_no, grade, notified_on, filed_on, last_day, reason, filed_by)
                    VALUES (\(county), \(cycle), \(unit), \(staffNo), \(grade.rawValue), \(notified.description)::date, \(filedDay.description)::date,
                            \(lastDay.description)::date, \(reason), \(principal.account))
                    RETURNING id
                    """
                ).one().decode(Int64.self, column: "id")
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: principal.actor,
                    action: .appealFile,
                    object: "cycles/\(cycle)/appeals/\(id)",
                    details: ["unit": unit.rawValue, "staffNo": staffNo, "grade": grade.rawValue, "lastDay": lastDay.description]
                        .merging(filedOn == nil ? [:] : ["paperFiledOn": filedDay.description, "recordedOn": today.description]) { a, _ in a
                        }
                )
                return try await Self.appeal(on: connection, county: county, id: id)!
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "appeal of staff \(staffNo)")
        }
    }

    /// 复核 names someone the unit graded: the staff member must be on the unit's latest roster,
    /// with the grade the appeal names, and that grade must allow an appeal (篇十三 第二十五条).
    static func requireAppealableStaff(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        unit: UnitCode,
        staffNo: String,
        grade: StaffGrade
    ) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT r.grade FROM roster_rows r
            WHERE r.county = \(county) AND r.cycle = \(cycle) AND r.unit_code = \(unit) AND r.staff_no = \(staffNo)
              AND r.version = (SELECT max(f.version) FROM filings f
                               WHERE f.county = \(county) AND f.cycle = \(cycle) AND f.unit_code = \(unit) AND f.kind = 'roster')
            """
        )
        guard let row = rows.first else {
            throw CycleError(
                .invalid,
                "工号\(staffNo)不在本单位最新报送的考核名册中 / staff \(staffNo) is not on the unit's latest roster",
                field: "/staffNo",
                rule: "appeal.staff-not-on-roster"
            )
        }
        let rostered = StaffGrade(rawValue: try row.decode(String.self, column: "grade")) ?? .undetermined
        guard appealableGrades.contains(rostered) else {
            throw CycleError(
                .invalid,
                "工号\(staffNo)的考核等次为\(rostered.chinese),不属于可申请复核的等次(不定等次、不参加、基本合格、不合格) / staff \(staffNo) is graded \(rostered.rawValue), which cannot be appealed",
                field: "/staffNo",
                rule: "appeal.grade-not-appealable"
            )
        }
        guard rostered == grade else {
            throw CycleError(
                .invalid,
                "工号\(staffNo)在名册中的等次为\(rostered.chinese),与申请所填\(grade.chinese)不符 / the roster grades staff \(staffNo) \(rostered.rawValue), not \(grade.rawValue)",
                field: "/grade",
                rule: "appeal.grade-mismatch"
            )
        }
    }

    /// Records the outcome of an appeal: `upheld` (grade stands), `changed` (with the new grade), `rejected`.
    public func decideAppeal(
        county: CountyCode,
        id: Int64,
        outcome: String,
        grade: StaffGrade?,
        note: String?,
        principal: Principal
    ) async throws -> StaffAppealRecord {
        guard ["upheld", "changed", "rejected"].contains(outcome) else {
            throw CycleError(
                .invalid,
                "复核结果应为 upheld、changed 或 rejected / outcome must be upheld, changed or rejected",
                field: "/outcome",
                rule: "appeal.outcome"
            )
        }
        guard (outcome == "changed") == (grade != nil) else {
            throw CycleError(
                .invalid,
                "结果为 changed 时须给出新等次,其他结果不得给出 / a new grade goes with outcome changed only",
                field: "/grade",
                rule: "appeal.grade"
            )
        }
        do {
            return try await client.withTransaction { connection in
                guard
                    let row = try await connection.query(
                        "SELECT cycle, unit_code, staff_no, outcome FROM staff_appeals WHERE county = \(county) AND id = \(id) FOR UPDATE"
                    ).first
                else {
                    throw CycleError(.notFound, "复核申请\(id)不存在 / appeal not found")
                }
                guard try row.decode(String?.self, column: "outcome") == nil else {
                    throw CycleError(.conflict, "复核申请\(id)已有结果 / appeal \(id) was already decided", rule: "appeal.already-decided")
                }
                let cycle = try row.decode(CycleID.self, column: "cycle")
                try await connection.execute(
                    """
                    UPDATE staff_appeals SET outcome = \(outcome), decided_grade = \(grade?.rawValue), note = \(note),
                           decided_by = \(principal.account), decided_at = now()
                    WHERE county = \(county) AND id = \(id)
                    """
                )
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: principal.actor,
                    action: .appealDecide,
                    object: "cycles/\(cycle)/appeals/\(id)",
                    details: ["outcome": outcome, "grade": grade?.rawValue ?? ""]
                )
                if outcome == "changed", let grade {
                    // The decided grade is the roster's from now on: a new version with the line
                    // changed (the one before kept), re-checked, so the quota, the pages and the
                    // exports all follow (SPEC "Staff across cycles").
                    _ = try await FilingStore.amendRoster(
                        on: connection,
                        cycle: CycleRef(county: county, cycle: cycle),
                        unit: try row.decode(UnitCode.self, column: "unit_code"),
                        amendment: RosterAmendment(
                            kind: "复核",
                            staffNo: try row.decode(String.self, column: "staff_no"),
                            grade: grade,
                            details: ["appeal": String(id), "note": note ?? ""]
                        ),
                        actor: principal.actor,
                        account: principal.account
                    )
                }
                return try await Self.appeal(on: connection, county: county, id: id)!
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "appeal \(id)")
        }
    }

    /// One appeal, or nil.
    public func appeal(county: CountyCode, id: Int64) async throws -> StaffAppealRecord? {
        try await client.withConnection { try await Self.appeal(on: $0, county: county, id: id) }
    }

    static let appealColumns = """
        id, cycle, unit_code, staff_no, grade, notified_on::text AS notified_on, filed_on::text AS filed_on, last_day::text AS last_day,
        reason, filed_by, outcome, decided_grade, note
        """

    static func appeal(on connection: PostgresConnection, county: CountyCode, id: Int64) async throws -> StaffAppealRecord? {
        try await connection.query(
            "SELECT \(unescaped: appealColumns) FROM staff_appeals WHERE county = \(county) AND id = \(id)"
        ).first.map(appeal)
    }

    /// The cycle's staff appeals (复核申请), oldest first (one statement).
    public func appeals(cycle ref: CycleRef) async throws -> [StaffAppealRecord] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.query(
            "SELECT \(unescaped: Self.appealColumns) FROM staff_appeals WHERE county = \(county) AND cycle = \(cycle) ORDER BY id"
        ).map(Self.appeal)
    }

    static func appeal(_ row: PostgresRow) throws -> StaffAppealRecord {
        StaffAppealRecord(
            id: try row.decode(Int64.self, column: "id"),
            cycle: try row.decode(CycleID.self, column: "cycle"),
            unit: try row.decode(UnitCode.self, column: "unit_code"),
            staffNo: try row.decode(String.self, column: "staff_no"),
            grade: try row.decode(String.self, column: "grade"),
            notifiedOn: try row.decode(String.self, column: "notified_on"),
            filedOn: try row.decode(String.self, column: "filed_on"),
            lastDay: try row.decode(String.self, column: "last_day"),
            reason: try row.decode(String.self, column: "reason"),
            filedBy: try row.decode(String.self, column: "filed_by"),
            outcome: try row.decode(String?.self, column: "outcome"),
            decidedGrade: try row.decode(String?.self, column: "decided_grade"),
            note: try row.decode(String?.self, column: "note")
        )
    }
}

/// What the scheduled 公示期满 run found.
public enum PublicityClosing: Sendable, Hashable {
    /// The run is done: finalised now, final already, or nothing to close.
    case done(JobResult)
    /// Not yet: the rule that still refuses finalising (`publicity.objections-open` …).
    case waiting(for: RuleID?)
}
