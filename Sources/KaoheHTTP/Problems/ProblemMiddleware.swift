import Hummingbird
import KaoheStore
import Logging

/// Translates every error leaving a handler into problem+json. Domain errors map to 4xx with the
/// field and rule; Hummingbird's own HTTP errors keep their status; anything else is logged in full
/// and answered with a 500 that leaks nothing.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            throw problem
        } catch let error as StoreError {
            throw Self.problem(for: error, logger: context.logger)
        } catch let error as HTTPError {
            throw ProblemDetails(
                status: error.status,
                type: "about:blank",
                title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase
            )
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw ProblemDetails(
                status: .internalServerError,
                type: "/problems/internal",
                title: "内部错误 Internal error",
                detail: "The server could not complete the request. Quote the request id to the administrator."
            )
        }
    }

    static func problem(for error: StoreError, logger: Logger) -> ProblemDetails {
        switch error.code {
        case .notFound:
            return ProblemDetails(status: .notFound, type: "/problems/not-found", title: "未找到 Not found", detail: error.message, field: error.field)
        case .duplicate:
            return ProblemDetails(status: .conflict, type: "/problems/duplicate", title: "已存在 Already exists", detail: error.message, field: error.field, rule: "unique")
        case .invalidReference, .invalidValue:
            return ProblemDetails(status: .unprocessableContent, type: "/problems/invalid", title: "数据不符合规则 Invalid data", detail: error.message, field: error.field)
        case .unavailable, .migrationsPending:
            logger.warning("store unavailable", metadata: ["error": "\(error)"])
            return ProblemDetails(status: .serviceUnavailable, type: "/problems/unavailable", title: "暂不可用 Unavailable", detail: error.message)
        default:
            logger.error("store error", metadata: ["error": "\(error)", "underlying": "\(error.underlying.map { String(reflecting: $0) } ?? "-")"])
            return ProblemDetails(status: .internalServerError, type: "/problems/internal", title: "内部错误 Internal error", detail: "The server could not complete the request. Quote the request id to the administrator.")
        }
    }
}
