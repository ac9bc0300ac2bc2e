import Hummingbird

/// Turns every error leaving an API handler into problem+json through the one mapping,
/// `ProblemDetails.from(_:logger:)`: domain refusals are 4xx naming the field and rule, anything
/// unmapped a logged 500 that leaks nothing. (Dashboard pages render the same mapping as a page:
/// `PageMiddleware`.)
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = KaoheRequestContext
    /// The API's routes: a known path asked with a method it does not have is 405 with `Allow`.
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = Set(routes.methods(matching: request.uri.path))
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else {
                throw ProblemDetails.from(error, logger: context.logger)
            }
            var problem = ProblemDetails(httpError: HTTPError(.methodNotAllowed))
            problem.headers[.allow] = allowed.sorted().joined(separator: ", ")
            throw problem
        } catch {
            throw ProblemDetails.from(error, logger: context.logger)
        }
    }
}
