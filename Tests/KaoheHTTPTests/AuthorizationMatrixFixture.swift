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

/// The world of the authorization matrix, on a fresh database of the shared test cluster:
///
/// - county A `350121` with committees C1 `education` and C2 `health`, units U1 and U2 (C1) and
///   U3 (C2), the reviewer `wang.li`; county B `350122` with unit X1;
/// - in each county a cycle `2026` whose three steps are open, with every unit enrolled; a cycle
///   `2026-Q1` (open too) whose step the office may close, and `2026-Q2` to freeze and draw; a
///   cycle `2027` under `municipal-2019` with no step open, whose committees may set their weights;
/// - every unit has filed each of the three kinds once (version 1), and a `seed.pdf` attachment;
///   the committee totals differ (89, 88, 87), so grading meets no tie;
/// - cycle `2026` has been drawn: every unit is sampled, and the reviewer is assigned to U1 (so it
///   sees U1 and nothing else);
/// - a token for each role of the matrix — office, committee C1, unit U1, reviewer, auditor of
///   county A and the office of county B — and for the accounts that seed the filings.
struct AuthorizationMatrixFixture {
    static let countyA = TwoCountyWorld.county
    static let countyB = TwoCountyWorld.otherCounty
    /// A county that does not exist.
    static let ghostCounty: CountyCode = "350199"
    static let u1 = TwoCountyWorld.unitA
    static let u2 = TwoCountyWorld.unitB
    static let u3 = TwoCountyWorld.unitC
    static let x1 = uscc(serial: 1, division: countyB)
    /// A well-formed code no county has registered.
    static let ghostUnit = uscc(serial: 999, division: countyA)

    let client: PostgresClient
    /// Bearer tokens by account.
    let tokens: [String: String]
    let logger: Logger

    /// A unified social credit code `12` + division + serial with its GB 32100 check symbol.
    static func uscc(serial: Int, division: CountyCode) -> String {
        UnifiedSocialCreditCode.publicInstitution(division: division, serial: serial).rawValue
    }

    static func make(_ label: String = #function) async throws -> AuthorizationMatrixFixture {
        let logger = TestCluster.logger("test.authorization-matrix")
        let client = try await TwoCountyWorld.freshClient(label, logger: logger)
        try await TwoCountyWorld.enrol(client, otherUnit: x1)
        let registry = RegistryStore(client: client)
        // Its committee and department (回避) rule out every unit for a real draw: only the recorded
        // draw of cycle 2026 assigns it, to U1.
        try await registry.addReviewer(
            ReviewerRecord(county: countyA, id: "wang.li", name: "王丽", committee: "health", department: "edu"),
            actor: "test"
        )

        let tokens = try await TwoCountyWorld.tokens(
            client,
            for: [
                // The roles of the matrix.
                Principal(county: countyA, account: "office", role: .office),
                Principal(county: countyA, account: "committee", role: .committee, committee: "education"),
                Principal(county: countyA, account: "unit", role: .unit, unitCode: UnitCode(u1)),
                Principal(county: countyA, account: "reviewer", role: .reviewer, reviewer: "wang.li"),
                Principal(county: countyA, account: "auditor", role: .auditor),
                Principal(county: countyB, account: "office-b", role: .office),
                // Accounts that seed the other units' filings.
                Principal(county: countyA, account: "unit-u2", role: .unit, unitCode: UnitCode(u2)),
                Principal(county: countyA, account: "unit-u3", role: .unit, unitCode: UnitCode(u3)),
                Principal(county: countyA, account: "committee-c2", role: .committee, committee: "health"),
                Principal(county: countyB, account: "unit-x1", role: .unit, unitCode: UnitCode(x1)),
                Principal(county: countyB, account: "committee-b", role: .committee, committee: "education"),
            ]
        )

        return AuthorizationMatrixFixture(client: client, tokens: tokens, logger: logger)
    }

    /// The application `buildRoutes` makes (tests drive it with `.test(.router)`; `seed` first),
    /// and the table of its `/api/v1` routes.
    func build() throws -> (application: some ApplicationProtocol, routes: [APIRoute]) {
        let (router, api) = buildRoutes(
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry()
            ),
            logger: logger
        )
        return (Application(router: router, logger: logger), api.routes)
    }

    /// Sends one request; `token` nil sends none.
    func send(
        _ http: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        body: [UInt8]? = nil,
        contentType: String? = nil,
        idempotencyKey: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let contentType { headers[.contentType] = contentType }
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = "\"\(idempotencyKey)\"" }
        return try await http.executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// Sends a setup request as `account` and requires a 2xx.
    func setUp(
        _ http: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as account: String,
        body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws {
        let response = try await send(http, method, path, token: tokens[account]!, body: body, contentType: body == nil ? nil : contentType)
        guard (200..<300).contains(response.status.code) else {
            throw FixtureError(description: "setup \(method) \(path) as \(account): \(response.status) \(String(buffer: response.body))")
        }
    }

    struct FixtureError: Error, CustomStringConvertible { var description: String }

    static let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
    /// A county-2021 score sheet totalling 71 + `keyTasks`.
    static func sheet(keyTasks: Int, reviewer: String? = nil) -> [UInt8] {
        Array(
            """
            {"scores": {"key_tasks": \(keyTasks), "main_duties": 28, "registration": 9, "innovation": 4, "excellence": 6,
                        "staff_eval": 3, "client_eval": 4, "leader_eval": 9, "dept_organisation": 2, "dept_staffing": 2,
                        "dept_hrss": 2, "dept_finance": 2},
             "qualitative": {"political": "好", "cadre": "好", "organisation": "中", "conduct": "好"}\(reviewer.map { #", "reviewer": "\#($0)""# } ?? "")}
            """.utf8
        )
    }

    /// Each unit's key-task score: committee totals 89 (U1, X1), 88 (U2), 87 (U3).
    static func keyTasks(_ unit: String) -> Int {
        [u1: 18, u2: 17, u3: 16][unit] ?? 18
    }

    /// The account of a unit's committee.
    static func committeeAccount(_ unit: String) -> String {
        [u1: "committee", u2: "committee", u3: "committee-c2"][unit] ?? "committee-b"
    }
    static let roster = Array(
        #"{"staff": [{"staffNo": "001", "name": "张三", "score": 80, "grade": "合格"}, {"staffNo": "002", "name": "李四", "score": 65, "grade": "基本合格"}, {"staffNo": "003", "name": "王五", "score": 64, "grade": "基本合格"}, {"staffNo": "004", "name": "赵六", "grade": "不定等次", "underInvestigation": true}]}"#
            .utf8
    )
    static let report = Array(#"{"report": "本年度完成重点任务……"}"#.utf8)

    /// Opens the cycles and files version 1 of every filing of every unit.
    func seed(_ http: some TestClientProtocol) async throws {
        let now = Date()
        let step = """
            {"opensAt": "\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))", "deadline": "\(ShanghaiTime.format(now.addingTimeInterval(86_400)))", "closesAt": "\(ShanghaiTime.format(now.addingTimeInterval(2 * 86_400)))"}
            """
        let cycle = Array(#"{"steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#.utf8)
        for (county, office, units) in [(Self.countyA, "office", [Self.u1, Self.u2, Self.u3]), (Self.countyB, "office-b", [Self.x1])] {
            for id in ["2026", "2026-Q1", "2026-Q2"] {
                try await setUp(http, .put, "/api/v1/counties/\(county)/cycles/\(id)", as: office, body: cycle)
                try await setUp(
                    http,
                    .put,
                    "/api/v1/counties/\(county)/cycles/\(id)/units",
                    as: office,
                    body: Array(#"{"units": [\#(units.map { "\"\($0)\"" }.joined(separator: ", "))]}"#.utf8)
                )
            }
            // 2027 under 篇十二's scheme, no step open yet: its committees may still set their weights.
            try await setUp(
                http,
                .put,
                "/api/v1/counties/\(county)/cycles/2027",
                as: office,
                body: Array(#"{"preset": "municipal-2019"}"#.utf8)
            )
        }
        for (county, code, unitAccount, committeeAccount) in [
            (Self.countyA, Self.u1, "unit", "committee"), (Self.countyA, Self.u2, "unit-u2", "committee"),
            (Self.countyA, Self.u3, "unit-u3", "committee-c2"), (Self.countyB, Self.x1, "unit-x1", "committee-b"),
        ] {
            let base = "/api/v1/counties/\(county)/cycles/2026/units/\(code)"
            try await setUp(http, .put, base + "/self-assessment", as: unitAccount, body: Self.report)
            try await setUp(
                http,
                .put,
                base + "/self-assessment/attachments/seed.pdf",
                as: unitAccount,
                body: Self.pdf,
                contentType: "application/pdf"
            )
            try await setUp(http, .put, base + "/assessment", as: committeeAccount, body: Self.sheet(keyTasks: Self.keyTasks(code)))
            try await setUp(http, .put, base + "/roster", as: unitAccount, body: Self.roster)
        }
        try await recordDraw(county: Self.countyA, units: [Self.u1, Self.u2, Self.u3], assigned: [Self.u1: "wang.li"])
        try await recordDraw(county: Self.countyB, units: [Self.x1], assigned: [:])
    }

    /// Records a completed draw of cycle 2026 selecting `units`, with reviewers assigned as given
    /// (a real draw picks by lot; the matrix needs to know which unit the reviewer sees).
    func recordDraw(county: CountyCode, units: [String], assigned: [String: String]) async throws {
        try await client.execute(
            """
            INSERT INTO spot_check_draws (county, cycle, draw_no, population, population_hash, population_size, frozen_at, frozen_by,
                seed, seed_source, algorithm, algorithm_version, percent, stratification, reviewers_per_unit, reviewer_register, drawn_at, drawn_by)
            VALUES (\(county), '2026', 1, '[]', repeat('0', 64), \(units.count), now(), 'office', '01382438112797316654', 'dice',
                    'consistent_sampler', '1', 10, 'committee', 1, '[]', now(), 'office')
            """
        )
        for (rank, unit) in units.enumerated() {
            try await client.execute(
                """
                INSERT INTO spot_check_selections (county, cycle, draw_no, unit_code, stratum, ticket, rank)
                VALUES (\(county), '2026', 1, \(unit), 'county', \("0.\(rank + 1)"), \(rank + 1))
                """
            )
        }
        for (unit, reviewer) in assigned {
            try await client.execute(
                """
                INSERT INTO reviewer_assignments (county, cycle, draw_no, unit_code, reviewer, ticket, rank)
                VALUES (\(county), '2026', 1, \(unit), \(reviewer), '0.5', 1)
                """
            )
        }
    }

    /// The latest objection on `unit` (nil when it has none).
    func objection(county: CountyCode, unit: String) async throws -> Int64? {
        try await client.query("SELECT max(id) AS id FROM objections WHERE county = \(county) AND unit_code = \(unit)").first?
            .decode(Int64?.self, column: "id")
    }

    /// The latest staff appeal of `county`.
    func appeal(county: CountyCode) async throws -> Int64? {
        try await client.query("SELECT max(id) AS id FROM staff_appeals WHERE county = \(county)").first?.decode(Int64?.self, column: "id")
    }

    /// Publicity closes (as if five working days had passed) and each unit's committee rejects every
    /// open objection: what finalising needs.
    func endPublicity(_ http: some TestClientProtocol) async throws {
        try await client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second'")
        let open = try await client.query("SELECT county, id, unit_code FROM objections WHERE outcome IS NULL ORDER BY id")
        for row in open {
            let county = try row.decode(String.self, column: "county")
            let id = try row.decode(Int64.self, column: "id")
            let unit = try row.decode(String.self, column: "unit_code")
            try await setUp(
                http,
                .put,
                "/api/v1/counties/\(county)/cycles/2026/objections/\(id)/review",
                as: Self.committeeAccount(unit),
                body: Array(#"{"outcome": "rejected"}"#.utf8)
            )
        }
    }
}
