import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

@Suite("Typed identifiers in SQL")
struct IdentifiersInSQLTests {
    @Test("a county code, cycle id, unit code and rule id bind and read back as their text; arrays of them are text[]")
    func roundTrip() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: Logger(label: "test.identifiers"))
        let county: CountyCode = "990101"
        let cycle: CycleID = "2026-Q2"
        let unit: UnitCode = "91350100M000100Y43"
        let rule: RuleID = "cycle.step-closed"
        let row = try #require(
            try await client.query(
                """
                SELECT \(county)::char(6) AS county, \(cycle)::text AS cycle, \(unit)::char(18) AS unit, \(rule)::text AS rule,
                       pg_typeof(\(PostgresArray([unit, "911100001000084588"])))::text AS array_type,
                       \(PostgresArray([unit, "911100001000084588"]))::text[] AS units,
                       length(\(county)) AS county_length
                """
            ).first
        )
        #expect(try row.decode(CountyCode.self, column: "county") == county)
        #expect(try row.decode(CycleID.self, column: "cycle") == cycle)
        #expect(try row.decode(UnitCode.self, column: "unit") == unit)
        #expect(try row.decode(RuleID.self, column: "rule") == rule)
        #expect(try row.decode(String.self, column: "array_type") == "text[]")
        #expect(try row.decode(PostgresArray<UnitCode>.self, column: "units").elements == [unit, "911100001000084588"])
        #expect(try row.decode(Int.self, column: "county_length") == 6)
        await client.close()
    }
}

@Suite("Audit actions")
struct AuditActionTests {
    @Test("every action has a unique name and a Chinese name; a stored name reads back in Chinese")
    func names() {
        let all = AuditAction.all
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.count == 44)
        for action in all {
            #expect(action.chineseName.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(action.name)")
            #expect(AuditAction.chineseName(of: action.name) == action.chineseName)
        }
        #expect(AuditAction.chineseName(of: "filing.roster") == "报送考核名册")
        #expect(AuditAction.chineseName(of: "grading.confirm") == "确认考核等次")
        #expect(AuditAction.chineseName(of: "something.new") == nil)
    }
}
