import Foundation
import HTTPTypes
import KaoheRules
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// A request HTTP/1.1 cannot parse (a broken request line, a header without a colon, a
/// `Content-Length` that is not a number) never reaches the router: HummingbirdCore answers it
/// itself with an empty 400 and closes the connection. This handler sits in the channel after the
/// HTTP codec (Hummingbird's `additionalChannelHandlers`); when the decoder reports a parse error it
/// gives that 400 the body every other refusal has — problem+json, a Chinese detail, rule
/// `http.malformed` — so even a client whose bytes were not HTTP reads what went wrong.
final class MalformedRequestProblem: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Set once the decoder has failed on this connection: the next 400 is Hummingbird's answer to it.
    private var parseFailed = false
    /// The body to send before the `.end` of that 400.
    private var pendingBody: ByteBuffer?

    /// The problem+json body (what `ProblemDetails` renders, without a request id: there was no request).
    static let body: [UInt8] = {
        let problem = ProblemDetails(
            status: .badRequest,
            type: "/problems/malformed",
            title: "请求格式错误 Malformed request",
            detail:
                "请求不是有效的 HTTP/1.1 报文(请求行、头字段或分块编码有误),连接已关闭 / the request is not valid HTTP/1.1 (request line, header fields or chunked encoding); the connection is closed.",
            rule: "http.malformed"
        )
        return Array((try? problem.encodedBody()) ?? Data())
    }()

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError { parseFailed = true }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(var head) where parseFailed && head.status == .badRequest && head.headerFields[.contentLength] == "0":
            head.headerFields[.contentType] = "application/problem+json"
            head.headerFields[.contentLength] = String(Self.body.count)
            pendingBody = context.channel.allocator.buffer(bytes: Self.body)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where pendingBody != nil:
            let body = pendingBody!
            pendingBody = nil
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.write(wrapOutboundOut(part), promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}
