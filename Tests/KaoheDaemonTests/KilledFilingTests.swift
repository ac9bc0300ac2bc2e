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

/// Issue 15 item 1: rosters filed with an `Idempotency-Key` while `kaohed` is SIGKILLed at moments
/// spread over the filing, then retried with the same key and body against a restarted daemon.
/// Every key must end in exactly one filing — none lost, none doubled — and no key may stay stuck.
@Suite("Keyed filings under SIGKILL", .serialized)
struct KilledFilingTests {
    static let county: CountyCode = "990401"
    static let staffPerRoster = 1500

    /// A roster of `staffPerRoster` 合格 lines; `round` changes one score so that every round's
    /// body differs.
    static func roster(round: Int) -> String {
        let staff = (1...staffPerRoster).map { n in
            #"{"staffNo": "\#(n)", "score": \#(n == 1 ? 70 + round : 80), "grade": "competent"}"#
        }
        return #"{"collectiveAward": false, "staff": [\#(staff.joined(separator: ","))]}"#
    }

    static func put(
        _ base: URL,
        unit: String,
        token: String,
        key: String,
        round: Int
    ) async throws -> (status: Int, headers: HTTPFields, body: String) {
        try await httpRequest(
            base,
            .put,
            "/api/v1/counties/\(county)/cycles/2026/units/\(unit)/roster",
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json", IdempotencyHeader.key: key],
            body: roster(round: round)
        )
    }

    /// The first answer each key was acknowledged with, shared with the filing task.
    final class Acknowledged: Sendable {
        let answers = Mutex<[String: String]>([:])
    }

    enum IdempotencyHeader {
        static let key = HTTPField.Name("Idempotency-Key")!
        static let replayed = HTTPField.Name("Idempotent-Replayed")!
    }

    /// A migrated database with a county of `units` units, their tokens, and the 2026 cycle open.
    static func county(units count: Int) async throws -> (PostgresConfiguration, PostgresClient, [SyntheticUnit], [String: String]) {
        var random = SeededRandom(seed: 20_261_206)
        let units = SyntheticCounty.units(
            county: Self.county,
            totals: Array(repeating: 8000, count: count),
            departments: ["d0"],
            random: &random
        )
        let logger = TestCluster.logger("test.killed-filings")
        let database = try await TestCluster.freshDatabase()
        let client = PostgresClient(configuration: database, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let tokens = try await SyntheticCounty.enrol(client: client, county: Self.county, name: "断电县", units: units)
        try await SyntheticCounty.openCycle(client: client, county: Self.county, units: units, title: "测试")
        return (database, client, units, tokens)
    }

    @Test(
        "SIGTERM while a request waits on a lock: past http.drain_timeout it is cancelled (PQcancel), nothing is stored, the process exits 0"
    )
    func drainDeadline() async throws {
        let (database, client, units, tokens) = try await Self.county(units: 1)
        let daemon = try DaemonProcess(
            "kaohed",
            ["--database-url", database.conninfo, "--port", "0", "--log-level", "info"],
            environment: ["KAOHE_HTTP_DRAIN_TIMEOUT": "2"]
        )
        let base = try await daemon.waitForAddress()
        // The filing will wait for these tables until it is cancelled.
        let holder = try await PostgresConnection.connect(configuration: database, logger: TestCluster.logger("test.drain"))
        try await holder.simpleQuery("BEGIN; LOCK TABLE cycles, filings, cycle_units IN ACCESS EXCLUSIVE MODE")
        let unit = units[0]
        let token = tokens[unit.code]!
        let request = Task {
            try? await Self.put(base, unit: unit.code, token: token, key: "drain-1", round: 0)
        }
        try await Task.sleep(for: .milliseconds(700))
        daemon.terminate()
        let status = try await daemon.waitForExit(timeout: .seconds(30))
        _ = await request.value
        try await holder.simpleQuery("ROLLBACK")
        await holder.close()
        #expect(status == 0, "stderr: \(daemon.standardError.suffix(2000))")
        let filings = try await client.query("SELECT count(*)::int FROM filings WHERE county = \(Self.county)").one().decode(
            Int.self,
            at: 0
        )
        #expect(filings == 0)
        let keys = try await client.query("SELECT count(*)::int FROM idempotency_keys").one().decode(Int.self, at: 0)
        #expect(keys == 0)
        await client.close()
    }

    @Test("SIGKILL at spread moments of keyed roster filings, retried with the same keys: every key filed exactly once, none stuck")
    func killedWhileFiling() async throws {
        let (database, client, units, tokens) = try await Self.county(units: 6)
        /// What each key was first acknowledged with (status and body), and the keys of each round.
        let acknowledged = Acknowledged()
        var keys: [(key: String, unit: SyntheticUnit, round: Int)] = []
        var killedMidRequest = 0
        var retriesInFlight = 0
        var replays = 0
        // The short version runs in .ci/run; KAOHE_FAULT_ROUNDS=100 is the long one (docs/testing.md).
        let rounds = ProcessInfo.processInfo.environment["KAOHE_FAULT_ROUNDS"].flatMap(Int.init) ?? 8
        for round in 0..<rounds {
            let roundKeys = units.map { (key: "r\(round)-\($0.code)", unit: $0, round: round) }
            keys += roundKeys
            let daemon = try DaemonProcess("kaohed", ["--database-url", database.conninfo, "--port", "0", "--log-level", "warning"])
            let base = try await daemon.waitForAddress()
            // File the round's rosters one after another until the daemon dies.
            let filingTokens = tokens
            let filer = Task {
                var sent = 0
                for entry in roundKeys {
                    guard
                        let answer = try? await Self.put(
                            base,
                            unit: entry.unit.code,
                            token: filingTokens[entry.unit.code]!,
                            key: entry.key,
                            round: round
                        )
                    else { break }
                    if answer.status == 200 { acknowledged.answers.withLock { $0[entry.key] = answer.body } }
                    sent += 1
                }
                return sent
            }
            try await Task.sleep(for: .milliseconds(20 + 55 * (round % 8)))
            daemon.kill()
            _ = try await daemon.waitForExit()
            let sent = await filer.value
            if sent < roundKeys.count { killedMidRequest += 1 }

            // A new daemon; every key of the round again, same body, until it is answered.
            let retrier = try DaemonProcess("kaohed", ["--database-url", database.conninfo, "--port", "0", "--log-level", "warning"])
            let retryBase = try await retrier.waitForAddress()
            for entry in roundKeys {
                var answered = false
                for _ in 0..<20 {
                    let answer = try await Self.put(
                        retryBase,
                        unit: entry.unit.code,
                        token: tokens[entry.unit.code]!,
                        key: entry.key,
                        round: round
                    )
                    if answer.status == 409 {
                        retriesInFlight += 1
                        try await Task.sleep(for: .milliseconds(500))
                        continue
                    }
                    #expect(answer.status == 200, "\(entry.key): \(answer.body.prefix(300))")
                    if let first = acknowledged.answers.withLock({ $0[entry.key] }) {
                        // Acknowledged before the kill: the retry is the same answer, byte for byte.
                        #expect(answer.headers[IdempotencyHeader.replayed] == "true")
                        #expect(answer.body == first)
                        replays += 1
                    }
                    answered = true
                    break
                }
                #expect(answered, "key \(entry.key) stayed in flight")
            }
            retrier.kill()
            _ = try await retrier.waitForExit()
        }

        // Exactly one roster version per key, one audit entry per version, an intact chain.
        for unit in units {
            let versions = try await client.query(
                "SELECT count(*)::int FROM filings WHERE county = \(Self.county) AND unit_code = \(unit.code) AND kind = 'roster'"
            ).one().decode(Int.self, at: 0)
            #expect(versions == rounds, "\(unit.code): \(versions) roster versions for \(rounds) keys")
            let lines = try await client.query(
                "SELECT count(*)::int FROM roster_rows WHERE county = \(Self.county) AND unit_code = \(unit.code)"
            ).one().decode(Int.self, at: 0)
            #expect(lines == rounds * Self.staffPerRoster)
        }
        let entries = try await client.query(
            "SELECT count(*)::int FROM audit_log WHERE county = \(Self.county) AND action = 'filing.roster'"
        ).one().decode(Int.self, at: 0)
        #expect(entries == rounds * units.count)
        let verdict = try await AuditChain.verify(client: client, county: Self.county)
        if case .broken = verdict { Issue.record("audit chain: \(verdict)") }
        // The kills must have landed inside the filing for the test to mean anything.
        #expect(killedMidRequest >= rounds / 2, "only \(killedMidRequest) of \(rounds) kills interrupted a round")
        print(
            "killed-filings: \(keys.count) keys, \(killedMidRequest) rounds interrupted, \(replays) replays, \(retriesInFlight) in-flight retries"
        )
        await client.close()
    }
}
