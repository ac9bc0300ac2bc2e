public import Hummingbird

/// A server-rendered HTML page (zh-CN, UTF-8).
public struct HTML: ResponseGenerator, Sendable {
    /// The whole document.
    public var text: String

    /// Wraps a document.
    public init(_ text: String) { self.text = text }

    /// Renders it with the right content type.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        return response
    }

    /// Escapes text for an HTML element or attribute.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
