import Foundation
import KaoheRules
import KaoheTestSupport
import Logging
import Postgres
import Testing

@testable import KaoheStore

/// Cycles, filings and idempotency keys against a real cluster.
@Suite("Cycle and filing store")
struct CycleFilingStoreTests {
    let logger = TestCluster.logger("test.cycles")
    static let county: CountyCode = "350121"
    static let unitA: UnitCode = "91350100M000100Y43"
    static let unitB: UnitCode = "911100001000084588"

    let office = Principal(county: county, account: "office", role: .office)
    let unitAccount = Principal(county: county, account: "unit-a", role: .unit, unitCode: unitA)
    let committeeAccount = Principal(county: county, account: "edu", role: .committee, committee: "education")

    /// A migrated database with one county, two units and the three accounts.
    func setUp() async throws -> PostgresClient {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        try await RegistryStore(client: client).enrol(
            county: County(code: Self.county, name: "闽侯县"),
            committees: [Committee(county: Self.county, id: "education", name: "教育专业考核委员会")],
            departments: [Department(county: Self.county, id: "edu", name: "县教育局")],
            units: [
                UnitRecord(county: Self.county, code: Self.unitA, name: "县第一中学", committee: "education", department: "edu", headcount: 80),
                UnitRecord(county: Self.county, code: Self.unitB, name: "县第二中学", committee: "education", department: "edu", headcount: 60),
            ]
        )
        let accounts = AccountStore(client: client)
        for principal in [office, unitAccount, committeeAccount] {
            _ = try await accounts.create(principal, displayName: principal.account)
        }
        return client
    }

    /// A definition whose steps are all open now, deadlines an hour ahead.
    func openDefinition(
        _ cycle: CycleID = "2026",
        deadlineOffset: TimeInterval = 3600,
        closesOffset: TimeInterval = 7200
    ) -> CycleDefinition {
        let now = Date()
        let times = StepTimes(
            opensAt: now.addingTimeInterval(-86_400),
            deadline: now.addingTimeInterval(deadlineOffset),
            closesAt: now.addingTimeInterval(closesOffset)
        )
        return CycleDefinition(
            cycle: cycle,
            kind: .annual,
            title: "测试",
            scheme: "county-2021",
            policy: "tied-2023",
            steps: Dictionary(uniqueKeysWithValues: FilingStep.allCases.map { ($0, times) })
        )
    }

    func openCycle(_ client: PostgresClient, _ definition: CycleDefinition? = nil) async throws {
        let definition = definition ?? openDefinition()
        _ = try await CycleStore(client: client).put(
            county: Self.county,
            definition: definition,
            actor: office.actor,
            account: office.account
        )
        _ = try await CycleStore(client: client).enrol(
            cycle: CycleRef(county: Self.county, cycle: definition.cycle),
            units: [Self.unitA, Self.unitB],
            actor: office.actor
        )
    }

    static func sheet(keyTasks: Int = 18) -> UnitScoreSheet {
        var scores: [String: Score] = [:]
        for (id, points) in [
            ("key_tasks", keyTasks), ("main_duties", 28), ("registration", 9), ("innovation", 4), ("excellence", 6),
            ("staff_eval", 3), ("client_eval", 4), ("leader_eval", 9), ("dept_organisation", 2),
            ("dept_staffing", 2), ("dept_hrss", 2), ("dept_finance", 2),
        ] {
            scores[id] = Score(points: points)
        }
        let good = Dictionary(uniqueKeysWithValues: ["political", "cadre", "organisation", "conduct"].map { ($0, QualitativeRating.good) })
        return UnitScoreSheet(scores: scores, qualitative: good)
    }

    @Test("default step times follow SPEC.md in Asia/Shanghai: 31 Dec and 31 Jan at 23:59:59, 7 days' grace")
    func defaults() {
        let steps = CycleDefaults.steps(for: "2026")
        #expect(ShanghaiTime.format(steps[.selfAssessment]!.deadline) == "2026-12-31T23:59:59+08:00")
        #expect(ShanghaiTime.format(steps[.selfAssessment]!.opensAt) == "2026-12-01T00:00:00+08:00")
        #expect(ShanghaiTime.format(steps[.assessment]!.deadline) == "2027-01-31T23:59:59+08:00")
        #expect(ShanghaiTime.format(steps[.assessment]!.closesAt) == "2027-02-07T23:59:59+08:00")
        #expect(ShanghaiTime.format(steps[.roster]!.deadline) == "2027-01-31T23:59:59+08:00")
        let q4 = CycleDefaults.steps(for: "2026-Q4")
        #expect(ShanghaiTime.format(q4[.assessment]!.deadline) == "2027-01-31T23:59:59+08:00")
        #expect(CycleDefaults.kind(of: "2026-Q5") == nil)
        #expect(ShanghaiTime.parse("2026-12-31T15:59:59Z", dateMeansEndOfDay: false) == steps[.selfAssessment]!.deadline)
        #expect(ShanghaiTime.parse("2026-12-31", dateMeansEndOfDay: true) == steps[.selfAssessment]!.deadline)
        #expect(ShanghaiTime.parse("2026-12-31T23:59", dateMeansEndOfDay: true) == nil)
        // A browser's date-and-time field: Beijing wall-clock minutes, blanks around ignored.
        #expect(
            ShanghaiTime.parse(" 2026-12-31T23:59 ", dateMeansEndOfDay: true, browserField: true)
                == ShanghaiTime.parse("2026-12-31T23:59:00+08:00", dateMeansEndOfDay: false)
        )
    }

    @Test("a cycle with an unknown scheme or a deadline after its closing is refused naming the field")
    func validation() async throws {
        var definition = openDefinition()
        definition.scheme = "nosuch"
        #expect(throws: CycleError.self) { try CycleStore.validate(definition) }
        definition = openDefinition(deadlineOffset: 7200, closesOffset: 3600)
        do {
            try CycleStore.validate(definition)
            Issue.record("accepted closesAt before the deadline")
        } catch {
            #expect(error.field == "/steps/self_assessment/closesAt")
            #expect(error.rule == "cycle.step-order")
        }
    }

    @Test("a 20,000-line roster is COPYed into roster_rows in the filing's transaction, as one version, with its violations")
    func bigRoster() async throws {
        let client = try await setUp()
        try await openCycle(client)
        let lines = (1...20_000).map { i in
            RosterLine(
                line: i,
                staff: StaffRecord(
                    staffNo: String(format: "S%05d", i),
                    score: Score(points: i % 10 == 0 ? 95 : 80),
                    grade: i % 10 == 0 ? .excellent : .competent,
                    sanction: i == 7 ? .warning : .none
                ),
                name: "职工\(i)",
                postCategory: "专业技术",
                level: "一般"
            )
        }
        let store = FilingStore(client: client)
        let filed = try await store.fileRoster(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Self.unitA,
            lines: lines,
            collectiveAward: false,
            principal: unitAccount
        )
        #expect(filed.version == 1)
        #expect(!filed.late)
        let summary = try filed.decodeContent(RosterSummary.self)
        #expect(summary.rows == 20_000)
        #expect(summary.excellent == 2_000)
        #expect(summary.quotaStatus == .unknown)
        #expect(summary.quota == nil)
        let stored = try await client.query(
            "SELECT count(*) AS n, count(DISTINCT staff_no) AS d FROM roster_rows WHERE county = \(Self.county) AND unit_code = \(Self.unitA) AND version = 1"
        ).one()
        #expect(try stored.decode(Int.self, column: "n") == 20_000)
        #expect(try stored.decode(Int.self, column: "d") == 20_000)
        let back = try await store.rosterLines(cycle: CycleRef(county: Self.county, cycle: "2026"), unit: Self.unitA, version: 1)
        #expect(back.count == 20_000)
        #expect(back[6].staff.sanction == .warning)
        #expect(back[9].staff.score == Score(points: 95))

        // With a committee assessment the quota becomes provisional and the excess is counted.
        _ = try await store.fileAssessment(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Self.unitA,
            sheet: Self.sheet(),
            principal: committeeAccount
        )
        let second = try await store.fileRoster(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Self.unitA,
            lines: Array(lines.prefix(100)),
            collectiveAward: false,
            principal: unitAccount
        )
        #expect(second.version == 2)
        let provisional = try second.decodeContent(RosterSummary.self)
        #expect(provisional.quotaStatus == .provisional)
        #expect(provisional.quota?.provisional == true)
        #expect(provisional.quota?.unitGrade == .good)  // 89.00 points: band 良好, before cohort ratios
        #expect(provisional.quota?.limit == 20)  // 20 % of 100
        #expect(provisional.excellent == 10)
        #expect(provisional.mustGiveUp == 0)
        #expect(provisional.violations.contains { $0.rule == .warningNotExcellent } == false)
        let audit = try await client.query(
            "SELECT count(*) AS n FROM audit_log WHERE county = \(Self.county) AND action = 'filing.roster'"
        ).one()
        #expect(try audit.decode(Int.self, column: "n") == 2)
        await client.close()
    }

    @Test(
        "filings written together each get their own outcome; when one fails the transaction, the others are written alone and only it fails"
    )
    func batchOutcomes() async throws {
        let client = try await setUp()
        try await openCycle(client)
        func filing(unit: UnitCode, kind: FilingStep, filedBy: String, lines: PostgresCopyRows? = nil) throws -> FilingBatcher.Filing {
            let header = FilingBatcher.Header(
                county: Self.county,
                cycle: "2026",
                unit: unit,
                kind: kind.rawValue,
                filedBy: filedBy,
                actor: filedBy,
                action: "filing.\(kind.rawValue)",
                object: "cycles/2026/units/\(unit)/\(kind.pathSegment)",
                details: [:]
            )
            return FilingBatcher.Filing(header: header, content: try PostgresJSON(encoding: ["report": "自评"]), lines: lines)
        }
        let lines = FilingStore.copyRows(
            (1...3).map { i in
                RosterLine(
                    line: i,
                    staff: StaffRecord(staffNo: "S\(i)", score: Score(points: 80), grade: .competent),
                    name: "职工\t\(i)",
                    postCategory: "管理",
                    level: "一般"
                )
            }
        )
        let batcher = FilingBatcher(client: client)
        let filings = [
            try filing(unit: Self.unitA, kind: .roster, filedBy: "unit-a", lines: lines),
            // No account "ghost": the filing row breaks its foreign key and the transaction fails.
            try filing(unit: Self.unitB, kind: .selfAssessment, filedBy: "ghost"),
            try filing(unit: "91350100M000200Y4X", kind: .selfAssessment, filedBy: "office"),
        ]
        let results = await batcher.write(batch: filings)
        #expect(results.count == 3)
        #expect((try? results[0].get())?.kind == .filed)
        #expect((try? results[0].get())?.version == 1)
        #expect(throws: PostgresError.self) { try results[1].get() }
        #expect((try? results[2].get())?.kind == .notEnrolled)

        let stored = try await client.query(
            "SELECT unit_code, kind, filed_by FROM filings WHERE county = \(Self.county) ORDER BY unit_code"
        )
        #expect(try stored.map { try $0.decode(String.self, column: "filed_by") } == ["unit-a"])
        let back = try await FilingStore(client: client).rosterLines(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Self.unitA,
            version: 1
        )
        #expect(back.map(\.name) == ["职工\t1", "职工\t2", "职工\t3"])
        #expect(back.map(\.staff.staffNo) == ["S1", "S2", "S3"])
        let audit = try await client.query("SELECT count(*) AS n FROM audit_log WHERE county = \(Self.county) AND action LIKE 'filing.%'")
            .one()
        #expect(try audit.decode(Int.self, column: "n") == 1)
        await client.close()
    }

    @Test("concurrent rosters of many units are written together and each lands under its own unit and version")
    func concurrentRosters() async throws {
        let client = try await setUp()
        try await openCycle(client)
        let store = FilingStore(client: client)
        let principals = [
            Self.unitA: unitAccount, Self.unitB: Principal(county: Self.county, account: "unit-b", role: .unit, unitCode: Self.unitB),
        ]
        _ = try await AccountStore(client: client).create(principals[Self.unitB]!, displayName: "unit-b")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 1...6 {
                for unit in [Self.unitA, Self.unitB] {
                    group.addTask {
                        let lines = (1...round).map { i in
                            RosterLine(
                                line: i,
                                staff: StaffRecord(staffNo: "\(unit.rawValue.suffix(4))-\(i)", score: Score(points: 80), grade: .competent),
                                name: "职工\(i)",
                                postCategory: "管理",
                                level: "一般"
                            )
                        }
                        _ = try await store.fileRoster(
                            cycle: CycleRef(county: Self.county, cycle: "2026"),
                            unit: unit,
                            lines: lines,
                            collectiveAward: false,
                            principal: principals[unit]!
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        for unit in [Self.unitA, Self.unitB] {
            let history = try await store.history(cycle: CycleRef(county: Self.county, cycle: "2026"), unit: unit, step: .roster)
            #expect(history.map(\.version) == Array(1...6))
            for filing in history {
                let rows = try filing.decodeContent(RosterSummary.self).rows
                let back = try await store.rosterLines(
                    cycle: CycleRef(county: Self.county, cycle: "2026"),
                    unit: unit,
                    version: filing.version
                )
                #expect(back.count == rows)
                #expect(back.allSatisfy { $0.staff.staffNo.hasPrefix(String(unit.rawValue.suffix(4))) })
            }
        }
        await client.close()
    }

    @Test("filing after the deadline is marked late; after closing it is refused naming the closing time")
    func lateAndClosed() async throws {
        let client = try await setUp()
        try await openCycle(client, openDefinition("2025", deadlineOffset: -60, closesOffset: 3600))
        let store = FilingStore(client: client)
        let late = try await store.fileSelfAssessment(
            cycle: CycleRef(county: Self.county, cycle: "2025"),
            unit: Self.unitA,
            report: "自评",
            principal: unitAccount
        )
        #expect(late.late)

        try await openCycle(client, openDefinition("2024", deadlineOffset: -7200, closesOffset: -60))
        let closes = try await CycleStore(client: client).cycle(cycle: CycleRef(county: Self.county, cycle: "2024"))!.steps[0].times
            .closesAt
        await #expect {
            _ = try await store.fileSelfAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2024"),
                unit: Self.unitA,
                report: "自评",
                principal: unitAccount
            )
        } throws: { error in
            guard let error = error as? CycleError else { return false }
            return error.code == .stepClosed && error.message.contains(ShanghaiTime.format(closes))
        }
        #expect(
            try await store.history(cycle: CycleRef(county: Self.county, cycle: "2024"), unit: Self.unitA, step: .selfAssessment).isEmpty
        )

        // The closed step answers before the content: a sheet the scheme refuses, an attachment.
        await #expect {
            _ = try await store.fileAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2024"),
                unit: Self.unitA,
                sheet: Self.sheet(keyTasks: 999),
                principal: committeeAccount
            )
        } throws: { error in
            (error as? CycleError)?.code == .stepClosed
        }
        await #expect {
            _ = try await store.fileSelfAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2024"),
                unit: Self.unitA,
                report: nil,
                attachments: [AttachmentUpload(name: "说明.pdf", bytes: Array("%PDF-1.4 closed".utf8))],
                principal: unitAccount
            )
        } throws: { error in
            (error as? CycleError)?.code == .stepClosed
        }
        let blobs = try await client.query("SELECT count(*) AS n FROM filing_attachments WHERE county = \(Self.county)").one()
        #expect(try blobs.decode(Int.self, column: "n") == 0)
        // A unit outside the cycle is told so, for an attachment too, and nothing is stored.
        await #expect {
            _ = try await store.fileSelfAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2025"),
                unit: "91350100M000200Y4X",
                report: nil,
                attachments: [AttachmentUpload(name: "说明.pdf", bytes: Array("%PDF-1.4 stray".utf8))],
                principal: office
            )
        } throws: { error in
            (error as? CycleError)?.rule == "cycle.enrolled"
        }
        let stray = try await client.query("SELECT count(*) AS n FROM filing_attachments WHERE county = \(Self.county)").one()
        #expect(try stray.decode(Int.self, column: "n") == 0)
        await client.close()
    }

    @Test("concurrent filings of one unit get consecutive versions; a hand-closed step refuses the next one")
    func concurrentVersions() async throws {
        let client = try await setUp()
        try await openCycle(client)
        let store = FilingStore(client: client)
        let principal = unitAccount
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 1...8 {
                group.addTask {
                    try await store.fileSelfAssessment(
                        cycle: CycleRef(county: Self.county, cycle: "2026"),
                        unit: Self.unitA,
                        report: "第\(i)稿",
                        principal: principal
                    ).version
                }
            }
            var versions: [Int] = []
            for try await version in group { versions.append(version) }
            #expect(versions.sorted() == Array(1...8))
        }
        let history = try await store.history(cycle: CycleRef(county: Self.county, cycle: "2026"), unit: Self.unitA, step: .selfAssessment)
        #expect(history.map(\.version) == Array(1...8))
        #expect(history.allSatisfy { $0.filedBy == "unit-a" && !$0.late })

        let closed = try await CycleStore(client: client).closeStep(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            step: .selfAssessment,
            actor: office.actor,
            account: office.account
        )
        #expect(closed.state == .closed)
        #expect(closed.closedBy == "office")
        await #expect {
            _ = try await store.fileSelfAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2026"),
                unit: Self.unitA,
                report: "晚了",
                principal: principal
            )
        } throws: { error in
            (error as? CycleError)?.code == .stepClosed
        }
        await client.close()
    }
}
