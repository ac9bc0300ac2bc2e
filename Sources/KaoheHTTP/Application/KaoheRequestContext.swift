import HTTPTypes
public import Hummingbird
import KaoheRules
public import KaoheStore

/// The request context of every kaohe route. Hummingbird's core storage carries the logger with the
/// request id (`hb.request.id`) in its metadata; the id is also returned as `X-Request-Id`.
public struct KaoheRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account, set by `AuthenticationMiddleware` on `/api/v1`.
    public var principal: Principal?
    /// The browser session, set by the dashboard's session middleware (its principal is `principal`).
    public var webSession: WebSession?

    /// The address of the peer that sent the request (nil when unknown, as in router tests).
    public var peerAddress: String?

    /// Made by Hummingbird for each request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.webSession = nil
        // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; it is a.b.c.d.
        self.peerAddress = source.channel.remoteAddress?.ipAddress.map { $0.hasPrefix("::ffff:") ? String($0.dropFirst(7)) : $0 }
    }

    /// The client's address: the peer's, or — when the peer is this machine (a reverse proxy such
    /// as Deploy/nginx.example.conf) — the last address of its `X-Forwarded-For` (the one the proxy
    /// itself saw; earlier ones are the client's word). Nil when unknown.
    public func clientAddress(_ request: Request) -> String? {
        guard let peer = peerAddress else { return nil }
        guard peer == "127.0.0.1" || peer == "::1",
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last.map({ String($0).trimmingBlanks() }), !last.isEmpty
        else { return peer }
        return last
    }

    /// Request bodies above this are refused with 413 before a handler sees them.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// The principal, or 401 when the route was reached without authentication.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw ProblemDetails.unauthenticated }
        return principal
    }
}
