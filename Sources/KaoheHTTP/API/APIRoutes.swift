public import Hummingbird
import Synchronization

/// One `/api/v1` route: method and path template (`/api/v1/counties/{county}/units`).
public struct APIRoute: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `GET`, `PUT`, …
    public var method: String
    /// The path template with `{name}` parameters, as the OpenAPI document writes it.
    public var path: String
    /// Needs `Authorization: Bearer kh_…` (every route but the OpenAPI document).
    public var authenticated: Bool = true
    /// Accepts `Idempotency-Key` (a write registered with `write(…)`).
    public var idempotent: Bool = false

    public var description: String { "\(method) \(path)" }

    public static func < (a: APIRoute, b: APIRoute) -> Bool { (a.path, a.method) < (b.path, b.method) }
}

/// Registers `/api/v1` routes on the router (behind authentication, unless registered with
/// `withoutAuthentication`) and records each one, so the OpenAPI document and the authorization
/// matrix test can be checked against the routes the router really has.
public final class APIRoutes: @unchecked Sendable {  // the router and group are only used while routes are registered, before serving
    let router: Router<KaoheRequestContext>
    let group: RouterGroup<KaoheRequestContext>
    let recorded: RouteTable

    /// `group` is the authenticated `/api/v1` group of `router`; routes are recorded in `table`.
    init(router: Router<KaoheRequestContext>, group: RouterGroup<KaoheRequestContext>, table: RouteTable = RouteTable()) {
        self.router = router
        self.group = group
        self.recorded = table
    }

    /// Every route registered so far, sorted.
    public var routes: [APIRoute] { recorded.routes }

    /// Adds a route. `path` is relative to `/api/v1` and uses `{name}` parameters.
    public func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @Sendable @escaping (Request, KaoheRequestContext) async throws -> Output
    ) {
        on(method, path, idempotent: false, use: handler)
    }

    /// Adds a route, recording whether it accepts `Idempotency-Key`.
    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        idempotent: Bool,
        use handler: @Sendable @escaping (Request, KaoheRequestContext) async throws -> Output
    ) {
        recorded.append(APIRoute(method: method.rawValue, path: "/api/v1" + path, idempotent: idempotent))
        group.on(RouterPath(path), method: method, use: handler)
    }

    /// Adds a route under `/api/v1` that needs no token (the OpenAPI document). It is registered on
    /// the router itself, not on the group: Hummingbird applies a group's middleware only to the
    /// routes added through that group, so the authentication middleware never sees it.
    func withoutAuthentication<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @Sendable @escaping (Request, KaoheRequestContext) async throws -> Output
    ) {
        recorded.append(APIRoute(method: method.rawValue, path: "/api/v1" + path, authenticated: false))
        router.on(RouterPath("/api/v1" + path), method: method, use: handler)
    }
}

/// The `/api/v1` routes registered, shared by `APIRoutes` (which records them) and
/// `ProblemMiddleware` (which answers 405, not 404, for a known path asked with another method).
final class RouteTable: Sendable {
    private let entries = Mutex<[APIRoute]>([])

    /// An empty table.
    init() {}

    /// Every route, sorted.
    var routes: [APIRoute] { entries.withLock { $0.sorted() } }

    func append(_ route: APIRoute) { entries.withLock { $0.append(route) } }

    /// The methods of the routes whose template matches `path` (`{name}` matches one segment).
    func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return entries.withLock { routes in
            routes.filter { route in
                let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
                return template.count == segments.count
                    && zip(template, segments).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") && !$1.isEmpty || $0 == $1 }
            }.map(\.method)
        }
    }
}
