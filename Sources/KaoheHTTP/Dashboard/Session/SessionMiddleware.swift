import Foundation
import Hummingbird
import KaoheStore
import Logging
import NIOCore

/// Finds the browser session of every dashboard request (cookie `kaohe_session`) and sets the
/// request's principal from it — the same `Principal` the API builds from a token, so
/// `AccessPolicy` answers exactly as it does for the API.
///
/// Without a live session a page request is redirected to `/login?next=…`. Every request other
/// than GET and HEAD must carry the session's CSRF token in the form field `_csrf` — of a URL-encoded
/// form (at most `FormBody.maxBody`) or of a `multipart/form-data` upload (at most
/// `maxUploadBody`); a missing or wrong token is a 403 page and the handler never runs. (The body is
/// read here and handed on.)
struct SessionMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext
    let sessions: WebSessionStore

    /// The most an upload form may send: a self-assessment's report and PDFs (``maxSelfAssessmentFiles``
    /// in all) and the form's other fields. Each form checks its own part after this (a roster file
    /// at most `FilingsController.maxRosterBody`, as the API).
    static let maxUploadBody = maxSelfAssessmentFiles + 4 * 1024 * 1024
    /// The most the PDFs of one self-assessment submission may hold together: 60 MiB (three at the
    /// 20 MiB each may have; more are added in a further submission).
    static let maxSelfAssessmentFiles = 60 * 1024 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = request.cookies[SessionCookie.name]?.value, !secret.isEmpty,
            let session = try await sessions.session(secret: secret)
        else {
            return Self.redirectToLogin(request)
        }
        var request = request
        if request.method != .get && request.method != .head {
            // Over the limit is the same 413 as every body (the buffer stays in `request`).
            let sent: String?
            if let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:)) {
                let bytes = try await APIBody.buffer(&request, limit: Self.maxUploadBody)
                sent = MultipartForm(body: bytes, boundary: boundary)?["_csrf"]
            } else {
                let bytes = try await APIBody.buffer(&request, limit: FormBody.maxBody)
                sent = FormBody(parsing: String(decoding: bytes, as: UTF8.self))["_csrf"]
            }
            guard let sent, constantTimeEquals(sent, session.csrfToken) else {
                throw DashboardRefusal.csrf
            }
        }
        var context = context
        context.principal = session.principal
        context.webSession = session
        context.logger[metadataKey: "account"] = "\(session.principal.actor)"
        return try await next(request, context)
    }

    /// 303 to the login page, remembering where the visitor wanted to go (GET only).
    static func redirectToLogin(_ request: Request) -> Response {
        var location = "/login"
        if request.method == .get, let path = request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed),
            path != "/", path != "/login"
        {
            let query = request.uri.query.map { "?" + $0 } ?? ""
            location +=
                "?next="
                + ((path + query).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~")))
                    ?? "")
        }
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// A refusal the dashboard shows as a friendly page.
struct DashboardRefusal: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String

    /// A POST without the session's CSRF token.
    static let csrf = DashboardRefusal(
        status: .forbidden,
        message: "表单已过期或来源不明（CSRF 校验未通过），未作任何更改。请返回上一页，刷新后重新提交。"
    )
}
