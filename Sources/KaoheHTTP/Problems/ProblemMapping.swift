import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import Logging

extension ProblemDetails {
    /// The one mapping from an error leaving a handler to the problem a person is shown, used by
    /// `ProblemMiddleware` (problem+json) and the dashboard (a zh-CN page, a message beside a
    /// form's field):
    /// - a `ProblemDetails` is itself;
    /// - a domain `Refusal` (CycleError, StoreError, ScoreSheetError, …) maps by its kind to a 4xx
    ///   (or 503) naming its field and rule;
    /// - Hummingbird's `HTTPError` keeps its status;
    /// - a database failure a retry may get past (down, restarting, full, timed out) is a 503 with
    ///   `Retry-After`, never a 500;
    /// - anything else, and a refusal of kind `.failure`, is logged in full and answered with a 500
    ///   that leaks nothing.
    static func from(_ error: any Error, logger: Logger) -> ProblemDetails {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case let refusal as any Refusal:
            switch refusal.refusalKind {
            case .failure:
                logger.error("store failure", metadata: ["error": "\(String(reflecting: refusal))"])
                return .internalError
            case .unavailable:
                logger.warning("unavailable", metadata: ["error": "\(String(reflecting: refusal))"])
                return ProblemDetails(refusal)
            default:
                return ProblemDetails(refusal)
            }
        case let error as HTTPError:
            return ProblemDetails(httpError: error)
        case is CancellationError:
            // Cut off by the shutdown deadline (its statement cancelled, its transaction rolled back).
            var problem = ProblemDetails(
                status: .serviceUnavailable,
                type: "/problems/unavailable",
                title: "暂不可用 Unavailable",
                detail: "服务正在停止，此请求未完成，请稍后重试 / the server is stopping; the request was not completed, try again shortly"
            )
            problem.headers = [.retryAfter: "5"]
            return problem
        default:
            if let outage = StoreError.transient(error) {
                logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
                return ProblemDetails(outage)
            }
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return .internalError
        }
    }

    /// The problem of a refusal: status, type and title from its kind; its detail, field and rule.
    init(_ refusal: any Refusal) {
        let kind = refusal.refusalKind
        let (slug, title): (String, String) =
            switch kind {
            case .invalid: ("invalid", "数据不符合规则 Invalid data")
            case .malformed: ("malformed", "无法读取 Malformed input")
            case .notFound: ("not-found", "未找到 Not found")
            case .conflict: ("conflict", "状态冲突 Conflict")
            case .duplicate: ("duplicate", "已存在 Already exists")
            case .stepNotOpen: ("step-not-open", "报送尚未开始 Step not open")
            case .stepClosed: ("step-closed", "报送已截止 Step closed")
            case .forbidden: ("forbidden", "无权操作 Forbidden")
            case .unavailable: ("unavailable", "暂不可用 Unavailable")
            case .failure: ("internal", "内部错误 Internal error")
            }
        let rule: RuleID? =
            switch kind {
            case .stepClosed: refusal.rule ?? "cycle.step-closed"
            case .stepNotOpen: refusal.rule ?? "cycle.step-not-open"
            default: refusal.rule
            }
        self.init(
            status: HTTPResponse.Status(code: kind.status),
            type: "/problems/" + slug,
            title: title,
            detail: refusal.detail,
            field: refusal.field,
            rule: rule
        )
        if kind == .unavailable { headers[.retryAfter] = "5" }
    }

    /// The problem for one of Hummingbird's own errors (no route, a malformed request): a type,
    /// title and detail in Chinese by its status, as every other problem.
    init(httpError error: HTTPError) {
        let (slug, title, detail): (String, String, String) =
            switch error.status.code {
            case 404: ("not-found", "未找到 Not found", "没有这个地址 / there is no such resource")
            case 405: ("method-not-allowed", "不支持的请求方法 Method not allowed", "此地址不支持该请求方法 / this resource does not support the method")
            case 413: ("too-large", "请求体过大 Content too large", "请求体超过上限 / the body is too large")
            case 400: ("malformed", "无法读取 Malformed input", "请求格式错误 / the request is malformed")
            default: ("http", "请求未能完成 \(error.status.reasonPhrase)", "请求未能完成 / \(error.status.reasonPhrase)")
            }
        self.init(status: error.status, type: "/problems/" + slug, title: title, detail: detail)
        headers.append(contentsOf: error.headers)
    }

    /// 500: nothing about the cause, which is in the log under the request id.
    static var internalError: ProblemDetails {
        ProblemDetails(
            status: .internalServerError,
            type: "/problems/internal",
            title: "内部错误 Internal error",
            detail: "系统未能完成此请求，请将请求编号告知管理员。 The server could not complete the request. Quote the request id to the administrator."
        )
    }
}

extension ProblemDetails {
    /// 422 for one input value that breaks `rule`.
    static func invalid(_ field: String, rule: RuleID, _ detail: String) -> ProblemDetails {
        ProblemDetails(
            status: .unprocessableContent,
            type: "/problems/invalid",
            title: "数据不符合规则 Invalid data",
            detail: detail,
            field: field,
            rule: rule
        )
    }
}
