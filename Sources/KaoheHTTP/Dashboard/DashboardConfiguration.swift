public import KaoheStore

/// How the web dashboard (网页控制台) runs: its templates, the session rules, and whether cookies are
/// always marked `Secure` (set it when kaohed is only reached over HTTPS; without it `Secure` is set
/// when the request came through a proxy saying `X-Forwarded-Proto: https`).
public struct DashboardConfiguration: Sendable {
    /// The parsed templates and stylesheet.
    public var templates: DashboardTemplates
    /// Password and session rules (bcrypt cost, idle and absolute expiry, lockout).
    public var sessions: WebSessionPolicy
    /// Mark the session cookie `Secure` on every response.
    public var secureCookies: Bool

    /// Production defaults: the bundled templates, bcrypt cost 12, cookies `Secure` only behind TLS.
    public init(templates: DashboardTemplates = .bundled, sessions: WebSessionPolicy = .init(), secureCookies: Bool = false) {
        self.templates = templates
        self.sessions = sessions
        self.secureCookies = secureCookies
    }
}
