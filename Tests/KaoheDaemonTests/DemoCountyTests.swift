import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// The demo county the embedded default seeds: mid-cycle, through the stores the API uses, so the
/// audit chain verifies; seeded once.
@Suite("Demo county")
struct DemoCountyTests {
    static let county: CountyCode = "990101"

    /// One whole number from a query with a column `n`.
    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        try await client.query(query).one().decode(Int.self, column: "n")
    }

    @Test(
        "the current cycle is mid-way: filings on time, late and missing, the draw, re-checks with one override, an open conflict; the chain verifies; seeded once"
    )
    func midCycle() async throws {
        let logger = TestCluster.logger("test.demo")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let started = ContinuousClock.now
        try await DemoCounty.seedIfEmpty(client: client, logger: logger)
        print("demo county seeded in \(ContinuousClock.now - started)")
        let c = Self.county

        #expect(try await Self.count(client, "SELECT count(*)::int AS n FROM units WHERE county = \(c)") == 48)
        #expect(try await Self.count(client, "SELECT count(*)::int AS n FROM cycle_units WHERE county = \(c) AND cycle = '2026'") == 48)
        // Self-assessments: 45 of 48 filed, 4 of them late (more only if the machine was very slow).
        let selfAssessed =
            "SELECT count(DISTINCT unit_code)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'self_assessment'"
            as PostgresQuery
        #expect(try await Self.count(client, selfAssessed) == 45)
        let lateSelf = try await Self.count(
            client,
            "SELECT count(*)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'self_assessment' AND late"
        )
        #expect(lateSelf >= 4 && lateSelf < 45)
        // Committee assessments: 44 of 48, at least 2 late; rosters: 43 of 48, some with violations.
        #expect(
            try await Self.count(
                client,
                "SELECT count(DISTINCT unit_code)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'assessment'"
            ) == 44
        )
        #expect(
            try await Self.count(
                client,
                "SELECT count(*)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'assessment' AND late"
            ) >= 2
        )
        #expect(
            try await Self.count(
                client,
                "SELECT count(DISTINCT unit_code)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'roster'"
            ) == 43
        )
        #expect(try await Self.count(client, "SELECT count(*)::int AS n FROM roster_rows WHERE county = \(c) AND cycle = '2026'") > 2_000)
        #expect(
            try await Self.count(
                client,
                "SELECT count(*)::int AS n FROM filings WHERE county = \(c) AND cycle = '2026' AND kind = 'roster' AND (content->>'mustGiveUp')::int > 0"
            ) >= 3
        )

        // The draw: ≥ 10 % of the units, each stratum ⌈10 % × 12⌉ = 2, two reviewers each, 回避 respected.
        let draw = try #require(try await SpotCheckStore(client: client).current(cycle: CycleRef(county: c, cycle: "2026")))
        #expect(draw.drawnAt != nil)
        #expect(draw.seedSource == "dice")
        let selected = try await Self.count(
            client,
            "SELECT count(*)::int AS n FROM spot_check_selections WHERE county = \(c) AND cycle = '2026' AND draw_no = \(draw.drawNo)"
        )
        #expect(selected == 8)
        #expect(selected * 10 >= 48)
        #expect(
            try await Self.count(
                client,
                """
                SELECT count(*)::int AS n FROM reviewer_assignments a
                JOIN units u ON u.county = a.county AND u.code = a.unit_code
                JOIN reviewers r ON r.county = a.county AND r.reviewer = a.reviewer
                WHERE a.county = \(c) AND a.cycle = '2026' AND (r.committee = u.committee OR r.department = u.department)
                """
            ) == 0
        )
        #expect(
            try await Self.count(client, "SELECT count(*)::int AS n FROM reviewer_assignments WHERE county = \(c) AND cycle = '2026'") == 16
        )

        // Re-checks: five filed, exactly one overrides its committee's assessment.
        let deviations = try await GradingStore(client: client).deviations(cycle: CycleRef(county: c, cycle: "2026"))
        #expect(deviations.units.count == 5)
        #expect(deviations.units.count { $0.overridden } == 1)

        // The proposal waits for the office: a tie at the last 优秀 place.
        let grading = try #require(try await GradingStore(client: client).current(cycle: CycleRef(county: c, cycle: "2026")))
        #expect(grading.state == .proposed)
        #expect(grading.conflicts.count == 1)
        #expect(grading.ungraded.count == 4)

        // The previous cycle is finished: all filed, drawn, re-checked, confirmed, publicised, final.
        let previous = try #require(try await GradingStore(client: client).current(cycle: CycleRef(county: c, cycle: "2025")))
        #expect(previous.state == .final)
        #expect(previous.units.count == 48)
        #expect(try await GradingStore(client: client).publicity(cycle: CycleRef(county: c, cycle: "2025")) != nil)
        #expect(try await Self.count(client, "SELECT count(*)::int AS n FROM rechecks WHERE county = \(c) AND cycle = '2025'") == 8)

        // Five demo logins, one per role, printed by kaohed; the office's password works.
        let lines = try await DemoLogins.lines(accounts: AccountStore(client: client))
        #expect(lines.count == 6)
        #expect(lines.contains { $0.contains("office") && $0.contains("demo-office") })
        #expect(lines.contains { $0.contains("reviewer") && $0.contains("r-") })
        #expect(try await WebSessionStore(client: client).login(county: c, account: "office", password: "demo-office") != nil)
        #expect(try await WebSessionStore(client: client).login(county: c, account: "u-01", password: "demo-unit-01") != nil)

        // Every change is on the chain, and the chain is intact.
        let verification = try await AuditChain.verify(client: client, county: c)
        guard case .intact(let entries) = verification else {
            Issue.record("audit chain: \(verification)")
            return
        }
        #expect(entries > 48 + 45 + 44 + 43)

        // Seeded once: a second call changes nothing.
        try await DemoCounty.seedIfEmpty(client: client, logger: logger)
        #expect(try await AuditChain.verify(client: client, county: c) == .intact(entries: entries))
        await client.close()
    }
}
