import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// Issue 15 items 2 and 3: when the database fails, the API says 503 with `Retry-After` (never a
/// 500), writes nothing, and frees the request's idempotency key for the retry.
@Suite("Database outages answer 503")
struct OutageTests {
    typealias F = FilingAPIFixture

    @Test("a statement timeout is 503 with Retry-After; nothing is filed and the same key then files once")
    func statementTimeout() async throws {
        let fixture = try await F.make()
        try await fixture.app().test(.router) { http in try await fixture.openCycle(http) }
        // The app's pool: every statement may run 300 ms at most.
        var configuration = fixture.client.configuration
        configuration.parameters["options"] = "-c statement_timeout=300"
        let client = PostgresClient(configuration: configuration, logger: fixture.logger)
        let timed = FilingAPIFixture(client: client, tokens: fixture.tokens, clock: nil)
        try await timed.app().test(.router) { http in
            // Someone holds the cycles table: the filing waits for it until its statement times out.
            let holder = try await PostgresConnection.connect(configuration: fixture.client.configuration, logger: fixture.logger)
            try await holder.simpleQuery("BEGIN; LOCK TABLE cycles, filings, cycle_units IN ACCESS EXCLUSIVE MODE")
            let refused = try await timed.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "一"}"#,
                key: "t-1"
            )
            try await holder.simpleQuery("ROLLBACK")
            await holder.close()
            #expect(refused.status == .serviceUnavailable, "\(String(buffer: refused.body))")
            #expect(refused.headers[.retryAfter] == "5")
            #expect(refused.headers[.contentType] == "application/problem+json")
            let problem = try F.problem(refused)
            #expect(problem.type == "/problems/unavailable")

            let retried = try await timed.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "一"}"#,
                key: "t-1"
            )
            #expect(retried.status == .ok, "\(String(buffer: retried.body))")
            #expect(retried.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
            #expect((try F.json(retried))["version"] as? Int == 1)
        }
        await client.close()
        await fixture.client.close()
    }

    @Test("with the server unreachable every API call is 503 with Retry-After, and the pool knows it is down")
    func unreachable() async throws {
        var options = PostgresClient.Options()
        options.acquireTimeout = .seconds(2)
        options.connectTimeout = .seconds(1)
        let client = PostgresClient(
            configuration: .unixSocket(directory: "/tmp/kaohe-no-such-socket", port: 1, user: "kaohe", database: "kaohe"),
            options: options,
            logger: TestCluster.logger("test.outage")
        )
        let fixture = FilingAPIFixture(client: client, tokens: ["office": "kh_" + String(repeating: "x", count: 40)], clock: nil)
        try await fixture.app().test(.router) { http in
            for key in ["u-1", "u-2"] {
                let answer = try await fixture.call(
                    http,
                    .put,
                    F.unitPath("self-assessment"),
                    as: "office",
                    json: #"{"report": "一"}"#,
                    key: key
                )
                #expect(answer.status == .serviceUnavailable, "\(String(buffer: answer.body))")
                #expect(answer.headers[.retryAfter] == "5")
                #expect(try F.problem(answer).type == "/problems/unavailable")
            }
        }
        #expect(client.health.unreachableFor != nil)
        await client.close()
    }

    @Test("the server's connection limit reached: the API answers 503 with Retry-After, and serves again once a slot is free")
    func connectionLimit() async throws {
        let root = "/tmp/kaohe-test-slots-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var settings = EmbeddedCluster.Configuration(dataDirectory: root)
        settings.serverSettings = ["max_connections": "4", "superuser_reserved_connections": "0", "fsync": "off"]
        let cluster = EmbeddedCluster(configuration: settings, logger: TestCluster.logger("test.slots"))
        let lifeline = Lifeline.registerCluster(cluster, removing: root)
        defer {
            cluster.stopImmediatelyBlocking()
            try? FileManager.default.removeItem(atPath: root)
            lifeline.cancel()
        }
        let configuration = try await cluster.start()
        var options = PostgresClient.Options()
        options.maximumConnections = 1
        options.acquireTimeout = .seconds(2)
        let client = PostgresClient(configuration: configuration, options: options, logger: TestCluster.logger("test.slots"))
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: TestCluster.logger()).apply()
        try await RegistryStore(client: client).enrol(
            county: County(code: "990701", name: "满员县"),
            committees: [],
            departments: [],
            units: []
        )
        let token = try await AccountStore(client: client).create(
            Principal(county: "990701", account: "office", role: .office),
            displayName: "县事考办"
        )
        .token.secret
        await client.close()  // its connection is closed: the pool below must open a new one

        // Every slot taken by someone else — once the backend of the pool just closed has exited
        // (it frees its slot a moment after the socket closes: until then a fourth connection is
        // refused with "too many clients", which is not what this test is about).
        var taken: [PostgresConnection] = []
        for _ in 0..<4 {
            var attempt = 0
            while true {
                do {
                    taken.append(try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger()))
                    break
                } catch let error as PostgresError where attempt < 50 && "\(error)".contains("too many clients") {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        let holders = taken
        let app = PostgresClient(configuration: configuration, options: options, logger: TestCluster.logger("test.slots"))
        let fixture = FilingAPIFixture(client: app, tokens: ["office": token], clock: nil)
        try await fixture.app().test(.router) { http in
            let full = try await fixture.call(http, .get, "/api/v1/whoami", as: "office")
            #expect(full.status == .serviceUnavailable, "\(String(buffer: full.body))")
            #expect(full.headers[.retryAfter] == "5")
            #expect(try F.problem(full).type == "/problems/unavailable")
            await holders[3].close()
            try await Task.sleep(for: .milliseconds(200))
            let again = try await fixture.call(http, .get, "/api/v1/whoami", as: "office")
            #expect(again.status == .ok, "\(String(buffer: again.body))")
        }
        for holder in holders { await holder.close() }
        await app.close()
    }
}
