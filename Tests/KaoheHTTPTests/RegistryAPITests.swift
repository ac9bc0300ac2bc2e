import Foundation
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Prometheus
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Registry API: units, reviewers, CSV upload, scopes")
struct RegistryAPITests {
    let logger = TestCluster.logger("test.registry-api")

    /// Valid unified social credit codes: `12` + division + serial, with the GB 32100 check symbol.
    static func code(_ serial: Int, division: CountyCode = "990101") -> String {
        UnifiedSocialCreditCode.publicInstitution(division: division, serial: serial).rawValue
    }

    /// The seeded world: county 990101 with units 1–3 (education) and 4–5 (health), county 990102
    /// with unit 1 of its own; a token per role.
    struct World {
        var client: PostgresClient
        var office: String
        var auditor: String
        var committee: String
        var unit: String
        var reviewer: String
        var otherOffice: String
        var revokedTokenID: UUID
        var revoked: String
    }

    func world(_ label: String = #function) async throws -> World {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let registry = RegistryStore(client: client)
        func unit(_ n: Int, _ committee: String, county: CountyCode = "990101") -> UnitRecord {
            UnitRecord(
                county: county,
                code: UnitCode(Self.code(n, division: county)),
                name: "单位\(n)",
                committee: committee,
                department: committee + "-bureau",
                headcount: n * 10
            )
        }
        try await registry.enrol(
            county: County(code: "990101", name: "示例县"),
            committees: [
                Committee(county: "990101", id: "education", name: "教育专业考核委员会"),
                Committee(county: "990101", id: "health", name: "卫生健康专业考核委员会"),
            ],
            departments: [
                Department(county: "990101", id: "education-bureau", name: "县教育局"),
                Department(county: "990101", id: "health-bureau", name: "县卫生健康局"),
            ],
            units: [unit(1, "education"), unit(2, "education"), unit(3, "education"), unit(4, "health"), unit(5, "health")]
        )
        try await registry.enrol(
            county: County(code: "990102", name: "某县"),
            committees: [Committee(county: "990102", id: "education", name: "教育")],
            departments: [Department(county: "990102", id: "education-bureau", name: "教育局")],
            units: [unit(1, "education", county: "990102")]
        )
        try await registry.addReviewer(ReviewerRecord(county: "990101", id: "wang.li", name: "王丽", committee: "health"), actor: "t")
        let accounts = AccountStore(client: client)
        let revoked = try await accounts.create(Principal(county: "990101", account: "old", role: .office), displayName: "旧")
        try await accounts.revoke(county: "990101", tokenID: revoked.tokenID)
        return World(
            client: client,
            office: try await Self.token(accounts, Principal(county: "990101", account: "clerk", role: .office)),
            auditor: try await Self.token(accounts, Principal(county: "990101", account: "jijian", role: .auditor)),
            committee: try await Self.token(
                accounts,
                Principal(county: "990101", account: "edu", role: .committee, committee: "education")
            ),
            unit: try await Self.token(
                accounts,
                Principal(county: "990101", account: "school1", role: .unit, unitCode: UnitCode(Self.code(1)))
            ),
            reviewer: try await Self.token(accounts, Principal(county: "990101", account: "wang", role: .reviewer, reviewer: "wang.li")),
            otherOffice: try await Self.token(accounts, Principal(county: "990102", account: "clerk", role: .office)),
            revokedTokenID: revoked.tokenID,
            revoked: revoked.token.secret
        )
    }

    static func token(_ accounts: AccountStore, _ principal: Principal) async throws -> String {
        try await accounts.create(principal, displayName: principal.account).token.secret
    }

    func codes(_ http: some TestClientProtocol, _ token: String) async throws -> [String] {
        try await http.execute(uri: "/api/v1/counties/990101/units", method: .get, headers: headers(token)) { response in
            #expect(response.status == .ok)
            return try JSONDecoder().decode(UnitList.self, from: Data(response.body.readableBytesView)).units.map(\.code)
        }
    }

    func status(_ http: some TestClientProtocol, _ token: String, _ code: String) async throws -> HTTPResponse.Status {
        try await http.execute(uri: "/api/v1/counties/990101/units/\(code)", method: .get, headers: headers(token)) { $0.status }
    }

    func app(_ client: PostgresClient) throws -> some ApplicationProtocol {
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

    struct UnitList: Decodable {
        struct Unit: Decodable {
            var code: String
            var name: String
            var committee: String
            var department: String
            var headcount: Int
        }
        var county: String
        var units: [Unit]
    }

    struct Problem: Decodable {
        var status: Int
        var detail: String
        var field: String?
        var rule: String?
    }

    struct ImportResult: Decodable {
        var rows: Int
        var inserted: Int
        var updated: Int
        var unchanged: Int
        var sha256: String
        var auditSeq: Int64
    }

    func headers(_ token: String, contentType: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    @Test("GET units: office and auditor see all, a committee its units, a unit itself, a reviewer none")
    func listByScope() async throws {
        let world = try await world()
        try await app(world.client).test(.router) { http in
            do {
                let value = try await codes(http, world.office)
                #expect(value == (1...5).map { Self.code($0) }.sorted())
            }
            do {
                let value = try await codes(http, world.auditor)
                #expect(value.count == 5)
            }
            do {
                let value = try await codes(http, world.committee)
                #expect(value == (1...3).map { Self.code($0) }.sorted())
            }
            do {
                let value = try await codes(http, world.unit)
                #expect(value == [Self.code(1)])
            }
            do {
                let value = try await codes(http, world.reviewer)
                #expect(value == [])
            }
        }
        await world.client.close()
    }

    @Test("GET one unit: 200 inside the scope, 404 outside it, exactly as for a unit that does not exist")
    func oneUnitByScope() async throws {
        let world = try await world()
        try await app(world.client).test(.router) { http in
            do {
                let value = try await status(http, world.office, Self.code(4))
                #expect(value == .ok)
            }
            do {
                let value = try await status(http, world.auditor, Self.code(4))
                #expect(value == .ok)
            }
            do {
                let value = try await status(http, world.committee, Self.code(2))
                #expect(value == .ok)
            }
            do {
                let value = try await status(http, world.committee, Self.code(4))
                #expect(value == .notFound)
            }
            do {
                let value = try await status(http, world.unit, Self.code(1))
                #expect(value == .ok)
            }
            do {
                let value = try await status(http, world.unit, Self.code(1).lowercased())
                #expect(value == .ok)
            }
            do {
                let value = try await status(http, world.unit, Self.code(2))
                #expect(value == .notFound)
            }
            do {
                let value = try await status(http, world.reviewer, Self.code(1))
                #expect(value == .notFound)
            }

            let hidden = try await http.execute(
                uri: "/api/v1/counties/990101/units/\(Self.code(4))",
                method: .get,
                headers: headers(world.committee)
            ) { response in
                try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
            }
            let missing = try await http.execute(
                uri: "/api/v1/counties/990101/units/\(Self.code(99))",
                method: .get,
                headers: headers(world.committee)
            ) { response in
                try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
            }
            #expect(hidden.status == 404)
            #expect(missing.status == 404)
            #expect(hidden.rule == missing.rule)
        }
        await world.client.close()
    }

    @Test("a principal of another county gets 404 for everything under /counties/{other}")
    func otherCountyIs404() async throws {
        let world = try await world()
        try await app(world.client).test(.router) { http in
            for uri in [
                "/api/v1/counties/990101/units", "/api/v1/counties/990101/units/\(Self.code(1))", "/api/v1/counties/990101/reviewers",
            ] {
                try await http.execute(uri: uri, method: .get, headers: headers(world.otherOffice)) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            let csv = "code,name,committee,department,headcount\n\(Self.code(9)),x,education,education-bureau,1\n"
            try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.otherOffice, contentType: "text/csv"),
                body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .notFound)
            }
            // Its own county is fine.
            try await http.execute(uri: "/api/v1/counties/990102/units", method: .get, headers: headers(world.otherOffice)) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await RegistryStore(client: world.client).unit(county: "990101", code: UnitCode(Self.code(9))) == nil)
        await world.client.close()
    }

    @Test("GET reviewers: office and auditor; other roles 403")
    func reviewers() async throws {
        let world = try await world()
        try await app(world.client).test(.router) { http in
            try await http.execute(uri: "/api/v1/counties/990101/reviewers", method: .get, headers: headers(world.office)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("王丽"))
            }
            try await http.execute(uri: "/api/v1/counties/990101/reviewers", method: .get, headers: headers(world.auditor)) { response in
                #expect(response.status == .ok)
            }
            for token in [world.committee, world.unit, world.reviewer] {
                try await http.execute(uri: "/api/v1/counties/990101/reviewers", method: .get, headers: headers(token)) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
        await world.client.close()
    }

    @Test("a revoked or missing token is 401")
    func revokedToken() async throws {
        let world = try await world()
        try await app(world.client).test(.router) { http in
            try await http.execute(uri: "/api/v1/counties/990101/units", method: .get, headers: headers(world.revoked)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
            try await http.execute(uri: "/api/v1/counties/990101/units", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            // Revoking a live token takes effect on the next request.
            try await http.execute(uri: "/api/v1/counties/990101/units", method: .get, headers: headers(world.office)) {
                #expect($0.status == .ok)
            }
            let list = try await AccountStore(client: world.client).list(county: "990101")
            let clerkToken = try #require(list.first { $0.principal.account == "clerk" }?.tokens.first?.id)
            try await AccountStore(client: world.client).revoke(county: "990101", tokenID: clerkToken)
            try await http.execute(uri: "/api/v1/counties/990101/units", method: .get, headers: headers(world.office)) {
                #expect($0.status == .unauthorized)
            }
        }
        await world.client.close()
    }

    @Test("PUT units (text/csv) by the office imports through the same code path and lists the counts")
    func putImports() async throws {
        let world = try await world()
        let csv =
            "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\r\n"
            + "\(Self.code(1)),单位1改名,education,education-bureau,10\r\n"
            + "\(Self.code(6)),新单位6,health,health-bureau,60\r\n"
        try await app(world.client).test(.router) { http in
            let result = try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.office, contentType: "text/csv; charset=utf-8"),
                body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .ok)
                return try JSONDecoder().decode(ImportResult.self, from: Data(response.body.readableBytesView))
            }
            #expect(result.rows == 2)
            #expect(result.inserted == 1)
            #expect(result.updated == 1)
            #expect(result.sha256.count == 64)
        }
        #expect(try await RegistryStore(client: world.client).unit(county: "990101", code: UnitCode(Self.code(1)))?.name == "单位1改名")
        let actor = try await world.client.query("SELECT actor FROM audit_log WHERE county = '990101' AND action = 'unit.import'").single(
            String.self
        )
        #expect(actor == "990101/clerk")
        await world.client.close()
    }

    @Test("PUT units: a bad checksum on line 7 is 422 naming line 7, the column and position 18; nothing changes")
    func putRejectsLine7() async throws {
        let world = try await world()
        let before = try await RegistryStore(client: world.client).units(county: "990101")
        var lines = ["统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数"]
        lines += (10...14).map { "\(Self.code($0)),新单位\($0),education,education-bureau,5" }
        let good = Self.code(15)
        lines.append(String(good.dropLast()) + (good.last == "0" ? "1" : "0") + ",坏代码,health,health-bureau,1")
        lines.append("\(Self.code(16)),新单位16,health,health-bureau,5")
        let body = lines.joined(separator: "\n")
        try await app(world.client).test(.router) { http in
            try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.office, contentType: "text/csv"),
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
                #expect(problem.field == "line 7, column 1 (统一社会信用代码)")
                #expect(problem.rule == "uscc.checksum")
                #expect(problem.detail.contains("第18位"))
            }
        }
        #expect(try await RegistryStore(client: world.client).units(county: "990101") == before)
        await world.client.close()
    }

    @Test("PUT units: GB18030 body accepted; committee and auditor 403; wrong media type 415")
    func putEncodingsAndRoles() async throws {
        let world = try await world()
        let text = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\r\n\(Self.code(7)),示例县第一中学,教育专业考核委员会,县教育局,80\r\n"
        let gb18030 = try Self.gb18030(text)
        try await app(world.client).test(.router) { http in
            try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.office, contentType: "text/csv"),
                body: ByteBuffer(bytes: gb18030)
            ) { response in
                #expect(response.status == .ok)
            }
            for token in [world.committee, world.auditor, world.unit] {
                try await http.execute(
                    uri: "/api/v1/counties/990101/units",
                    method: .put,
                    headers: headers(token, contentType: "text/csv"),
                    body: ByteBuffer(string: text)
                ) { response in
                    #expect(response.status == .forbidden)
                }
            }
            try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.office, contentType: "application/json"),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await http.execute(
                uri: "/api/v1/counties/990101/units",
                method: .put,
                headers: headers(world.office, contentType: "text/csv"),
                body: ByteBuffer(string: "code,name\n1,\"unclosed\n")
            ) { response in
                #expect(response.status == .badRequest)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(response.body.readableBytesView))
                #expect(problem.rule == "csv.quote")
                #expect(problem.field == "line 2, column 2")
            }
        }
        #expect(try await RegistryStore(client: world.client).unit(county: "990101", code: UnitCode(Self.code(7)))?.name == "示例县第一中学")
        await world.client.close()
    }

    @Test("the registry routes are in the /api/v1 route table")
    func routeTable() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        let (_, api) = buildRoutes(
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry()
            ),
            logger: logger
        )
        let routes = Set(api.routes.map(\.description))
        #expect(
            routes.isSuperset(of: [
                "GET /api/v1/counties/{county}/units", "PUT /api/v1/counties/{county}/units",
                "GET /api/v1/counties/{county}/units/{code}", "GET /api/v1/counties/{county}/reviewers",
            ])
        )
        await client.close()
    }

    static func gb18030(_ text: String) throws -> [UInt8] {
        let descriptor = iconv_open("GB18030", "UTF-8")
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { throw CancellationError() }
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var inLeft = input.count
        var outLeft = output.count
        let result = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                return iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        guard result != -1 else { throw CancellationError() }
        return Array(output[..<(output.count - outLeft)])
    }
}
