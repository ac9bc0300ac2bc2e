import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules

/// The session cookie `kaohe_session`: HttpOnly (no script reads it), SameSite=Lax (not sent on
/// cross-site POSTs), Path=/, and Secure when the request came over TLS (`X-Forwarded-Proto: https`
/// from the proxy in front) or the configuration says every request does.
enum SessionCookie {
    static let name = "kaohe_session"
    /// The double-submit token of the login form (there is no session yet to hold a CSRF token).
    static let loginCSRFName = "kaohe_login_csrf"

    /// Whether cookies set in answer to `request` carry `Secure`.
    static func isSecure(_ request: Request, configuration: DashboardConfiguration) -> Bool {
        if configuration.secureCookies { return true }
        let proto = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? ""
        return proto.split(separator: ",").first.map { String($0).trimmingBlanks().lowercased() } == "https"
    }

    /// The cookie carrying a new session's secret, for as long as the session can live.
    static func session(_ secret: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: secret, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget `name`.
    static func clearing(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The login form's double-submit token cookie (short-lived).
    static func loginCSRF(_ token: String, secure: Bool) -> Cookie {
        Cookie(name: loginCSRFName, value: token, maxAge: 3600, path: "/login", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
