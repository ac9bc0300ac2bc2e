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

/// 账号管理 in the browser: the office creates the unit accounts of a committee in one go (a printable
/// sheet with passwords that log in), resets a password, issues and revokes an API token; nobody
/// else finds the page.
@Suite("Dashboard: accounts (账号管理)")
struct DashboardAccountsTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static func passwords(_ page: String) -> [String] {
        page.components(separatedBy: "<td class=\"code password\">").dropFirst().compactMap { $0.components(separatedBy: "</td>").first }
    }

    @Test("unit accounts for a committee with a first-login sheet; a password reset; a token issued, used and revoked; 404 for others")
    func accounts() async throws {
        let d = try await D.make(propose: false)
        let sessions = WebSessionStore(client: d.f.client)
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, "/accounts", as: "office"))
            #expect(page.contains("action=\"/accounts/units\""))
            #expect(page.contains("unit-a") && page.contains("事业单位"))
            D.expectExcelCSV(try await d.get(http, "/accounts.csv", as: "office"))
            for account in ["edu", "unit-a", "auditor"] {
                #expect(try await d.get(http, "/accounts", as: account).status == .notFound, "\(account)")
                #expect(
                    try await d.post(
                        http,
                        "/accounts/password",
                        as: account,
                        csrf: d.sessions[account]!.csrf,
                        fields: ["account": "office"]
                    )
                    .status == .notFound
                )
            }
            #expect(
                try await d.post(http, "/accounts/units", as: "office", csrf: nil, fields: ["committee": "health"]).status == .forbidden
            )

            // 卫健: unit C has no account yet; 教育's A and B have theirs and are left alone.
            var response = try await d.post(http, "/accounts/units", as: "office", csrf: csrf, fields: ["committee": "health"])
            #expect(response.status == .ok)
            page = D.text(response)
            #expect(page.contains("首次登录通知单"))
            let account = "u-" + F.unitC.lowercased()
            #expect(page.contains(account))
            let created = try #require(Self.passwords(page).first)
            #expect(created.count == 12)
            // A web account: no API token nobody holds.
            #expect(
                try await d.f.client.query("SELECT count(*)::int AS n FROM api_tokens WHERE account = \(account)").single(Int.self) == 0
            )
            #expect(try await sessions.login(county: F.county, account: account, password: created) != nil)
            #expect(response.headers[.cacheControl] == "no-store")
            response = try await d.post(http, "/accounts/units", as: "office", csrf: csrf, fields: ["committee": "education"])
            page = D.text(response)
            #expect(Self.passwords(page).isEmpty)
            #expect(page.contains("已有账号、未作更改的单位"))
            // A disabled account keeps its name: the unit is left alone, not created again.
            try await d.f.client.execute("UPDATE accounts SET disabled_at = now() WHERE county = \(F.county) AND account = \(account)")
            response = try await d.post(http, "/accounts/units", as: "office", csrf: csrf, fields: ["committee": "health"])
            #expect(response.status == .ok)
            #expect(Self.passwords(D.text(response)).isEmpty)
            try await d.f.client.execute("UPDATE accounts SET disabled_at = NULL WHERE county = \(F.county) AND account = \(account)")

            // A reset: the new password works, the old one no longer.
            response = try await d.post(http, "/accounts/password", as: "office", csrf: csrf, fields: ["account": "unit-a"])
            #expect(response.status == .ok)
            let reset = try #require(Self.passwords(D.text(response)).first)
            #expect(try await sessions.login(county: F.county, account: "unit-a", password: reset) != nil)
            #expect(try await sessions.login(county: F.county, account: "unit-a", password: "dashboard-pass-1") == nil)
            #expect(
                try await d.post(http, "/accounts/password", as: "office", csrf: csrf, fields: ["account": "nobody"]).status
                    == .unprocessableContent
            )

            // A token: shown once, it works on the API, and after revocation it does not.
            response = try await d.post(http, "/accounts/token", as: "office", csrf: csrf, fields: ["account": "edu", "label": "人事系统对接"])
            page = D.text(response)
            let token = try #require(
                page.components(separatedBy: "<p class=\"big-hash\">").dropFirst().first?.components(separatedBy: "</p>").first
            )
            #expect(token.hasPrefix("kh_"))
            let whoami = {
                try await http.executeRequest(uri: "/api/v1/whoami", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
            }
            #expect(try await whoami().status == .ok)
            let id = try #require(page.components(separatedBy: "title=\"令牌编号 ").dropFirst().first?.components(separatedBy: "\"").first)
            #expect(UUID(uuidString: id) != nil)
            page = D.text(try await d.get(http, "/accounts", as: "office"))
            #expect(page.contains("人事系统对接") && page.contains(id))
            response = try await d.post(http, "/accounts/revoke", as: "office", csrf: csrf, fields: ["token": id])
            #expect(response.status == .seeOther)
            #expect(try await whoami().status == .unauthorized)
            let audited = try await d.f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action IN ('token.issue', 'token.revoke', 'account.create') AND actor LIKE '%office'"
            ).single(Int.self)
            #expect(audited == 3)
        }
        await d.f.client.close()
    }
}
