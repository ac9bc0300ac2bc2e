import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// The dashboard's own reads: the audit entries that concern one unit of a cycle, and the grading stamp.
@Suite("Dashboard store reads")
struct DashboardStoreTests {
    let logger = TestCluster.logger("test.dashboard-store")
    static let unit: UnitCode = "91350100M000100Y43", other: UnitCode = "911100001000084588"

    @Test(
        "audit entries of a unit: its filings and re-checks, objections and appeals naming it, its registry entry — nothing else, newest first"
    )
    func unitAuditEntries() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        try await client.execute("INSERT INTO counties (county, name) VALUES ('990101', '示例县'), ('990102', '某县')")
        let entries: [(county: CountyCode, object: String, details: [String: String], wanted: Bool)] = [
            ("990101", "cycles/2026/units/\(Self.unit)/self-assessment", [:], true),
            ("990101", "cycles/2026/units/\(Self.unit)/recheck", ["unit": Self.unit.rawValue], true),
            ("990101", "cycles/2026/units/\(Self.other)/roster", [:], false),
            ("990101", "cycles/2025/units/\(Self.unit)/roster", [:], false),  // another cycle
            ("990101", "cycles/2026/objections/7", ["unit": Self.unit.rawValue], true),
            ("990101", "cycles/2026/objections/8", ["unit": Self.other.rawValue], false),
            ("990101", "cycles/2026/appeals/3", ["unit": Self.unit.rawValue, "staffNo": "001"], true),
            ("990101", "cycles/2026/grading", ["unit": Self.unit.rawValue], false),  // only objections and appeals are read by details
            ("990101", "unit:\(Self.unit)", [:], true),
            ("990102", "cycles/2026/units/\(Self.unit)/roster", [:], false),  // another county
            ("990101", "cycles/2026/units/\(Self.unit)X/roster", [:], false),  // not a path below the unit
        ]
        for entry in entries {
            try await client.withTransaction { connection in
                try await AuditChain.append(
                    on: connection,
                    county: entry.county,
                    actor: "\(entry.county)/clerk",
                    action: .named("test.step"),
                    object: entry.object,
                    details: entry.details
                )
            }
        }
        let store = DashboardStore(client: client)
        let found = try await store.auditEntries(cycle: CycleRef(county: "990101", cycle: "2026"), unit: Self.unit)
        #expect(Set(found.map(\.object)) == Set(entries.filter(\.wanted).map(\.object)))
        #expect(found.map(\.seq) == found.map(\.seq).sorted(by: >))
        #expect(found.allSatisfy { $0.hash.count == 64 && $0.actor == "990101/clerk" })
        #expect(found.first { $0.object.hasSuffix("appeals/3") }?.details["staffNo"] == "001")
        #expect(try await store.auditEntries(cycle: CycleRef(county: "990101", cycle: "2026"), unit: Self.unit, limit: 2).count == 2)

        #expect(try await store.gradingStamp(cycle: CycleRef(county: "990101", cycle: "2026")) == nil)
    }
}
