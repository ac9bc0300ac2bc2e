import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: the restore drill. A seeded county on a cluster of its own is backed up with `kaohe
/// backup`, the cluster is destroyed (stopped, its directory deleted), and `kaohe restore` puts the
/// file into a brand-new cluster: the audit trail verifies intact, every filing's content and lines
/// match their entries, and every table is identical row for row.
@Suite("Backup and restore drill", .serialized)
struct RestoreDrillTests {
    static let county: CountyCode = "990501"
    static let tables = [
        "counties", "committees", "departments", "units", "accounts", "api_tokens", "cycles", "cycle_steps", "cycle_units",
        "filings", "roster_rows", "audit_log", "audit_heads", "kaohe_migrations", "holiday_notices",
    ]

    /// One digest per table: MD5 of every row's text, sorted.
    static func digests(_ client: PostgresClient) async throws -> [String: String] {
        var result: [String: String] = [:]
        for table in tables {
            result[table] = try await client.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int AS n FROM \(table) t"
                )
            ).one().decode(String.self, column: "digest")
        }
        return result
    }

    func kaohe(_ database: PostgresConfiguration, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let process = try DaemonProcess("kaohe", arguments + ["--database-url", database.conninfo, "--log-level", "warning"])
        let status = try await process.waitForExit(timeout: .seconds(180))
        return (status, process.standardOutput, process.standardError)
    }

    @Test(
        "back up a seeded county, destroy its cluster, restore into a new one: audit verify intact, content intact, every table identical"
    )
    func drill() async throws {
        let root = "/tmp/kaohe-test-drill-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let logger = TestCluster.logger("test.drill")
        let first = EmbeddedCluster(configuration: .init(dataDirectory: root + "/first"), logger: logger)
        let second = EmbeddedCluster(configuration: .init(dataDirectory: root + "/second"), logger: logger)
        let lifelines = [Lifeline.registerCluster(first, removing: root), Lifeline.registerCluster(second, removing: root)]
        defer {
            first.stopImmediatelyBlocking()
            second.stopImmediatelyBlocking()
            try? FileManager.default.removeItem(atPath: root)
            for lifeline in lifelines { lifeline.cancel() }
        }
        // The county: registry, accounts, a cycle, assessments and rosters of eight units, two versions of some.
        let original = try await first.start()
        let client = PostgresClient(configuration: original, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        var random = SeededRandom(seed: 20_261_207)
        let units = SyntheticCounty.units(
            county: Self.county,
            totals: (0..<8).map { 7000 + 300 * $0 },
            departments: ["d0", "d1"],
            random: &random
        )
        _ = try await SyntheticCounty.enrol(client: client, county: Self.county, name: "演练县", units: units)
        try await SyntheticCounty.openCycle(client: client, county: Self.county, units: units, title: "演练")
        let filings = FilingStore(client: client)
        for (index, unit) in units.enumerated() {
            let principal = Principal(county: Self.county, account: "unit-\(index)", role: .unit, unitCode: UnitCode(unit.code))
            for round in 0..<(index % 2 + 1) {
                _ = try await filings.fileSelfAssessment(
                    cycle: CycleRef(county: Self.county, cycle: "2026"),
                    unit: UnitCode(unit.code),
                    report: "第\(round + 1)稿：本年度工作",
                    principal: principal
                )
                let lines = (1...(40 + index)).map { n in
                    RosterLine(
                        line: n,
                        staff: StaffRecord(
                            staffNo: String(format: "%04d", n),
                            score: Score(points: 70 + (n + round) % 25),
                            grade: .competent
                        ),
                        name: "职工\(n)",
                        postCategory: "专业技术",
                        level: "一般"
                    )
                }
                _ = try await filings.fileRoster(
                    cycle: CycleRef(county: Self.county, cycle: "2026"),
                    unit: UnitCode(unit.code),
                    lines: lines,
                    collectiveAward: false,
                    principal: principal
                )
            }
        }
        let before = try await Self.digests(client)
        #expect(try await client.query("SELECT count(*)::int FROM roster_rows").one().decode(Int.self, at: 0) > 400)
        await client.close()

        let file = root + "/kaohe.dump"
        let backup = try await kaohe(original, ["backup", file])
        #expect(backup.status == 0, "\(backup.err)")
        #expect(backup.out.contains("backed up to \(file)"))
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))

        // The disaster: the cluster is gone.
        try await first.stop()
        try FileManager.default.removeItem(atPath: root + "/first")

        let fresh = try await second.start()
        let restored = try await kaohe(fresh, ["restore", file])
        #expect(restored.status == 0, "\(restored.out) \(restored.err)")
        #expect(restored.out.contains("intact: "), "\(restored.out)")
        #expect(restored.out.contains("content intact: "), "\(restored.out)")
        #expect(!restored.out.contains("filed before content hashes"))

        let check = PostgresClient(configuration: fresh, logger: logger)
        let after = try await Self.digests(check)
        for table in Self.tables { #expect(after[table] == before[table], "\(table) differs after the restore") }
        let verify = try await kaohe(fresh, ["audit", "verify", "--deep"])
        #expect(verify.status == 0 && verify.out.contains("content intact"), "\(verify.out)")

        // A second restore into the now full database is refused, and changes nothing.
        let again = try await kaohe(fresh, ["restore", file])
        #expect(again.status == 1)
        #expect(again.err.contains("already holds"), "\(again.err)")
        #expect(try await Self.digests(check) == before)
        await check.close()
    }
}
