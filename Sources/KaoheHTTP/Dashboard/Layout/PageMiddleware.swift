import HTTPTypes
import Hummingbird
import Logging

/// Wraps every dashboard route: adds the security headers to every answer, and turns every error
/// into a zh-CN HTML page instead of problem+json — 404 for anything outside the account's scope
/// (word for word as for something that does not exist), 403 for a role that may not, 500 that
/// leaks nothing and is logged in full.
struct PageMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext
    let templates: DashboardTemplates

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as DashboardRefusal {
            response = try page(refusal.status, refusal.message, request: request, context: context)
        } catch {
            let problem = ProblemDetails.from(error, logger: context.logger)
            response = try page(problem.status, Self.message(for: problem.status), request: request, context: context)
        }
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    func page(_ status: HTTPResponse.Status, _ message: String, request: Request, context: Context) throws -> Response {
        var response = templates.errorPage(status: status, message: message, requestID: context.id, back: Self.back(from: request))
            .response()
        response.headers[.requestID] = context.id
        return response
    }

    /// The page a refused form was on: a form posts to its page's path and one more segment
    /// (`…/units/{code}/roster`, `…/results/confirm`). Nil for a page asked for (GET).
    static func back(from request: Request) -> String? {
        guard request.method == .post else { return nil }
        var segments = request.uri.path.split(separator: "/")
        guard segments.count >= 2 else { return nil }
        segments.removeLast()
        return "/" + segments.joined(separator: "/")
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "页面不存在，或不在您的账号可查看的范围内。"
        case 403: "您的账号角色无权查看或执行此操作。"
        case 400, 413, 422: "请求的内容不符合要求。"
        case 503: "系统暂时不可用，请稍后再试。"
        default: "系统未能完成此请求。"
        }
    }

    /// No inline script or style, no framing, no referrer leaking URLs with unit codes.
    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}
