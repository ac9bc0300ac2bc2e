import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 个别谈话名单 `GET {U}/interviews` (SPEC "Interviews and staff evaluation"; issue 19): who is
/// interviewed in the unit's on-site assessment, drawn from the unit's latest roster with the seed of
/// the cycle's current draw (`InterviewDraw`), so anyone can recompute it. The office and the
/// auditor see both sets; the unit's committee its own; a reviewer assigned to the unit the
/// reviewers' set; the unit itself neither (403). 409 `interviews.not-yet` before the draw or the
/// unit's roster.
struct InterviewsController: Sendable {
    let filings: FilingStore
    let spotCheck: SpotCheckStore

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/cycles/{cycle}/units/{code}/interviews", use: show)
    }

    @Sendable func show(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycle = try context.parameters.require("cycle", as: CycleID.self)
        let code = try context.parameters.require("code", as: UnitCode.self)
        let policy = AccessPolicy(principal)
        try policy.county(county).require("unit \(code)")
        guard let unit = try await filings.unit(county: county, code: code) else { throw ProblemDetails.notFound("unit \(code)") }
        try policy.see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
        // The list is for the assessors: the unit itself may not see who will be interviewed.
        if principal.role == .unit { try AccessDecision.forbidden.require("the interview list of unit \(code)", rule: "access.interviews") }
        guard var list = try await spotCheck.interviews(cycle: CycleRef(county: county, cycle: cycle), unit: code) else {
            throw ProblemDetails(
                status: .conflict,
                type: "/problems/conflict",
                title: "尚未抽取 Not yet drawn",
                detail: "本周期尚未进行随机抽查,或本单位尚未报送考核名册,个别谈话名单还不能抽取 / no draw or no roster yet",
                rule: "interviews.not-yet"
            )
        }
        if principal.role == .committee { list.recheck = nil }
        if principal.role == .reviewer { list.committee = nil }
        return try APIBody.json(list)
    }
}
