import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Logging

/// Authenticates `/api/v1` requests by their bearer token (`Authorization: Bearer kh_…`). A missing,
/// unknown or revoked token is a 401 problem; nothing below runs.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext
    let accounts: AccountStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw ProblemDetails.unauthenticated
        }
        let secret = String(header.dropFirst("bearer ".count)).trimmingBlanks()
        guard let principal = try await accounts.principal(forToken: secret) else {
            throw ProblemDetails.unauthenticated
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "account"] = "\(principal.actor)"
        return try await next(request, context)
    }
}

extension ProblemDetails {
    /// 401: no valid token.
    static var unauthenticated: ProblemDetails {
        var problem = ProblemDetails(
            status: .unauthorized,
            type: "/problems/unauthenticated",
            title: "未登录 Not authenticated",
            detail:
                "请在请求头中提供有效的 API 令牌 `Authorization: Bearer kh_…`(由县事考办用 `kaohe account create` 或 `kaohe account token` 签发) / send a valid API token as `Authorization: Bearer kh_…`",
            field: "Authorization",
            rule: "auth.token"
        )
        problem.headers = [.wwwAuthenticate: "Bearer realm=\"kaohe\""]
        return problem
    }

    /// 404 for anything outside the caller's scope, so its existence does not leak.
    static func notFound(_ what: String) -> ProblemDetails {
        ProblemDetails(
            status: .notFound,
            type: "/problems/not-found",
            title: "未找到 Not found",
            detail: "未找到 \(what) / \(what) was not found."
        )
    }

    /// 403 for an action the caller's role may never take on something it can see.
    static func forbidden(_ detail: String, rule: RuleID) -> ProblemDetails {
        ProblemDetails(status: .forbidden, type: "/problems/forbidden", title: "无权操作 Forbidden", detail: detail, rule: rule)
    }
}
