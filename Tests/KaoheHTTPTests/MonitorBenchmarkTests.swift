import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Prometheus
import Testing

/// The monitor of a county of 500 units (4 committees) and 25,000 staff, timed. Opt-in (it seeds
/// for a minute or two): `KAOHE_BENCH_MONITOR=1 swift test --skip-build --filter MonitorBenchmark`.
/// Prints the median of 9 requests through the router and of 9 store calls.
@Suite("Monitor benchmark", .enabled(if: ProcessInfo.processInfo.environment["KAOHE_BENCH_MONITOR"] != nil))
struct MonitorBenchmarkTests {
    static let county = "990101"
    static let units = 500
    static let staffPerUnit = 50

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test("GET monitor for 500 units and 25,000 staff")
    func monitor500() async throws {
        let logger = TestCluster.logger("test.monitor-bench")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let committees = ["education", "health", "agriculture", "culture"]
        let codes = (1...Self.units).map { RegistryAPITests.code($0) }
        try await RegistryStore(client: client).enrol(
            county: County(code: Self.county, name: "基准县"),
            committees: committees.map { Committee(county: Self.county, id: $0, name: "\($0)专考委") },
            departments: [Department(county: Self.county, id: "dept", name: "主管部门")],
            units: codes.enumerated().map { UnitRecord(county: Self.county, code: $1, name: "单位\($0)", committee: committees[$0 % 4], department: "dept", headcount: 50) })
        let accounts = AccountStore(client: client)
        let office = try await accounts.create(Principal(county: Self.county, account: "office", role: .office), displayName: "office").token.secret
        var committeeTokens: [String: String] = [:]
        for committee in committees {
            committeeTokens[committee] = try await accounts.create(
                Principal(county: Self.county, account: committee, role: .committee, committee: committee), displayName: committee).token.secret
        }
        var unitTokens: [String] = []
        for (index, code) in codes.enumerated() {
            unitTokens.append(try await accounts.create(
                Principal(county: Self.county, account: "unit-\(index)", role: .unit, unitCode: code), displayName: "u").token.secret)
        }
        let committeeToken = committeeTokens
        let unitToken = unitTokens
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(client: client, migrations: try MigrationCatalog.bundled(), metrics: PrometheusCollectorRegistry()),
            logger: logger)
        try await app.test(.router) { http in
            func call(_ method: HTTPRequest.Method, _ path: String, _ token: String, _ json: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                if json != nil { headers[.contentType] = "application/json" }
                return try await http.executeRequest(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
            }
            let base = "/api/v1/counties/\(Self.county)/cycles/2026"
            let now = Date()
            let step = """
                {"opensAt": "\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))", "deadline": "\(ShanghaiTime.format(now.addingTimeInterval(86_400)))", "closesAt": "\(ShanghaiTime.format(now.addingTimeInterval(2 * 86_400)))"}
                """
            #expect(try await call(.put, base, office, #"{"scheme": "county-2021", "policy": "tied-2023", "steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#).status == .created)
            #expect(try await call(.put, base + "/units", office, #"{"units": [\#(codes.map { "\"\($0)\"" }.joined(separator: ","))]}"#).status == .ok)
            for (index, code) in codes.enumerated() {
                let keyTasks = String(format: "%.2f", 5.0 + Double(index) * 0.03)
                let sheet = FilingAPIFixture.sheet(keyTasks: keyTasks)
                #expect(try await call(.put, "\(base)/units/\(code)/assessment", committeeToken[committees[index % 4]]!, sheet).status == .ok)
                let staff = (1...Self.staffPerUnit).map { n in
                    let grade = n <= 12 ? "excellent" : (n == Self.staffPerUnit ? "basic" : "competent")
                    let score = n <= 12 ? 95 : (n == Self.staffPerUnit ? 65 : 80)
                    return #"{"staffNo": "\#(n)", "name": "职工\#(n)", "score": \#(score), "grade": "\#(grade)"}"#
                }
                #expect(try await call(.put, "\(base)/units/\(code)/roster", unitToken[index], #"{"staff": [\#(staff.joined(separator: ","))]}"#).status == .ok)
            }
            #expect(try await call(.post, base + "/grading/proposal", office).status == .ok)
            // What autovacuum does within a minute of a bulk load; without statistics the planner
            // takes every freshly filled table for a single page.
            try await client.execute("ANALYZE")

            var viaHTTP: [Double] = []
            var size = 0
            for _ in 0..<9 {
                let start = ContinuousClock.now
                let response = try await call(.get, base + "/monitor", office)
                viaHTTP.append(Self.milliseconds(ContinuousClock.now - start))
                #expect(response.status == .ok)
                size = response.body.readableBytes
            }
            let store = MonitorStore(client: client)
            var viaStore: [Double] = []
            for _ in 0..<9 {
                let start = ContinuousClock.now
                _ = try await store.monitor(county: Self.county, cycle: "2026")
                viaStore.append(Self.milliseconds(ContinuousClock.now - start))
            }
            let median = { (values: [Double]) in values.sorted()[values.count / 2] }
            if ProcessInfo.processInfo.environment["KAOHE_BENCH_EXPLAIN"] != nil { print(try await store.explain(county: Self.county, cycle: "2026")) }
            print("monitor benchmark: 500 units, 25,000 staff, \(size) bytes; median via router \(String(format: "%.1f", median(viaHTTP))) ms, via store \(String(format: "%.1f", median(viaStore))) ms; all \(viaHTTP.map { String(format: "%.1f", $0) })")
        }
        await client.close()
    }
}
