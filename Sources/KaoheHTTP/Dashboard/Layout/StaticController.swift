import Hummingbird
import HTTPTypes
import NIOCore

/// `/static/kaohe.css`: the dashboard's one stylesheet, served by kaohed itself (no CDN).
struct StaticController: Sendable {
    let templates: DashboardTemplates

    func register(on router: Router<KaoheRequestContext>) {
        let css = templates.stylesheet
        router.get("/static/kaohe.css") { _, _ -> Response in
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: css)))
            response.headers[.contentType] = "text/css; charset=utf-8"
            response.headers[.cacheControl] = "public, max-age=3600"
            response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return response
        }
    }
}
