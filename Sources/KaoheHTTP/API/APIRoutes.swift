public import Hummingbird
import Synchronization

/// One `/api/v1` route: method and path template (`/api/v1/counties/{county}/units`).
public struct APIRoute: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `GET`, `PUT`, …
    public var method: String
    /// The path template with `{name}` parameters, as the OpenAPI document writes it.
    public var path: String

    public var description: String { "\(method) \(path)" }

    public static func < (a: APIRoute, b: APIRoute) -> Bool { (a.path, a.method) < (b.path, b.method) }
}

/// Registers `/api/v1` routes on the router (behind authentication) and records each one, so the
/// OpenAPI document can be checked against the routes the router really has.
public final class APIRoutes: @unchecked Sendable {  // the group is only used while routes are registered, before serving
    let group: RouterGroup<KaoheRequestContext>
    private let recorded = Mutex<[APIRoute]>([])

    init(group: RouterGroup<KaoheRequestContext>) {
        self.group = group
    }

    /// Every route registered so far, sorted.
    public var routes: [APIRoute] { recorded.withLock { $0.sorted() } }

    /// Adds a route. `path` is relative to `/api/v1` and uses `{name}` parameters.
    public func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method,
        _ path: String,
        use handler: @Sendable @escaping (Request, KaoheRequestContext) async throws -> Output
    ) {
        recorded.withLock { $0.append(APIRoute(method: method.rawValue, path: "/api/v1" + path)) }
        group.on(RouterPath(path), method: method, use: handler)
    }
}
