import Foundation
import Hummingbird
import Logging
import NIOCore

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the `/api/v1` API (`openapi.json` beside
/// this file, bundled as a resource), served without authentication so that a client generator or a
/// clerk's browser can fetch it before it has a token.
///
/// The document is written by hand and kept true by `OpenAPITests`, which compares its paths and
/// operations with `APIRoutes.routes` — the routes the router really has — and fails on any route
/// without documentation or documentation without a route.
struct OpenAPIController: Sendable {
    /// The document's bytes, read once; nil when the resource is missing from the build.
    let document: [UInt8]?

    init() {
        let url =
            Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI")
            ?? Bundle.module.url(forResource: "openapi", withExtension: "json")
        self.document = url.flatMap { try? Data(contentsOf: $0) }.map { Array($0) }
    }

    func register(on api: APIRoutes) {
        api.withoutAuthentication(.get, "/openapi.json", use: openAPIDocument)
    }

    /// `GET /openapi.json`.
    @Sendable func openAPIDocument(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        guard let document else {
            context.logger.error("the bundled OpenAPI document (KaoheHTTP/OpenAPI/openapi.json) is missing")
            throw ProblemDetails.internalError
        }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        response.headers[.contentType] = "application/json; charset=utf-8"
        response.headers[.cacheControl] = "no-cache"
        return response
    }
}
