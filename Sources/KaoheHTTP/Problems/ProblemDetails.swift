import Foundation
public import HTTPTypes
public import Hummingbird
public import KaoheRules

/// An RFC 9457 problem: the body of every 4xx and 5xx kaohe sends, as `application/problem+json`.
/// `field` names the input that failed and `rule` the rule it broke, so a clerk can correct it.
public struct ProblemDetails: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A URI naming the kind of problem (`https://kaohe.example/problems/<slug>` style, relative here).
    public var type: String
    /// A short, stable summary of the kind of problem.
    public var title: String
    /// What went wrong this time, in words a clerk can act on.
    public var detail: String
    /// The input field, CSV line/column or path parameter concerned.
    public var field: String?
    /// The rule that failed (e.g. `uscc.checksum`, `score.max`).
    public var rule: RuleID?
    /// Filled in by the middleware: the request id, also in the logs.
    public var requestID: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields = [:]

    /// Makes a problem.
    public init(status: HTTPResponse.Status, type: String, title: String, detail: String, field: String? = nil, rule: RuleID? = nil) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.field = field
        self.rule = rule
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var field: String?
        var rule: RuleID?
        var requestId: String?
    }

    /// The problem+json body (sorted keys, as every problem kaohe writes).
    func encodedBody() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(
            Body(type: type, title: title, status: status.code, detail: detail, field: field, rule: rule, requestId: requestID)
        )
    }

    /// Renders the problem+json response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try encodedBody()
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        response.headers[.contentType] = "application/problem+json"
        response.headers.append(contentsOf: headers)
        if let requestID { response.headers[.requestID] = requestID }
        return response
    }
}
