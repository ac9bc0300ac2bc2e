import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// `Idempotency-Key` on API writes, with the semantics of the IETF draft
/// (draft-ietf-httpapi-idempotency-key-header):
///
/// - The key is an sf-string (`Idempotency-Key: "8e03978e-…"`); a bare token is accepted too.
///   1–255 printable ASCII characters, else 400.
/// - Keys are scoped to the authenticated account, and remembered for 24 hours after first use.
/// - The fingerprint is SHA-256 of the method, the path with its query and the body bytes.
/// - First use: the request runs; its response — status, `Content-Type` and body bytes, problems
///   (4xx) included — is stored **in the same transaction as the change it made**
///   (`IdempotencyStore.once`), so after a crash a retry either replays it or finds nothing done.
///   A refusal (4xx) keeps no writes of its own. A 5xx is not stored, and everything the request
///   wrote is rolled back: the key stays free so the client can retry.
/// - Replay (same key, same fingerprint, first request completed): the stored response, byte for
///   byte, with `Idempotent-Replayed: true`. Nothing runs again.
/// - Same key, different fingerprint: 422 (`idempotency.key-reused`).
/// - Same key while the first request is still running: waits up to 2 s for it (then replays
///   its answer), else 409 (`idempotency.in-flight`) with `Retry-After: 1`.
/// Requests without the header, and reads, pass through untouched.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext

    /// `Idempotency-Key`.
    static let header = HTTPField.Name("Idempotency-Key")!
    /// `Idempotent-Replayed`, set on replayed responses.
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    let store: IdempotencyStore
    /// The route's body limit: the body is read (up to this) to fingerprint it.
    let maxBodySize: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method), let raw = request.headers[Self.header] else {
            return try await next(request, context)
        }
        let principal = try context.requirePrincipal()
        let key = try Self.parseKey(raw)
        var request = request
        let body = try await APIBody.buffer(&request, limit: maxBodySize)
        let fingerprint = IdempotencyStore.fingerprint(method: request.method.rawValue, path: request.uri.string, body: body)

        let answer: IdempotencyAnswer<Response>
        do {
            answer = try await store.once(
                IdempotencyRequest(
                    county: principal.county,
                    account: principal.account,
                    key: key,
                    fingerprint: fingerprint,
                    method: request.method.rawValue,
                    path: request.uri.path
                )
            ) {
                try await Self.attempt(request, context: context, next: next)
            }
        } catch let failure as ServerFailure {
            // Rolled back with everything the request wrote; the key stays free for a retry.
            return failure.response
        }
        switch answer {
        case .ran(let response):
            return response
        case .replay(let stored):
            var response = Response(status: .init(code: stored.status), body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
            if let contentType = stored.contentType { response.headers[.contentType] = contentType }
            response.headers[Self.replayedHeader] = "true"
            return response
        case .mismatch:
            throw ProblemDetails(
                status: .unprocessableContent,
                type: "/problems/idempotency-key-reused",
                title: "幂等键已用于其他请求 Idempotency key reused",
                detail: "Idempotency-Key “\(key)” 已用于另一个请求(方法、路径或内容不同);请换一个新键 / this key was used for a different request; use a new key.",
                field: "Idempotency-Key",
                rule: "idempotency.key-reused"
            )
        case .inFlight:
            var problem = ProblemDetails(
                status: .conflict,
                type: "/problems/idempotency-in-flight",
                title: "请求仍在处理 Request in flight",
                detail: "使用 Idempotency-Key “\(key)” 的请求仍在处理中,请稍后重试 / a request with this key is still being processed; retry shortly.",
                field: "Idempotency-Key",
                rule: "idempotency.in-flight"
            )
            problem.headers = [.retryAfter: "1"]
            throw problem
        }
    }

    /// A server error's response, thrown out of the key's transaction so that it rolls back.
    struct ServerFailure: Error {
        let response: Response
    }

    /// Runs the request and says what it came to: its response with the bytes to store. Errors
    /// become their problem+json response here, so 4xx answers are stored and replayed too; a 5xx
    /// is thrown (a `ProblemDetails`, or a `ServerFailure` for a 5xx response) and nothing is kept.
    static func attempt(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> (IdempotentOutcome, Response) {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            var problem = ProblemDetails.from(error, logger: context.logger)
            problem.requestID = context.id
            if problem.status.code >= 500 { throw problem }
            response = try problem.response(from: request, context: context)
        }
        if response.status.code >= 500 { throw ServerFailure(response: response) }
        let bytes = try await collect(response.body)
        response.body = .init(byteBuffer: ByteBuffer(bytes: bytes))
        let stored = StoredResponse(status: response.status.code, contentType: response.headers[.contentType], body: bytes)
        return (response.status.code >= 400 ? .refused(stored) : .done(stored), response)
    }

    /// The key from the header: an sf-string (quoted, `\"` and `\\` escapes) or a bare token.
    static func parseKey(_ raw: String) throws -> String {
        var text = raw.trimmingBlanks()
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { throw badKey() }
            text = String(text.dropFirst().dropLast())
            var unescaped = ""
            var escaping = false
            for character in text {
                if escaping {
                    guard character == "\"" || character == "\\" else { throw badKey() }
                    unescaped.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    throw badKey()
                } else {
                    unescaped.append(character)
                }
            }
            guard !escaping else { throw badKey() }
            text = unescaped
        }
        guard (1...255).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { throw badKey() }
        return text
    }

    static func badKey() -> ProblemDetails {
        ProblemDetails(
            status: .badRequest,
            type: "/problems/idempotency-key",
            title: "幂等键格式错误 Bad idempotency key",
            detail:
                "Idempotency-Key 应为 1–255 个可打印 ASCII 字符的字符串,如 \"8e03978e-40d5-43e8-bc93-6894a57f9324\" / the key must be a string of 1–255 printable ASCII characters.",
            field: "Idempotency-Key",
            rule: "idempotency.key-format"
        )
    }

    /// The bytes of a response body.
    static func collect(_ body: ResponseBody) async throws -> [UInt8] {
        let sink = ByteSink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.bytes
    }

    final class ByteSink: @unchecked Sendable {
        // Only touched by the one task writing the body.
        var bytes: [UInt8] = []
    }

    struct CollectingWriter: ResponseBodyWriter {
        let sink: ByteSink
        mutating func write(_ buffer: ByteBuffer) async throws { sink.bytes.append(contentsOf: buffer.readableBytesView) }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

extension APIRoutes {
    /// Adds a write route whose requests may carry an `Idempotency-Key` (see `IdempotencyMiddleware`).
    /// `maxBodySize` bounds the body the middleware reads to fingerprint it.
    func write(
        _ method: HTTPRequest.Method,
        _ path: String,
        idempotency store: IdempotencyStore,
        maxBodySize: Int,
        use handler: @Sendable @escaping (Request, KaoheRequestContext) async throws -> Response
    ) {
        let middleware = IdempotencyMiddleware(store: store, maxBodySize: maxBodySize)
        on(method, path, idempotent: true) { request, context in
            try await middleware.handle(request, context: context) { request, context in
                try await handler(request, context)
            }
        }
    }
}
