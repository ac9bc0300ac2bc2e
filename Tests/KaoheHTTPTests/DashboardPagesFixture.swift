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

/// A cycle taken through assessment, a spot-check draw with a reviewer, re-checks and a grading
/// proposal (FilingAPIFixture's county: units A and B of 教育, C of 卫健), and a browser session per
/// account, for the dashboard page tests (unit page, spot check, results, committees).
///
/// Scores: A 89.00 (re-checked 84.00: overridden), B 88.00, C 87.00 (re-checked 87.00). The draw
/// selects A and C; reviewer `rev1` (核验员甲) is assigned to C.
struct DashboardPagesFixture {
    typealias F = FilingAPIFixture
    let f: F
    /// Session cookie and CSRF token by account: office, auditor, edu, health, unit-a, unit-b, rev1, other-office.
    var sessions: [String: (cookie: String, csrf: String)] = [:]

    static let base = "/counties/\(F.county)/cycles/2026"

    /// `keyTasks` gives A, B and C's key-task points (totals 71 + each); equal totals make a tie
    /// conflict. `standingOn` makes the stores' "today" that day (as `FilingAPIFixture.make`).
    static func make(
        _ label: String = #function,
        propose: Bool = true,
        keyTasks: (String, String, String) = ("18", "17", "16"),
        standingOn day: String? = nil
    ) async throws -> DashboardPagesFixture {
        let f = try await F.make(label, standingOn: day)
        var fixture = DashboardPagesFixture(f: f)
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await GradingAPITests.assess(
                f,
                http,
                [(F.unitA, "edu", keyTasks.0), (F.unitB, "edu", keyTasks.1), (F.unitC, "health", keyTasks.2)]
            )
            try await f.client.execute("INSERT INTO reviewers (county, reviewer, name) VALUES (\(F.county), 'rev1', '核验员甲')")
            _ = try await AccountStore(client: f.client).create(
                Principal(county: F.county, account: "rev1", role: .reviewer, reviewer: "rev1"),
                displayName: "核验员甲"
            )
            try await GradingAPITests.draw(f, units: [F.unitA, F.unitC], assigned: [F.unitC])
            var response = try await f.call(
                http,
                .put,
                F.unitPath("recheck"),
                as: "office",
                json: GradingAPITests.recheck(F.sheet(keyTasks: "13"))
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            response = try await f.call(
                http,
                .put,
                F.unitPath("recheck", unit: F.unitC),
                as: "office",
                json: GradingAPITests.recheck(F.sheet(keyTasks: keyTasks.2), reviewer: "rev1")
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            if propose {
                response = try await f.call(http, .post, GradingAPITests.grading + "/proposal", as: "office", json: "{}")
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
        }
        var policy = WebSessionPolicy()
        policy.bcryptCost = 4
        let store = WebSessionStore(client: f.client, policy: policy)
        for (county, account) in [
            (F.county, "office"), (F.county, "auditor"), (F.county, "edu"), (F.county, "health"), (F.county, "unit-a"),
            (F.county, "unit-b"), (F.county, "rev1"), (F.otherCounty, "other-office"),
        ] {
            try await store.setPassword(county: county, account: account, password: "dashboard-pass-1")
            let login = try #require(try await store.login(county: county, account: account, password: "dashboard-pass-1"))
            fixture.sessions[account] = ("kaohe_session=" + login.secret, login.session.csrfToken)
        }
        return fixture
    }

    /// GET `path` in `account`'s browser session.
    func get(_ http: some TestClientProtocol, _ path: String, as account: String) async throws -> TestResponse {
        try await http.executeRequest(uri: path, method: .get, headers: [.cookie: sessions[account]!.cookie], body: nil)
    }

    /// POST a form in `account`'s session; `csrf` nil leaves the token out.
    func post(
        _ http: some TestClientProtocol,
        _ path: String,
        as account: String,
        csrf: String?,
        fields: [String: String] = [:]
    ) async throws -> TestResponse {
        var all = fields
        if let csrf { all["_csrf"] = csrf }
        // In key order: the same fields are the same bytes (a resent form is byte for byte the first).
        let body = all.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(
            separator: "&"
        )
        return try await http.executeRequest(
            uri: path,
            method: .post,
            headers: [.cookie: sessions[account]!.cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        )
    }

    /// POST a `multipart/form-data` form with one file in `account`'s session, as a browser sends it.
    func upload(
        _ http: some TestClientProtocol,
        _ path: String,
        as account: String,
        csrf: String?,
        file: (name: String, bytes: [UInt8]),
        fields: [String: String] = [:]
    ) async throws -> TestResponse {
        try await upload(http, path, as: account, csrf: csrf, fields: fields, files: [("file", file.name, file.bytes)])
    }

    /// A `multipart/form-data` POST as a browser sends it: the text fields, then each file part.
    func upload(
        _ http: some TestClientProtocol,
        _ path: String,
        as account: String,
        csrf: String?,
        fields: [String: String],
        files: [(field: String, name: String, bytes: [UInt8])]
    ) async throws -> TestResponse {
        let boundary = "----kaoheTestBoundary7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        var all = fields
        if let csrf { all["_csrf"] = csrf }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8
            )
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await http.executeRequest(
            uri: path,
            method: .post,
            headers: [.cookie: sessions[account]!.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"],
            body: ByteBuffer(bytes: body)
        )
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The bytes of a CSV download start with the UTF-8 BOM and are served as text/csv.
    static func expectExcelCSV(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .ok, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "text/csv; charset=utf-8", sourceLocation: sourceLocation)
        #expect(Array(response.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF], sourceLocation: sourceLocation)
    }
}
