import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import NIOCore
import Postgres
import Prometheus
import Testing

/// A county with two committees, three units, accounts of every role, and a second county — on a
/// fresh database of the shared test cluster — for the cycle and filing API tests.
struct FilingAPIFixture {
    static let county = TwoCountyWorld.county
    static let otherCounty = TwoCountyWorld.otherCounty
    /// Units A and B (education), C (health).
    static let unitA = TwoCountyWorld.unitA
    static let unitB = TwoCountyWorld.unitB
    static let unitC = TwoCountyWorld.unitC

    let client: PostgresClient
    /// Bearer tokens by account: office, auditor, unit-a, unit-b, edu, health, other-office.
    let tokens: [String: String]
    /// The day the stores stand on (`make(standingOn:)`), moved by the test; nil: the database's clock.
    let clock: ManualClock?
    let logger = TestCluster.logger("test.filings")

    /// The fixture; `standingOn` (`YYYY-MM-DD`) makes the stores' "today" that day (09:00
    /// Asia/Shanghai) instead of the database's, for rules decided on today's date (the day 公示
    /// may open from, an appeal's filing day).
    static func make(_ label: String = #function, standingOn day: String? = nil) async throws -> FilingAPIFixture {
        let logger = TestCluster.logger("test.filings")
        let client = try await TwoCountyWorld.freshClient(label, logger: logger)
        try await TwoCountyWorld.enrol(client, otherUnit: unitA)
        let tokens = try await TwoCountyWorld.tokens(
            client,
            for: [
                Principal(county: county, account: "office", role: .office),
                Principal(county: county, account: "auditor", role: .auditor),
                Principal(county: county, account: "unit-a", role: .unit, unitCode: UnitCode(unitA)),
                Principal(county: county, account: "unit-b", role: .unit, unitCode: UnitCode(unitB)),
                Principal(county: county, account: "edu", role: .committee, committee: "education"),
                Principal(county: county, account: "health", role: .committee, committee: "health"),
                Principal(county: otherCounty, account: "other-office", role: .office),
            ]
        )
        return FilingAPIFixture(client: client, tokens: tokens, clock: day.map { ManualClock(day: $0) })
    }

    func app() throws -> some ApplicationProtocol {
        buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry(),
                clock: clock.map { .manual($0) } ?? .database
            ),
            logger: logger
        )
    }

    static let cycleBase = "/api/v1/counties/\(county)/cycles"

    static func unitPath(_ rest: String, cycle: CycleID = "2026", unit: String = unitA) -> String {
        "\(cycleBase)/\(cycle)/units/\(unit)/\(rest)"
    }

    /// Sends a request as `account`.
    func call(
        _ http: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as account: String,
        json: String? = nil,
        body: [UInt8]? = nil,
        contentType: String? = nil,
        key: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(tokens[account]!)"]
        var bytes = body
        if let json {
            bytes = Array(json.utf8)
            headers[.contentType] = "application/json"
        }
        if let contentType { headers[.contentType] = contentType }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await http.executeRequest(uri: path, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
    }

    /// Creates cycle `cycle` with every step opened a day ago, the deadline `deadlineIn` from now
    /// and closing `closesIn` from now, and enrols all three units; under `county-2021` and
    /// `tied-2023`, or under the cycle policy preset `preset` and its own scheme and roster policy.
    func openCycle(
        _ http: some TestClientProtocol,
        _ cycle: String = "2026",
        deadlineIn: TimeInterval = 86_400,
        closesIn: TimeInterval = 2 * 86_400,
        preset: String? = nil
    ) async throws {
        let now = Date()
        let step = """
            {"opensAt": "\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))", "deadline": "\(ShanghaiTime.format(now.addingTimeInterval(deadlineIn)))", "closesAt": "\(ShanghaiTime.format(now.addingTimeInterval(closesIn)))"}
            """
        let response = try await call(
            http,
            .put,
            "\(Self.cycleBase)/\(cycle)",
            as: "office",
            json: """
                {\(preset.map { #""preset": "\#($0)""# } ?? #""scheme": "county-2021", "policy": "tied-2023""#), "steps": {"self_assessment": \(step), "assessment": \(step), "roster": \(step)}}
                """
        )
        #expect(response.status == .created, "\(String(buffer: response.body))")
        let enrol = try await call(
            http,
            .put,
            "\(Self.cycleBase)/\(cycle)/units",
            as: "office",
            json: #"{"units": ["\#(Self.unitA)", "\#(Self.unitB)", "\#(Self.unitC)"]}"#
        )
        #expect(enrol.status == .ok, "\(String(buffer: enrol.body))")
    }

    /// A valid county-2021 sheet totalling 89.00 (key_tasks as given).
    static func sheet(keyTasks: String = "18", extraScore: String = "", political: String = "good") -> String {
        """
        {"scores": {"key_tasks": \(keyTasks), "main_duties": 28, "registration": 9, "innovation": 4, "excellence": 6,
                    "staff_eval": 3, "client_eval": 4, "leader_eval": 9, "dept_organisation": 2, "dept_staffing": 2,
                    "dept_hrss": 2, "dept_finance": 2\(extraScore)},
         "qualitative": {"political": "\(political)", "cadre": "好", "organisation": "good", "conduct": "good"}}
        """
    }

    struct Problem: Decodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var field: String?
        var rule: String?
    }

    static func problem(_ response: TestResponse) throws -> Problem {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }
}
