import Hummingbird
import KaoheStore

/// `POST /logout` (CSRF-checked by `SessionMiddleware`): deletes the session on the server — the
/// cookie is worthless from then on, even if a copy survives — clears the cookie and goes to `/login`.
struct LogoutController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.post("/logout", use: logout)
    }

    /// `POST /logout`.
    @Sendable func logout(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        if let secret = request.cookies[SessionCookie.name]?.value {
            try await dashboard.sessions.logout(secret: secret)
        }
        var response = Response(status: .seeOther, headers: [.location: "/login", .cacheControl: "no-store"])
        response.setCookie(
            SessionCookie.clearing(SessionCookie.name, secure: SessionCookie.isSecure(request, configuration: dashboard.configuration))
        )
        return response
    }
}
