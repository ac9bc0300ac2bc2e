import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `GET /login` shows the form (county, account, password); `POST /login` checks it. A wrong county,
/// account or password, a disabled or locked account all get the same message. On success the
/// browser gets a new session cookie and goes where it wanted (`next`, a local path only) or home.
///
/// There is no session to hold a CSRF token yet, so the login form is protected by a double-submit
/// token: a random value both in a SameSite=Strict cookie and in the form's `_csrf` field, which must
/// agree.
struct LoginController: Sendable {
    let dashboard: Dashboard

    struct CountyOption {
        var code: CountyCode
        var name: String
        var selected: Bool
    }
    struct LoginView {
        var csrf: String
        var next: String
        var account: String
        var failed: Bool
        /// The county, when the deployment serves exactly one (shown by name); else nil and the
        /// county's code is typed: the list of counties is not shown to visitors who have not logged in.
        var onlyCounty: CountyOption?
        /// The county code typed last time (several counties).
        var countyTyped: String
    }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/login", use: loginForm)
        router.post("/login", use: login)
    }

    /// `GET /login`: the form, or straight on for a browser with a live session.
    @Sendable func loginForm(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        if let secret = request.cookies[SessionCookie.name]?.value, !secret.isEmpty,
            try await dashboard.sessions.session(secret: secret) != nil
        {
            return Response(status: .seeOther, headers: [.location: Self.safeNext(request.uri.queryParameters["next"].map(String.init))])
        }
        return try await form(
            request,
            next: request.uri.queryParameters["next"].map(String.init) ?? "",
            account: "",
            county: nil,
            failed: false
        )
    }

    /// `POST /login`.
    @Sendable func login(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let body = try await FormBody.read(request)
        let next = body["next"] ?? ""
        guard let sent = body["_csrf"], let cookie = request.cookies[SessionCookie.loginCSRFName]?.value,
            !cookie.isEmpty, constantTimeEquals(sent, cookie)
        else { throw DashboardRefusal.csrf }
        let county = CountyCode(body["county"] ?? "")
        let account = (body["account"] ?? "").trimmingBlanks().lowercased()
        let password = body["password"] ?? ""
        guard !county.rawValue.isEmpty, !account.isEmpty, !password.isEmpty,
            let (secret, _) = try await dashboard.sessions.login(
                county: county,
                account: account,
                password: password,
                address: context.clientAddress(request)
            )
        else {
            return try await form(request, next: next, account: account, county: county, failed: true)
        }
        let secure = SessionCookie.isSecure(request, configuration: dashboard.configuration)
        var response = Response(status: .seeOther, headers: [.location: Self.safeNext(next), .cacheControl: "no-store"])
        response.setCookie(SessionCookie.session(secret, maxAge: dashboard.sessions.policy.absoluteSeconds, secure: secure))
        response.setCookie(SessionCookie.clearing(SessionCookie.loginCSRFName, secure: secure))
        return response
    }

    func form(_ request: Request, next: String, account: String, county: CountyCode?, failed: Bool) async throws -> Response {
        let counties = try await dashboard.registry.counties()
        let token = request.cookies[SessionCookie.loginCSRFName]?.value.nonEmpty ?? WebSessionStore.newSecret()
        let view = LoginView(
            csrf: token,
            next: next,
            account: account,
            failed: failed,
            onlyCounty: counties.count == 1 ? counties.first.map { CountyOption(code: $0.code, name: $0.name, selected: true) } : nil,
            countyTyped: county?.rawValue ?? ""
        )
        let page = dashboard.templates.page("login", view, title: "登录", chrome: nil, status: failed ? .unauthorized : .ok)
        var response = page.response()
        response.setCookie(SessionCookie.loginCSRF(token, secure: SessionCookie.isSecure(request, configuration: dashboard.configuration)))
        return response
    }

    /// `next` when it is a path on this site (`/…`, not `//host` or a URL); else `/`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return "/" }
        return next
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
