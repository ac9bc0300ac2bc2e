import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import KaoheDaemon
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Prometheus
import Testing

/// The monitor of a county of 500 units (4 committees) and 25,000 staff, timed. Opt-in (it seeds
/// for a minute or two): `KAOHE_BENCH_MONITOR=1 swift test --skip-build --filter MonitorBenchmark`.
/// Prints the median of 9 requests through the router and of 9 store calls. The county is
/// `MonitorBenchCounty`, the generator `kaohe bench monitor` uses too (that one times over
/// loopback HTTP in a release build: the figures to quote).
@Suite("Monitor benchmark", .enabled(if: ProcessInfo.processInfo.environment["KAOHE_BENCH_MONITOR"] != nil))
struct MonitorBenchmarkTests {
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test("GET monitor for 500 units and 25,000 staff")
    func monitor500() async throws {
        let logger = TestCluster.logger("test.monitor-bench")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let built = try await MonitorBenchCounty().build(client: client)
        let county = MonitorBenchCounty.county
        let cycle = MonitorBenchCounty.cycle
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(client: client, migrations: try MigrationCatalog.bundled(), metrics: PrometheusCollectorRegistry()),
            logger: logger)
        try await app.test(.router) { http in
            let path = "/api/v1/counties/\(county)/cycles/\(cycle)/monitor"
            var viaHTTP: [Double] = []
            var size = 0
            for _ in 0..<9 {
                let start = ContinuousClock.now
                let response = try await http.executeRequest(uri: path, method: .get, headers: [.authorization: "Bearer \(built.officeToken)"], body: nil)
                viaHTTP.append(Self.milliseconds(ContinuousClock.now - start))
                #expect(response.status == .ok)
                size = response.body.readableBytes
            }
            let store = MonitorStore(client: client)
            var viaStore: [Double] = []
            for _ in 0..<9 {
                let start = ContinuousClock.now
                _ = try await store.monitor(county: county, cycle: cycle)
                viaStore.append(Self.milliseconds(ContinuousClock.now - start))
            }
            let median = { (values: [Double]) in values.sorted()[values.count / 2] }
            if ProcessInfo.processInfo.environment["KAOHE_BENCH_EXPLAIN"] != nil { print(try await store.explain(county: county, cycle: cycle)) }
            print("monitor benchmark: 500 units, 25,000 staff, \(size) bytes; median via router \(String(format: "%.1f", median(viaHTTP))) ms, via store \(String(format: "%.1f", median(viaStore))) ms; all \(viaHTTP.map { String(format: "%.1f", $0) })")
        }
        await client.close()
    }
}
