import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import NIOFoundationCompat
import Postgres
import Prometheus
import Testing

@Suite("Health, readiness, metrics and problem+json")
struct HealthAndProblemTests {
    let logger = Logger(label: "test.http")

    func app(client: PostgresClient) throws -> some ApplicationProtocol {
        buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry()
            ),
            logger: logger
        )
    }

    struct Problem: Decodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var rule: String?
        var requestId: String?
    }

    @Test("/readyz is 503 problem+json naming the pending migrations, then 200 once migrated")
    func readinessFollowsMigrations() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await app(client: client).test(.router) { http in
            try await http.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.status == 503)
                #expect(problem.rule == "migrations.current")
                #expect(problem.detail.contains("0001_registry"))
                #expect(problem.detail.contains("kaohe migrate"))
                #expect(problem.requestId == response.headers[HTTPField.Name("X-Request-Id")!])
            }
            try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
            let latest = try MigrationCatalog.bundled().last!.version
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"schemaVersion\":\(latest)"))
                #expect(!String(buffer: response.body).contains("warnings"))  // no county yet
            }

            // A county without the year it needs (next year from 1 November; this year from 2027 on,
            // which no build knows): still ready, with a warning naming county and years; none once loaded.
            try await RegistryStore(client: client).createCounty(County(code: "990555", name: "测试县"), actor: "test")
            let today = try CivilDate(parsing: String(ShanghaiTime.format(Date()).prefix(10)))
            let needed = WorkingDayCalendar.yearsNeeded(on: today).filter { !WorkingDayCalendar.builtInYears.contains($0) }
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                if needed.isEmpty {
                    #expect(!body.contains("warnings"))
                } else {
                    let years = needed.map(String.init).joined(separator: ",")
                    #expect(
                        body.hasSuffix(#","warnings":[{"rule":"calendar.year-missing","county":"990555","years":[\#(years)]}]}"#),
                        "\(body)"
                    )
                }
            }
            for year in needed {
                let newYear = try CivilDate(year: year, month: 1, day: 1)
                _ = try await CalendarStore(client: client).load(
                    county: "990555",
                    notice: HolidayNotice(
                        year: year,
                        source: "测试用虚构安排",
                        timeZone: "Asia/Shanghai",
                        utcOffsetSeconds: 28800,
                        holidays: [HolidayPeriod(name: "元旦", from: newYear, to: newYear)],
                        makeUpWorkdays: []
                    ),
                    actor: "test"
                )
            }
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("warnings"))
            }
        }
        await client.close()
    }

    @Test("/readyz is 503 when the database cannot be reached")
    func readinessWithoutDatabase() async throws {
        var options = PostgresClient.Options()
        options.acquireTimeout = .seconds(2)
        options.connectTimeout = .seconds(1)
        let client = PostgresClient(
            configuration: .unixSocket(directory: "/tmp/kaohe-no-such-socket", port: 1, user: "kaohe", database: "kaohe"),
            options: options,
            logger: logger
        )
        try await app(client: client).test(.router) { http in
            try await http.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
                #expect(problem.rule == "database.reachable")
                #expect(response.headers[.retryAfter] == "5")
                #expect(problem.detail.contains("秒无法连接"), "\(problem.detail)")
            }
        }
        await client.close()
    }

    @Test("an unknown path is a 404 problem+json")
    func notFoundIsProblem() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await app(client: client).test(.router) { http in
            try await http.execute(uri: "/no/such/page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        await client.close()
    }

    @Test("/metrics renders the Prometheus text format of the registry it was given")
    func metricsRenderRegistry() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "kaohe_test", unitName: "total", helpText: "a test counter"))
            .increment(by: Int64(3))
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(client: client, migrations: try MigrationCatalog.bundled(), metrics: registry),
            logger: logger
        )
        try await app.test(.router) { http in
            try await http.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("kaohe_test_total 3"))
            }
        }
        await client.close()
    }
}
