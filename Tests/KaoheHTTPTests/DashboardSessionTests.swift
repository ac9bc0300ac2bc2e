import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import NIOCore
import Postgres
import Testing

/// Web login, the session cookie, CSRF, logout and expiry of the dashboard.
@Suite struct DashboardSessionTests {
    static let failureText = "账号或密码错误"

    @Test func loginSetsAHardenedCookieAndOpensTheCycle() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let response = try await browser.login(http, account: "office")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("kaohe_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP: no Secure flag")
            // Only the hash of the session id is stored.
            let secret = try #require(browser.cookies["kaohe_session"])
            let stored = try await f.client.query("SELECT session_hash FROM web_sessions").map {
                try $0.decode(String.self, column: "session_hash")
            }
            #expect(stored == [APIToken.hash(secret)])
            // Home goes to the current (opened) cycle's overview; /cycles lists them all.
            let home = try await browser.get(http, "/")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == DashboardFixture.cyclePath)
            let cycles = try await browser.get(http, "/cycles")
            #expect(cycles.status == .ok)
            #expect(String(buffer: cycles.body).contains("href=\"\(DashboardFixture.cyclePath)\""))
            let overview = try await browser.get(http, DashboardFixture.cyclePath)
            #expect(overview.status == .ok)
            let html = String(buffer: overview.body)
            #expect(html.contains("闽侯县"))
            #expect(html.contains("县事考办"))
            #expect(overview.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            #expect(overview.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(overview.headers[.cacheControl] == "no-store")
        }
    }

    @Test func cookieIsSecureBehindTLS() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let form = try await browser.get(http, "/login", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let csrf = Browser.csrf(in: String(buffer: form.body)) ?? ""
            let response = try await browser.post(
                http,
                "/login",
                form: [
                    ("_csrf", csrf), ("county", DashboardFixture.county.rawValue), ("account", "edu"),
                    ("password", DashboardFixture.password),
                ],
                headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"]
            )
            #expect(response.status == .seeOther)
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("kaohe_session=") })
            #expect(cookie.contains("Secure"))
        }
        try await f.app(secureCookies: true).test(.router) { http in
            var browser = Browser()
            try await browser.login(http, account: "edu")
            #expect(browser.lastSetCookies.first { $0.hasPrefix("kaohe_session=") }?.contains("Secure") == true)
        }
    }

    @Test func wrongPasswordAndUnknownAccountGetTheSameAnswer() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let wrong = try await browser.login(http, account: "office", password: "not the password")
            var unknown = Browser()
            let nobody = try await unknown.login(http, account: "nobody", password: "not the password")
            var otherCounty = Browser()
            let elsewhere = try await otherCounty.login(http, county: FilingAPIFixture.otherCounty, account: "office")
            for response in [wrong, nobody, elsewhere] {
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(Self.failureText))
            }
            #expect(browser.cookies["kaohe_session"] == nil)
            #expect(try await f.client.query("SELECT 1 FROM web_sessions").count == 0)
        }
    }

    @Test func repeatedFailuresLockTheAccountEvenForTheRightPassword() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            for _ in 0..<DashboardFixture.policy.maximumFailures {
                #expect(try await browser.login(http, account: "health", password: "guess guess").status == .unauthorized)
            }
            let right = try await browser.login(http, account: "health")
            #expect(right.status == .unauthorized)
            #expect(String(buffer: right.body).contains(Self.failureText))
            // Another account is not affected.
            #expect(try await browser.login(http, account: "edu").status == .seeOther)
        }
    }

    @Test func typedTextIsEscapedWhenTheFormComesBack() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let response = try await browser.login(http, account: "<script>alert(1)</script>\"x", password: "whatever it is")
            #expect(response.status == .unauthorized)
            let html = String(buffer: response.body)
            #expect(!html.contains("<script>"))
            #expect(html.contains("&lt;script&gt;"))
        }
    }

    @Test("the login page does not list the counties a deployment serves: with two, the county's code is typed")
    func loginPageKeepsTheCountiesToItself() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            let page = String(buffer: try await http.executeRequest(uri: "/login", method: .get, headers: [:], body: nil).body)
            #expect(!page.contains("<option"))
            for county in [TwoCountyWorld.county, TwoCountyWorld.otherCounty] { #expect(!page.contains(county.rawValue)) }
            #expect(page.contains(#"<input name="county""#))
            // Typed, it logs in as before.
            var browser = Browser()
            #expect(try await browser.login(http, account: "office").status == .seeOther)
        }
    }

    @Test func loginFormWithoutItsCSRFTokenIsRefused() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let response = try await browser.post(
                http,
                "/login",
                form: [
                    ("county", DashboardFixture.county.rawValue), ("account", "office"), ("password", DashboardFixture.password),
                ]
            )
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("CSRF"))
            #expect(browser.cookies["kaohe_session"] == nil)
        }
    }

    @Test func unauthenticatedPagesRedirectToLogin() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            let home = try await browser.get(http, "/")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/login")
            let units = try await browser.get(http, DashboardFixture.cyclePath + "/units?committee=health")
            #expect(units.status == .seeOther)
            let location = try #require(units.headers[.location])
            #expect(location.hasPrefix("/login?next="))
            #expect(!String(buffer: units.body).contains("县医院"))
            // After login the browser goes where it wanted.
            let next = try #require(location.split(separator: "=", maxSplits: 1).last.flatMap { String($0).removingPercentEncoding })
            let login = try await browser.login(http, account: "office", next: next)
            #expect(login.headers[.location] == DashboardFixture.cyclePath + "/units?committee=health")
            // A forged absolute `next` goes home instead.
            var other = Browser()
            #expect(try await other.login(http, account: "office", next: "//evil.example/").headers[.location] == "/")
            var anonymous = Browser()
            let csv = try await anonymous.get(http, DashboardFixture.cyclePath + "/units.csv")
            #expect(csv.status == .seeOther)
        }
    }

    @Test func logoutNeedsTheCSRFTokenAndEndsTheSessionOnTheServer() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            try await browser.login(http, account: "office")
            let page = try await browser.get(http, DashboardFixture.cyclePath)
            let csrf = try #require(Browser.csrf(in: String(buffer: page.body)))
            let before = try await f.client.query("SELECT count(*) AS n FROM audit_log").one().decode(Int.self, column: "n")

            // Missing and wrong tokens: 403, nothing changes.
            #expect(try await browser.post(http, "/logout", form: []).status == .forbidden)
            let wrong = try await browser.post(http, "/logout", form: [("_csrf", String(csrf.reversed()))])
            #expect(wrong.status == .forbidden)
            #expect(String(buffer: wrong.body).contains("未作任何更改"))
            #expect(try await f.client.query("SELECT 1 FROM web_sessions").count == 1)
            #expect(try await f.client.query("SELECT count(*) AS n FROM audit_log").one().decode(Int.self, column: "n") == before)
            #expect(try await browser.get(http, DashboardFixture.cyclePath).status == .ok)

            // With the token: the session row is gone, the old cookie is worthless.
            let secret = try #require(browser.cookies["kaohe_session"])
            let out = try await browser.post(http, "/logout", form: [("_csrf", csrf)])
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            #expect(try await f.client.query("SELECT 1 FROM web_sessions").count == 0)
            var replay = Browser(cookies: ["kaohe_session": secret])
            #expect(try await replay.get(http, DashboardFixture.cyclePath).status == .seeOther)
            let actions = try await f.client.query("SELECT action FROM audit_log WHERE action LIKE 'session.%' ORDER BY seq")
                .map { try $0.decode(String.self, column: "action") }
            #expect(actions == ["session.login", "session.logout"])
        }
    }

    @Test func idleAndAbsoluteExpiryEndTheSession() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var idle = Browser()
            try await idle.login(http, account: "office")
            var old = Browser()
            try await old.login(http, account: "auditor")
            #expect(try await idle.get(http, DashboardFixture.cyclePath).status == .ok)
            let idleSeconds = DashboardFixture.policy.idleSeconds + 60
            try await f.client.query(
                "UPDATE web_sessions SET last_seen_at = now() - \(idleSeconds) * interval '1 second' WHERE account = 'office'"
            )
            try await f.client.query("UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE account = 'auditor'")
            for var browser in [idle, old] {
                let response = try await browser.get(http, DashboardFixture.cyclePath)
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    @Test func passwordPolicyIsEnforced() async throws {
        let f = try await DashboardFixture.make()
        let sessions = WebSessionStore(client: f.client, policy: DashboardFixture.policy)
        await #expect(throws: StoreError.self) {
            try await sessions.setPassword(county: DashboardFixture.county, account: "office", password: "short")
        }
        await #expect(throws: StoreError.self) {
            try await sessions.setPassword(county: DashboardFixture.county, account: "nobody", password: DashboardFixture.password)
        }
        #expect(WebSessionPolicy().problem(with: "short")?.contains("10") == true)
        #expect(WebSessionPolicy().problem(with: "a long enough one") == nil)
    }
}
