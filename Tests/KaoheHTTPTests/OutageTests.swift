import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
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
}
