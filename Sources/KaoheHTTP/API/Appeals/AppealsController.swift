import Hummingbird
import KaoheRules
import KaoheStore

/// 复核 (staff appeals, 篇十三 第二十五条) under `/counties/{county}/cycles/{cycle}`:
/// - `POST units/{code}/appeals`: the unit for its staff member, or the office;
/// - `PUT appeals/{id}`: the office records the outcome.
struct AppealsController: Sendable {
    let grading: GradingStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    static let base = CycleScope.path
    static let maxBody = CycleScope.maxBody

    func register(on api: APIRoutes) {
        api.write(.post, Self.base + "/units/{code}/appeals", idempotency: idempotency, maxBodySize: Self.maxBody, use: fileAppeal)
        api.write(.put, Self.base + "/appeals/{id}", idempotency: idempotency, maxBodySize: Self.maxBody, use: decideAppeal)
    }

    /// `POST units/{code}/appeals`.
    @Sendable func fileAppeal(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        guard scope.principal.role == .office || (scope.principal.role == .unit && scope.principal.unitCode == unit.code) else {
            throw ProblemDetails.forbidden("复核申请由单位或县事考办登记 / the unit or the office records an appeal", rule: "access.appeal")
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(AppealInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let grade = try Self.grade(input.grade)
        let appeal = try await grading.fileAppeal(
            cycle: scope.cycleRef,
            unit: unit.code,
            staffNo: input.staffNo,
            grade: grade,
            notifiedOn: input.notifiedOn,
            filedOn: input.filedOn,
            reason: input.reason,
            principal: scope.principal
        )
        return try APIBody.json(appeal, status: .created)
    }

    /// `PUT appeals/{id}`.
    @Sendable func decideAppeal(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        guard let id = context.parameters.get("id", as: Int64.self),
            let appeal = try await grading.appeal(county: scope.county, id: id), appeal.cycle == scope.cycle
        else {
            throw ProblemDetails.notFound("appeal \(context.parameters.get("id") ?? "")")
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(AppealDecisionInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let grade = try input.grade.map(Self.grade)
        return try APIBody.json(
            try await grading.decideAppeal(
                county: scope.county,
                id: id,
                outcome: input.outcome,
                grade: grade,
                note: input.note,
                principal: scope.principal
            )
        )
    }

    /// A staff grade by its id (`excellent`) or its Chinese name (优秀).
    static func grade(_ text: String) throws -> StaffGrade {
        guard let grade = StaffGrade(rawValue: text) ?? StaffGrade.allCases.first(where: { $0.chinese == text }) else {
            throw ProblemDetails.invalid("/grade", rule: "appeal.grade", "未知的等次 / unknown grade \(text)")
        }
        return grade
    }
}

struct AppealInput: Decodable {
    var staffNo: String
    var grade: String
    var notifiedOn: String
    var filedOn: String?
    var reason: String
}

struct AppealDecisionInput: Decodable {
    var outcome: String
    var grade: String?
    var note: String?
}
