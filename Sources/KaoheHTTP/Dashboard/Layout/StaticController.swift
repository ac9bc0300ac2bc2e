import HTTPTypes
import Hummingbird
import NIOCore

/// `/static/kaohe.css`: the dashboard's one stylesheet, served by kaohed itself (no CDN).
struct StaticController: Sendable {
    let templates: DashboardTemplates

    func register(on router: Router<KaoheRequestContext>) {
        router.get("/static/kaohe.css", use: stylesheet)
    }

    /// `/static/kaohe.css`.
    @Sendable func stylesheet(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: templates.stylesheet)))
        response.headers[.contentType] = "text/css; charset=utf-8"
        response.headers[.cacheControl] = "public, max-age=3600"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return response
    }
}
