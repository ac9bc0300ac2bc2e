import Foundation
import HTTPTypes
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: a standby that takes over. A primary with a synchronous streaming standby; kaohed is
/// given both (a libpq multi-host URL with `target_session_attrs=read-write`), clients file keyed
/// self-assessments, the primary's postmaster is SIGKILLed and the standby promoted (`pg_ctl
/// promote`, scripted). kaohed must follow the new primary by itself, and no acknowledged filing may
/// be missing on it (synchronous commit: a filing is acknowledged only once the standby has it).
@Suite("Standby failover drill", .serialized)
struct StandbyFailoverTests {
    static let county: CountyCode = "990601"

    final class Ledger: Sendable {
        /// Acknowledged keys, and when the first answer after the failover came.
        let acknowledged = Mutex<[String]>([])
        let servedAgainAt = Mutex<ContinuousClock.Instant?>(nil)
        let failures = Mutex(0)
        let stop = Mutex(false)
        let killedAt = Mutex<ContinuousClock.Instant?>(nil)
    }

    @Test("primary SIGKILLed under keyed filings, standby promoted: kaohed serves again by itself, 0 acknowledged filings lost")
    func failover() async throws {
        let root = "/tmp/kaohe-test-failover-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let logger = TestCluster.logger("test.failover")
        var primarySettings = EmbeddedCluster.Configuration(dataDirectory: root + "/p")
        // synchronous_standby_names is set once the standby streams (before, every commit would wait).
        primarySettings.serverSettings = ["fsync": "off"]
        let primary = EmbeddedCluster(configuration: primarySettings, logger: logger)
        var standbySettings = EmbeddedCluster.Configuration(dataDirectory: root + "/s")
        standbySettings.serverSettings = [
            "primary_conninfo": "host=\(root)/p port=5432 user=kaohe application_name=kaohe_standby",
            "fsync": "off",
        ]
        let standby = EmbeddedCluster(configuration: standbySettings, logger: logger)
        let lifelines = [Lifeline.registerCluster(primary, removing: root), Lifeline.registerCluster(standby, removing: root)]
        defer {
            primary.stopImmediatelyBlocking()
            standby.stopImmediatelyBlocking()
            try? FileManager.default.removeItem(atPath: root)
            for lifeline in lifelines { lifeline.cancel() }
        }

        // The county on the primary.
        let primaryConfiguration = try await primary.start()
        let client = PostgresClient(configuration: primaryConfiguration, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        var random = SeededRandom(seed: 20_261_208)
        let units = SyntheticCounty.units(
            county: Self.county,
            totals: Array(repeating: 8000, count: 4),
            departments: ["d0"],
            random: &random
        )
        let tokens = try await SyntheticCounty.enrol(client: client, county: Self.county, name: "备机县", units: units)
        try await SyntheticCounty.openCycle(client: client, county: Self.county, units: units, title: "演练")

        // The standby, streaming synchronously.
        try await standby.createStandby(of: primary)
        _ = try await standby.start()
        try await client.withConnection { connection in
            try await connection.simpleQuery("ALTER SYSTEM SET synchronous_standby_names = 'kaohe_standby'")
            try await connection.simpleQuery("SELECT pg_reload_conf()")
        }
        var syncState = ""
        for _ in 0..<100 {
            syncState =
                (try? await client.query("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'kaohe_standby'").first?
                    .decode(String.self, column: "sync_state")) ?? ""
            if syncState == "sync" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(syncState == "sync")
        await client.close()

        // kaohed with both servers; it must pick whichever is the read-write one.
        let url = "host=\(root)/p,\(root)/s port=5432,5432 user=kaohe dbname=kaohe target_session_attrs=read-write"
        let daemon = try DaemonProcess(
            "kaohed",
            ["--database-url", url, "--port", "0", "--log-level", "warning"],
            environment: ["KAOHE_DATABASE_ACQUIRE_TIMEOUT": "2", "KAOHE_DATABASE_CONNECT_TIMEOUT": "2"]
        )
        defer { daemon.kill() }
        let base = try await daemon.waitForAddress()

        // Clients file keyed self-assessments, each key retried until it is answered 200.
        let ledger = Ledger()
        let clients = units.enumerated().map { index, unit in
            let token = tokens[unit.code]!
            return Task {
                var n = 0
                while !ledger.stop.withLock({ $0 }) {
                    n += 1
                    let key = "u\(index)-\(n)"
                    while !ledger.stop.withLock({ $0 }) {
                        let sentAfterKill = ledger.killedAt.withLock({ $0 }) != nil
                        let answer = try? await httpRequest(
                            base,
                            .put,
                            "/api/v1/counties/\(Self.county)/cycles/2026/units/\(unit.code)/self-assessment",
                            headers: [
                                .authorization: "Bearer \(token)", .contentType: "application/json",
                                HTTPField.Name("Idempotency-Key")!: key,
                            ],
                            body: #"{"report": "第\#(n)稿"}"#
                        )
                        if answer?.status == 200 {
                            ledger.acknowledged.withLock { $0.append(key) }
                            if sentAfterKill { ledger.servedAgainAt.withLock { $0 = $0 ?? .now } }
                            break
                        }
                        ledger.failures.withLock { $0 += 1 }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(2))
        let beforeKill = ledger.acknowledged.withLock { $0.count }

        // The primary dies; the standby is promoted.
        let pidFile = try String(contentsOfFile: root + "/p/postmaster.pid", encoding: .utf8)
        let postmaster = try #require(pid_t(pidFile.split(separator: "\n").first.map(String.init) ?? ""))
        ledger.killedAt.withLock { $0 = .now }
        #expect(kill(postmaster, SIGKILL) == 0)
        try await standby.promote()
        let promotedAfter = ContinuousClock.now - ledger.killedAt.withLock { $0! }
        for _ in 0..<300 where ledger.servedAgainAt.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .seconds(2))
        ledger.stop.withLock { $0 = true }
        for client in clients { await client.value }

        let servedAgain = try #require(ledger.servedAgainAt.withLock { $0 }, "kaohed never served again after the failover")
        let downtime = servedAgain - ledger.killedAt.withLock { $0! }
        let acknowledged = ledger.acknowledged.withLock { $0 }
        #expect(acknowledged.count > beforeKill, "nothing was filed after the failover")

        // Every acknowledged key is on the new primary, exactly once.
        let promoted = PostgresClient(configuration: standby.connectionConfiguration, logger: logger)
        for (index, unit) in units.enumerated() {
            let versions = try await promoted.query(
                "SELECT count(*)::int FROM filings WHERE county = \(Self.county) AND unit_code = \(unit.code) AND kind = 'self_assessment'"
            ).one().decode(Int.self, at: 0)
            let keys = acknowledged.filter { $0.hasPrefix("u\(index)-") }.count
            #expect(versions == keys, "unit \(index): \(versions) versions on the new primary for \(keys) acknowledged keys")
        }
        let verdict = try await AuditChain.verify(client: promoted, county: Self.county)
        if case .broken = verdict { Issue.record("audit chain: \(verdict)") }
        await promoted.close()
        print(
            "failover: \(acknowledged.count) filings acknowledged (\(beforeKill) before the kill), 0 lost; promoted \(promotedAfter) and served again (a request sent after the kill answered 200) \(downtime) after the primary was killed; \(ledger.failures.withLock { $0 }) failed attempts retried"
        )
    }
}
