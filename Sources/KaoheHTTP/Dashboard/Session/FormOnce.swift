import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// A filing form submits once: a double click, a page sent again by the browser's back button or
/// reload, or a retry after a lost answer files nothing a second time.
///
/// Each rendering of a form carries a fresh random `_once` field. Its POST runs through the API's
/// `IdempotencyStore.once`, keyed by the account and `form:<token>`: the claim, the filing and the
/// stored answer commit in one transaction, so the same submission again replays the first answer
/// (the 303 to the page that says what was filed, or the same refusal page) instead of filing
/// again. A second request while the first still runs waits for it and replays it. A refusal's
/// writes are rolled back, as for the API; a failure of ours keeps nothing and leaves the token free.
struct FormOnce: Sendable {
    /// The hidden field.
    static let field = "_once"
    /// How a stored 303 keeps its `Location`: the body, with this media type.
    static let locationType = "text/uri-list"

    let idempotency: IdempotencyStore

    /// A token for one rendering of a form.
    static func newToken() -> String { WebSessionStore.newSecret() }

    /// A `multipart/form-data` form's POST (an upload): the body read (at most
    /// `SessionMiddleware.maxUploadBody`) and parsed, and `work` run once with the form (nil when
    /// the body is not such a form).
    func run(
        multipart request: Request,
        context: KaoheRequestContext,
        work: (MultipartForm?) async throws -> Response
    ) async throws -> Response {
        let bytes = try await APIBody.read(request, limit: SessionMiddleware.maxUploadBody)
        let form = request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:)).flatMap {
            MultipartForm(body: bytes, boundary: $0)
        }
        return try await run(request, context: context, token: form?[Self.field], body: bytes) { try await work(form) }
    }

    /// A URL-encoded form's POST: the body read (at most `FormBody.maxBody`) and parsed, and
    /// `work` run once with it.
    func run(
        urlEncoded request: Request,
        context: KaoheRequestContext,
        work: (FormBody) async throws -> Response
    ) async throws -> Response {
        let bytes = try await APIBody.read(request, limit: FormBody.maxBody)
        let form = FormBody(parsing: String(decoding: bytes, as: UTF8.self))
        return try await run(request, context: context, token: form[Self.field], body: bytes) { try await work(form) }
    }

    /// Runs `work` once for the form's token (sent in `body`'s `_once` field); without a token
    /// (an old page) it simply runs.
    func run(
        _ request: Request,
        context: KaoheRequestContext,
        token: String?,
        body: [UInt8],
        work: () async throws -> Response
    ) async throws -> Response {
        guard let token, (16...200).contains(token.utf8.count), let principal = context.principal else { return try await work() }
        let path = request.uri.path
        let key = IdempotencyRequest(
            county: principal.county,
            account: principal.account,
            key: "form:" + token,
            fingerprint: IdempotencyStore.fingerprint(method: "POST", path: path, body: body),
            method: "POST",
            path: path
        )
        let answer = try await idempotency.once(key) { () -> (IdempotentOutcome, Response) in
            var response = try await work()
            if response.status == .seeOther, let location = response.headers[.location] {
                return (.done(StoredResponse(status: 303, contentType: Self.locationType, body: Array(location.utf8))), response)
            }
            let bytes = try await IdempotencyMiddleware.collect(response.body)
            response.body = .init(byteBuffer: ByteBuffer(bytes: bytes))
            let stored = StoredResponse(status: response.status.code, contentType: response.headers[.contentType], body: bytes)
            return (response.status.code >= 400 ? .refused(stored) : .done(stored), response)
        }
        switch answer {
        case .ran(let response):
            return response
        case .replay(let stored) where stored.contentType == Self.locationType:
            return Response(
                status: .seeOther,
                headers: [.location: String(decoding: stored.body, as: UTF8.self), .cacheControl: "no-store"]
            )
        case .replay(let stored):
            var response = Response(status: .init(code: stored.status), body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
            if let contentType = stored.contentType { response.headers[.contentType] = contentType }
            return response
        case .mismatch:
            throw DashboardRefusal(status: .conflict, message: "这份表单已经提交过,内容与这次不同。请重新打开页面后再填写提交。")
        case .inFlight:
            throw DashboardRefusal(status: .conflict, message: "这份表单正在提交,请稍候刷新页面查看结果,不必重复提交。")
        }
    }
}
