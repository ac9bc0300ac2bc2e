import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// What decides grades besides the scores, recorded by the office (county-wide or its units), under
/// `/counties/{county}/cycles/{cycle}`:
/// - `POST units/{code}/grading-events`: 不得确定为优秀 (`not-excellent`) or 直接确定为较差 / 一票否决
///   (`direct-poor`) event against a unit, with its reason and document (附件3);
/// - `POST units/{code}/grading-events/{number}/withdraw`: a mistaken event withdrawn (stays on record);
/// - `PUT departments/{department}/result`: a supervising department's annual result (篇十二 (五));
/// - `PUT grading/ratio-rulings`: 比例研判, the office's rulings on ratio breaches 复议 left.
/// The first three re-run a stored proposal at once; they are refused once publicity opened.
struct GradingInputsController: Sendable {
    let grading: GradingStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    static let base = CycleScope.path
    static let maxBody = 64 * 1024

    func register(on api: APIRoutes) {
        api.write(.post, Self.base + "/units/{code}/grading-events", idempotency: idempotency, maxBodySize: Self.maxBody, use: recordEvent)
        api.write(
            .post,
            Self.base + "/units/{code}/grading-events/{number}/withdraw",
            idempotency: idempotency,
            maxBodySize: Self.maxBody,
            use: withdrawEvent
        )
        api.write(
            .put,
            Self.base + "/departments/{department}/result",
            idempotency: idempotency,
            maxBodySize: Self.maxBody,
            use: recordDepartmentResult
        )
        api.write(.put, Self.base + "/grading/ratio-rulings", idempotency: idempotency, maxBodySize: Self.maxBody, use: setRatioRulings)
    }

    /// `POST units/{code}/grading-events`.
    @Sendable func recordEvent(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        try AccessPolicy(scope.principal).actAsOffice(county: scope.county).require("unit \(unit.code)", rule: "access.office")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(GradingEventInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        guard let kind = GradingEventKind(rawValue: input.kind) ?? GradingEventKind.allCases.first(where: { $0.chinese == input.kind })
        else {
            throw ProblemDetails.invalid(
                "/kind",
                rule: "grading-event.kind",
                "情形应为 direct-poor(直接确定为较差等次)或 not-excellent(不得确定为优秀等次) / kind must be direct-poor or not-excellent"
            )
        }
        let reason = try Self.text(input.reason, field: "/reason", maximum: 2000)
        let document = try Self.text(input.document, field: "/document", maximum: 200)
        let event = try await grading.recordEvent(
            cycle: scope.cycleRef,
            unit: unit.code,
            kind: kind,
            reason: reason,
            document: document,
            principal: scope.principal
        )
        return try APIBody.json(event, status: .created)
    }

    /// `POST units/{code}/grading-events/{number}/withdraw`.
    @Sendable func withdrawEvent(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        try AccessPolicy(scope.principal).actAsOffice(county: scope.county).require("unit \(unit.code)", rule: "access.office")
        guard let number = context.parameters.get("number", as: Int32.self).map(Int.init) else {
            throw ProblemDetails.notFound("grading event \(context.parameters.get("number") ?? "")")
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(WithdrawInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let reason = try Self.text(input.reason, field: "/reason", maximum: 2000)
        return try APIBody.json(
            try await grading.withdrawEvent(
                cycle: scope.cycleRef,
                unit: unit.code,
                number: number,
                reason: reason,
                principal: scope.principal
            )
        )
    }

    /// `PUT departments/{department}/result`.
    @Sendable func recordDepartmentResult(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let department = try context.parameters.require("department")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(DepartmentResultInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        guard let grade = DepartmentGrade(rawValue: input.grade) else {
            throw ProblemDetails.invalid(
                "/grade",
                rule: "department-result.grade",
                "部门年度综合考核结果应为 excellent、good、qualified 或 failed / excellent, good, qualified or failed"
            )
        }
        let document = try Self.text(input.document, field: "/document", maximum: 200)
        return try APIBody.json(
            try await grading.recordDepartmentResult(
                cycle: scope.cycleRef,
                department: department,
                grade: grade,
                document: document,
                principal: scope.principal
            )
        )
    }

    /// `PUT grading/ratio-rulings`.
    @Sendable func setRatioRulings(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(RatioRulingsInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        return try APIBody.json(
            try await grading.setRatioRulings(
                cycle: scope.cycleRef,
                rulings: input.rulings,
                principal: scope.principal,
                units: try GradingController.page(request)
            )
        )
    }

    /// A required text field, trimmed, 1…`maximum` characters.
    static func text(_ value: String, field: String, maximum: Int) throws -> String {
        let text = value.trimmingBlanksAndNewlines()
        guard (1...maximum).contains(text.count) else {
            throw ProblemDetails.invalid(field, rule: "text.length", "应为1–\(maximum)字 / 1–\(maximum) characters")
        }
        return text
    }
}

struct GradingEventInput: Decodable {
    var kind: String
    var reason: String
    var document: String
}

struct WithdrawInput: Decodable {
    var reason: String
}

struct DepartmentResultInput: Decodable {
    var grade: String
    var document: String
}

struct RatioRulingsInput: Decodable {
    var rulings: [RatioRulingInput]
}
