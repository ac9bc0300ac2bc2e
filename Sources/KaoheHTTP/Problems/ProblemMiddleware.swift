import Hummingbird

/// Turns every error leaving an API handler into problem+json through the one mapping,
/// `ProblemDetails.from(_:logger:)`: domain refusals are 4xx naming the field and rule, anything
/// unmapped a logged 500 that leaks nothing. (Dashboard pages render the same mapping as a page:
/// `PageMiddleware`.)
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw ProblemDetails.from(error, logger: context.logger)
        }
    }
}
