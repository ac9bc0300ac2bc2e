import HTTPTypes
import Hummingbird

/// Returns the request id that Hummingbird put in the log metadata as `X-Request-Id`, so a clerk's
/// report of a failed request can be found in the logs.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = context.id
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch var error as ProblemDetails {
            error.requestID = id
            throw error
        }
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    static let requestID = HTTPField.Name("X-Request-Id")!
}
