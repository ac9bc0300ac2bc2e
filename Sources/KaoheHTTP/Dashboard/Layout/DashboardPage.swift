import Hummingbird
import NIOCore

/// A rendered dashboard page: HTML, never cached (every page shows one account's view).
struct DashboardPage: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status = .ok
    var html: String

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    /// The page as a response.
    func response() -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// What `layout.mustache` renders: the page's title, the chrome (nil before login) and the body
/// already rendered from the page's own template.
struct LayoutView {
    var title: String
    var chrome: PageChrome?
    var body: String
    var generatedAt: String?
}

extension DashboardTemplates {
    /// Renders `view` with `template` inside the layout.
    func page(
        _ template: String,
        _ view: Any,
        title: String,
        chrome: PageChrome?,
        status: HTTPResponse.Status = .ok,
        generatedAt: String? = nil
    ) -> DashboardPage {
        let body = render(view, template: template)
        let html = render(LayoutView(title: title, chrome: chrome, body: body, generatedAt: generatedAt), template: "layout")
        return DashboardPage(status: status, html: html)
    }

    /// A zh-CN error page (404, 403, 400, 500) with the request id, and a way back to the page a
    /// refused form was on (`back`).
    func errorPage(status: HTTPResponse.Status, message: String, requestID: String?, back: String? = nil) -> DashboardPage {
        struct ErrorView {
            var status: Int
            var message: String
            var requestID: String?
            var back: String?
        }
        let title: String
        switch status.code {
        case 404: title = "未找到"
        case 403: title = "无权访问"
        case 400, 422: title = "请求有误"
        case 503: title = "暂不可用"
        default: title = "出错了"
        }
        return page(
            "error",
            ErrorView(status: status.code, message: message, requestID: requestID, back: back),
            title: title,
            chrome: nil,
            status: status
        )
    }
}
