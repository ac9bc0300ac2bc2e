import Foundation
import KaoheRules
import KaoheTestSupport
import Postgres
import Testing

@testable import KaoheStore

/// A roster's check under its unit's grade is made from its lines, or — where the filing kept its
/// counts by level and grade and no 复核 changed a line's grade — from the filing's own findings. Both must
/// give the same report.
@Suite("Roster checks from the filing or from the lines")
struct RosterCheckSourcesTests {
    typealias Store = CycleFilingStoreTests
    let ref = CycleRef(county: Store.county, cycle: "2026")

    /// 20 lines for A: 8 优秀 (over 良好's 20 % of 18 = 3), a staff number twice, a warned 优秀, one
    /// 不定等次 without an investigation, a 领导班子成员 outside the quota; 10 plain lines for B.
    static func lines(_ count: Int, breaking: Bool) -> [RosterLine] {
        (1...count).map { i in
            let grade: StaffGrade = breaking && i <= 8 ? .excellent : (breaking && i == 20 ? .undetermined : .competent)
            return RosterLine(
                line: i,
                staff: StaffRecord(
                    staffNo: breaking && i == 12 ? "S0011" : "S\(String(format: "%04d", i))",
                    score: Score(points: grade == .excellent ? 95 : 82),
                    grade: grade,
                    sanction: breaking && i == 3 ? .warning : .none
                ),
                name: "职工\(i)",
                postCategory: "专业技术",
                level: breaking && i == 19 ? "领导班子" : "一般"
            )
        }
    }

    func outcomes(
        _ client: PostgresClient,
        fromFilings: Bool
    ) async throws -> [UnitCode: GradingStore.RosterCheckOutcome] {
        let units = [Store.unitA, Store.unitB]
        let list = try await client.withConnection { connection in
            fromFilings
                ? try await GradingStore.filedRosterChecks(on: connection, cycle: ref, units: units, final: false)
                : try await GradingStore.rosterChecks(on: connection, cycle: ref, units: units, final: false)
        }
        return Dictionary(uniqueKeysWithValues: list.map { ($0.unit, $0) })
    }

    @Test("the filing's findings give the report its lines give; a roster without counts or with a changed 复核 is read from its lines")
    func sameReport() async throws {
        let base = CycleFilingStoreTests()
        let client = try await base.setUp()
        try await base.openCycle(client)
        let filings = FilingStore(client: client)
        for unit in [Store.unitA, Store.unitB] {
            _ = try await filings.fileAssessment(cycle: ref, unit: unit, sheet: Store.sheet(), principal: base.committeeAccount)
        }
        for (unit, breaking) in [(Store.unitA, true), (Store.unitB, false)] {
            let principal = Principal(county: Store.county, account: "unit-a", role: .unit, unitCode: unit)
            _ = try await filings.fileRoster(
                cycle: ref,
                unit: unit,
                lines: Self.lines(breaking ? 20 : 10, breaking: breaking),
                collectiveAward: false,
                principal: principal
            )
        }
        _ = try await GradingStore(client: client).propose(cycle: ref, principal: base.office)

        let filed = try await outcomes(client, fromFilings: true)
        let read = try await outcomes(client, fromFilings: false)
        #expect(filed.keys.sorted() == [Store.unitA, Store.unitB].sorted())
        for unit in [Store.unitA, Store.unitB] {
            #expect(filed[unit]?.report == read[unit]?.report)
            #expect(filed[unit]?.counts == read[unit]?.counts)
            #expect(filed[unit]?.version == read[unit]?.version)
            #expect(filed[unit]?.grade == read[unit]?.grade)
        }
        // The comparison is of a report with every kind of finding in it.
        let rules = Set(read[Store.unitA]?.report.violations.map(\.rule) ?? [])
        #expect(rules.isSuperset(of: [.excellentQuota, .duplicateStaffNo, .warningNotExcellent]))
        #expect(rules.count >= 4)
        #expect(
            read[Store.unitA]?.counts
                == StaffCounts(keyed: ["general.excellent": 8, "general.competent": 10, "leader.competent": 1, "general.undetermined": 1])
        )
        #expect(read[Store.unitA]?.report.participants == 18)
        #expect(read[Store.unitA]?.report.leaders == 1)
        #expect(read[Store.unitB]?.report.violations.isEmpty == true)

        // What the proposal stored is that report.
        for unit in [Store.unitA, Store.unitB] {
            let report = try #require(read[unit]).report
            let same = try await client.query(
                """
                SELECT summary = \(StoredJSON.rosterReport(report))::jsonb AS same FROM roster_checks
                WHERE county = \(Store.county) AND cycle = '2026' AND unit_code = \(unit)
                """
            ).one()
            #expect(try same.decode(Bool.self, column: "same"))
        }

        // A roster filed before counts were kept (B), a line's grade changed by 复核 (A): from the lines.
        try await client.execute(
            "UPDATE filings SET content = content - 'staffCounts' WHERE county = \(Store.county) AND unit_code = \(Store.unitB) AND kind = 'roster'"
        )
        try await client.execute(
            """
            INSERT INTO staff_appeals (county, cycle, unit_code, staff_no, grade, notified_on, filed_on, last_day, reason, filed_by,
                                       outcome, decided_grade, decided_by, decided_at)
            VALUES (\(Store.county), '2026', \(Store.unitA), 'S0020', 'undetermined', current_date, current_date, current_date, '复核',
                    'office', 'changed', 'competent', 'office', now())
            """
        )
        #expect(try await outcomes(client, fromFilings: true).isEmpty)
        try await client.execute("DELETE FROM roster_checks WHERE county = \(Store.county)")
        _ = try await GradingStore(client: client).propose(cycle: ref, principal: base.office)
        let afterAppeal = try await outcomes(client, fromFilings: false)
        #expect(
            afterAppeal[Store.unitA]?.counts
                == StaffCounts(keyed: ["general.excellent": 8, "general.competent": 11, "leader.competent": 1])
        )
        let stored = try await client.query(
            "SELECT unit_code, excellent, participants FROM roster_checks WHERE county = \(Store.county) ORDER BY unit_code"
        ).map { (try $0.decode(UnitCode.self, column: "unit_code"), try $0.decode(Int.self, column: "participants")) }
        #expect(stored.map(\.0) == [Store.unitA, Store.unitB].sorted())
        #expect(stored.first { $0.0 == Store.unitA }?.1 == 19)  // the 复核 made line 20 a participant; the leader is not one
        await client.close()
    }
}
