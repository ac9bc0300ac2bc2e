import Hummingbird
import KaoheRules
import KaoheStore

/// 确定考核等次 (step 5) under `/counties/{county}/cycles/{cycle}`:
/// - `POST grading/proposal`, `PUT grading/decisions`, `POST grading/confirm` (office);
/// - `GET grading` (office, auditor);
/// each answering the grading with a page of its units (`?offset=&limit=`, the first 1,000 by default);
/// - `GET units/{code}/quota`: the unit's 优秀 quota and its use (anyone who sees the unit).
struct GradingController: Sendable {
    let grading: GradingStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    static let base = CycleScope.path
    static let maxBody = CycleScope.maxBody

    func register(on api: APIRoutes) {
        api.write(.post, Self.base + "/grading/proposal", idempotency: idempotency, maxBodySize: Self.maxBody, use: propose)
        api.write(.put, Self.base + "/grading/decisions", idempotency: idempotency, maxBodySize: Self.maxBody, use: decide)
        api.write(.post, Self.base + "/grading/confirm", idempotency: idempotency, maxBodySize: Self.maxBody, use: confirm)
        api.on(.get, Self.base + "/grading", use: current)
        api.on(.get, Self.base + "/units/{code}/quota", use: quota)
    }

    /// `POST grading/proposal`: grades every unit under the cycle's policy.
    @Sendable func propose(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let page = try Self.page(request)
        return try APIBody.json(try await grading.propose(cycle: scope.cycleRef, principal: scope.principal, units: page))
    }

    /// `PUT grading/decisions`: the office's decisions of the proposal's ties.
    @Sendable func decide(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(DecisionsInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        return try APIBody.json(
            try await grading.decide(
                cycle: scope.cycleRef,
                decisions: input.decisions,
                principal: scope.principal,
                units: try Self.page(request)
            )
        )
    }

    /// `POST grading/confirm`: the proposal becomes the cycle's grades.
    @Sendable func confirm(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let page = try Self.page(request)
        return try APIBody.json(try await grading.confirm(cycle: scope.cycleRef, principal: scope.principal, units: page))
    }

    /// `GET grading`: the current proposal or confirmation.
    @Sendable func current(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        guard let result = try await grading.current(cycle: scope.cycleRef, units: try Self.page(request)) else {
            throw ProblemDetails.notFound("grading of cycle \(scope.cycle) (no proposal yet)")
        }
        return try APIBody.json(result)
    }

    /// Units in a grading response unless `?limit=` says otherwise.
    static let defaultLimit = 1000
    /// The most `?limit=` may ask for.
    static let maximumLimit = 10_000

    /// `?offset=N&limit=M`: which graded units the response lists (by code; `unitsTotal` says how
    /// many there are). Default the first 1,000; `limit=0` for the summary alone. Anything else
    /// than whole numbers in range is 422, naming the parameter.
    static func page(_ request: Request) throws -> GradedUnitsPage {
        func number(_ name: String, default value: Int, max: Int) throws -> Int {
            let values = request.uri.queryParameters.getAll(name)
            guard !values.isEmpty else { return value }
            guard values.count == 1, let number = Int(values[0]), number >= 0, number <= max else {
                throw ProblemDetails.invalid(
                    name,
                    rule: "grading.page",
                    "“\(name)”应为 0 至 \(max) 之间的一个整数 / \(name) must be one whole number from 0 to \(max)"
                )
            }
            return number
        }
        return GradedUnitsPage(
            offset: try number("offset", default: 0, max: Int(Int32.max)),
            limit: try number("limit", default: defaultLimit, max: maximumLimit)
        )
    }

    /// `GET units/{code}/quota`.
    @Sendable func quota(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        return try APIBody.json(try await grading.quota(cycle: scope.cycleRef, unit: unit.code))
    }
}

struct DecisionsInput: Decodable {
    var decisions: [TieDecision]
}
