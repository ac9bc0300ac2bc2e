public import Hummingbird
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

    /// Made by Hummingbird for each request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.webSession = nil
    }

    /// Request bodies above this are refused with 413 before a handler sees them.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// The principal, or 401 when the route was reached without authentication.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw ProblemDetails.unauthenticated }
        return principal
    }
}
