import Hummingbird
import KaoheRules
import KaoheStore

/// 核验 (step 4's second half) under `/counties/{county}/cycles/{cycle}`:
/// - `PUT units/{code}/recheck`: an assigned reviewer files its re-check score sheet, or the office
///   enters a paper re-check naming the reviewer;
/// - `GET units/{code}/recheck`: every version, compared with the committee's (anyone who sees the unit);
/// - `GET spot-check/deviations`: the sampled units' deviations and overrides (office, auditor).
struct RechecksController: Sendable {
    let grading: GradingStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    static let base = CycleScope.path
    static let maxBody = CycleScope.maxBody

    func register(on api: APIRoutes) {
        api.write(.put, Self.base + "/units/{code}/recheck", idempotency: idempotency, maxBodySize: Self.maxBody, use: putRecheck)
        api.on(.get, Self.base + "/units/{code}/recheck", use: getRechecks)
        api.on(.get, Self.base + "/spot-check/deviations", use: getDeviations)
    }

    /// `PUT units/{code}/recheck`.
    @Sendable func putRecheck(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        // A reviewer sees exactly its assigned units: any other is 404 like a unit that does not exist.
        let unit = try await scope.visibleUnit(context, filings: filings)
        guard scope.principal.role == .office || scope.principal.role == .reviewer else {
            throw ProblemDetails.forbidden(
                "只有选派的核验人员或县事考办可报送核验评分 / only the assigned reviewer or the office files a re-check",
                rule: "access.recheck"
            )
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let bytes = try await APIBody.read(request, limit: Self.maxBody)
        let sheet = try APIBody.decode(AssessmentInput.self, from: bytes).sheet()
        let named = try APIBody.decode(RecheckReviewerInput.self, from: bytes).reviewer
        let reviewer: String
        if scope.principal.role == .reviewer {
            reviewer = scope.principal.reviewer ?? scope.principal.account
        } else {
            guard let named, !named.trimmingBlanks().isEmpty else {
                throw ProblemDetails.invalid("/reviewer", rule: "recheck.reviewer-required", "请填写核验人员 / name the reviewer")
            }
            reviewer = named
        }
        let version = try await grading.fileRecheck(
            cycle: scope.cycleRef,
            unit: unit.code,
            reviewer: reviewer,
            sheet: sheet,
            principal: scope.principal
        )
        return try APIBody.json(version)
    }

    /// `GET units/{code}/recheck`.
    @Sendable func getRechecks(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        let versions = try await grading.rechecks(cycle: scope.cycleRef, unit: unit.code)
        return try APIBody.json(RechecksBody(unit: unit.code, versions: versions))
    }

    /// `GET spot-check/deviations`.
    @Sendable func getDeviations(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        return try APIBody.json(try await grading.deviations(cycle: scope.cycleRef))
    }
}

struct RecheckReviewerInput: Decodable {
    var reviewer: String?
}

struct RechecksBody: Encodable {
    var unit: UnitCode
    var versions: [RecheckVersion]
}
