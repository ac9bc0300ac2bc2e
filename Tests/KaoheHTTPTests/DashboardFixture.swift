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
import Prometheus
import Testing

/// The filing fixture's two counties and accounts (plus a reviewer), each with a web password, and a
/// cycle 2026 whose deadlines passed an hour ago: every unit is late until it files.
struct DashboardFixture {
    static let password = "correct horse 1"
    /// bcrypt cost 4 keeps the tests fast; production uses 12.
    static let policy: WebSessionPolicy = {
        var policy = WebSessionPolicy()
        policy.bcryptCost = 4
        return policy
    }()

    let base: FilingAPIFixture
    var client: PostgresClient { base.client }
    static let county = FilingAPIFixture.county
    static let cyclePath = "/counties/\(FilingAPIFixture.county)/cycles/2026"

    static func make(_ label: String = #function) async throws -> DashboardFixture {
        let base = try await FilingAPIFixture.make(label)
        try await RegistryStore(client: base.client).addReviewer(ReviewerRecord(county: county, id: "wang.li", name: "王立"), actor: "test")
        _ = try await AccountStore(client: base.client).create(
            Principal(county: county, account: "reviewer", role: .reviewer, reviewer: "wang.li"),
            displayName: "王立"
        )
        let sessions = WebSessionStore(client: base.client, policy: policy)
        for account in ["office", "auditor", "unit-a", "unit-b", "edu", "health", "reviewer"] {
            try await sessions.setPassword(county: county, account: account, password: password)
        }
        try await sessions.setPassword(county: FilingAPIFixture.otherCounty, account: "other-office", password: password)
        let fixture = DashboardFixture(base: base)
        try await fixture.app().test(.router) { http in
            try await base.openCycle(http, deadlineIn: -3600, closesIn: 86_400)
            let filed = try await base.call(
                http,
                .put,
                FilingAPIFixture.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "本年度工作总结"}"#
            )
            #expect(filed.status == .created || filed.status == .ok, "\(String(buffer: filed.body))")
        }
        return fixture
    }

    func app(secureCookies: Bool = false) throws -> some ApplicationProtocol {
        buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry(),
                dashboard: DashboardConfiguration(sessions: Self.policy, secureCookies: secureCookies)
            ),
            logger: base.logger
        )
    }
}

/// A browser without JavaScript: keeps cookies, submits forms.
struct Browser {
    var cookies: [String: String] = [:]
    var lastSetCookies: [String] = []

    mutating func get(_ http: some TestClientProtocol, _ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(http, .get, path, body: nil, headers: headers)
    }

    mutating func post(
        _ http: some TestClientProtocol,
        _ path: String,
        form: [(String, String)],
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(http, .post, path, body: body, headers: headers)
    }

    mutating func send(
        _ http: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        body: String?,
        headers: HTTPFields
    ) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await http.executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        lastSetCookies = response.headers[values: .setCookie]
        for header in lastSetCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// Logs in through the form; returns the POST's answer.
    @discardableResult
    mutating func login(
        _ http: some TestClientProtocol,
        county: CountyCode = DashboardFixture.county,
        account: String,
        password: String = DashboardFixture.password,
        next: String = ""
    ) async throws -> TestResponse {
        let form = try await get(http, "/login")
        #expect(form.status == .ok)
        let csrf = Self.csrf(in: String(buffer: form.body)) ?? ""
        return try await post(
            http,
            "/login",
            form: [("_csrf", csrf), ("next", next), ("county", county.rawValue), ("account", account), ("password", password)]
        )
    }

    /// The `_csrf` value of the first form of a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}
