import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore

/// Maps the cycle and filing domain errors to RFC 9457 problems with their field and rule.
enum CycleProblems {
    /// Runs `body`, translating `CycleError` and `ScoreSheetError` into problems. Everything else
    /// goes on to ProblemMiddleware.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CycleError {
            throw problem(for: error)
        } catch let error as ScoreSheetError {
            throw problem(for: error)
        }
    }

    static func problem(for error: CycleError) -> ProblemDetails {
        switch error.code {
        case .notFound:
            return ProblemDetails(status: .notFound, type: "/problems/not-found", title: "未找到 Not found",
                                  detail: error.message, field: error.field, rule: error.rule)
        case .stepClosed:
            return ProblemDetails(status: .conflict, type: "/problems/step-closed", title: "报送已截止 Step closed",
                                  detail: error.message, field: error.field, rule: error.rule ?? "cycle.step-closed")
        case .stepNotOpen:
            return ProblemDetails(status: .conflict, type: "/problems/step-not-open", title: "报送尚未开始 Step not open",
                                  detail: error.message, field: error.field, rule: error.rule ?? "cycle.step-not-open")
        case .conflict:
            return ProblemDetails(status: .conflict, type: "/problems/conflict", title: "状态冲突 Conflict",
                                  detail: error.message, field: error.field, rule: error.rule)
        default:
            return ProblemDetails(status: .unprocessableContent, type: "/problems/invalid", title: "数据不符合规则 Invalid data",
                                  detail: error.message, field: error.field, rule: error.rule)
        }
    }

    /// 422 naming the first indicator and rule as `field`/`rule`; the detail lists every issue.
    static func problem(for error: ScoreSheetError) -> ProblemDetails {
        let first = error.issues.first
        let detail = error.issues.map { "\(APIBody.pointer(fromRulesField: $0.field)): \($0.message) [\($0.rule)]" }.joined(separator: "; ")
        return ProblemDetails(
            status: .unprocessableContent, type: "/problems/score-sheet", title: "评分不符合考核指标体系 Score sheet rejected",
            detail: detail, field: first.map { APIBody.pointer(fromRulesField: $0.field) }, rule: first?.rule
        )
    }

    /// 422 for one input value.
    static func invalid(_ field: String, rule: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(status: .unprocessableContent, type: "/problems/invalid", title: "数据不符合规则 Invalid data",
                       detail: detail, field: field, rule: rule)
    }
}
