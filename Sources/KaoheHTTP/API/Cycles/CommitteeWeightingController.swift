import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 专考委细化权重 (篇十二: 履行职责 50–70, 创新创优 15–25, 综合测评 15–25, 由专考委在范围内确定),
/// entered by the committee itself:
/// - `GET {Y}/committees/{committee}/weighting` (the office, the auditor, that committee): the
///   cycle's scheme — its groups with their ranges and its indicators with their default maxima —,
///   the committee's weights in force (null: the scheme's own), and why they can no longer change;
/// - `PUT {Y}/committees/{committee}/weighting` (the office, that committee):
///   `{"indicatorMax": {"key_tasks": 30, …} | null, "reason": "…", "version": 3}`, a new version
///   of the cycle's policy (`CyclePolicyStore.putCommitteeWeighting`), audited `cycle.policy`;
///   refused by `policy.weights` (a group outside its range, a total other than the scheme's, an
///   indicator missing or unknown, a scheme whose weights are fixed) and, once the committee may
///   score, by `policy.after-assessments-open`.
struct CommitteeWeightingController: Sendable {
    let policies: CyclePolicyStore
    let registry: RegistryStore
    let idempotency: IdempotencyStore

    static let path = CycleScope.path + "/committees/{committee}/weighting"

    struct Input: Decodable {
        var indicatorMax: [String: Score]?
        var reason: String?
        var version: Int?
    }

    struct Group: Encodable {
        var id: String
        var name: String
        var max: Score
        var range: ScoreRange?
    }

    struct Item: Encodable {
        var id: String
        var name: String
        var group: String
        var max: Score
    }

    struct Body: Encodable {
        var cycle: CycleID
        var committee: String
        var version: Int
        var scheme: String
        var committeeWeighted: Bool
        var groups: [Group]
        var indicators: [Item]
        var indicatorMax: [String: Score]?
        var locked: String?
    }

    func register(on api: APIRoutes) {
        api.on(.get, Self.path, use: show)
        api.write(.put, Self.path, idempotency: idempotency, maxBodySize: 16 * 1024, use: put)
    }

    /// The scope, the committee (404 when the county has none by that id) and whether the caller may
    /// read (`write` false: office, auditor, the committee) or change it.
    func scope(_ context: KaoheRequestContext, write: Bool) async throws -> (CycleScope, String) {
        let scope = try CycleScope.anyone(context)
        let committee = try context.parameters.require("committee")
        let access = AccessPolicy(scope.principal)
        let decision =
            write || scope.principal.role != .auditor
            ? access.weigh(committee: committee, county: scope.county) : access.seeCountyWide(county: scope.county)
        try decision.require("committee \(committee)")
        guard try await registry.committees(county: scope.county).contains(where: { $0.id == committee }) else {
            throw ProblemDetails.notFound("committee \(committee)")
        }
        return (scope, committee)
    }

    func body(_ scope: CycleScope, committee: String) async throws -> Body {
        guard let current = try await policies.current(cycle: scope.cycleRef) else { throw ProblemDetails.notFound("cycle \(scope.cycle)") }
        let policy = current.current.policy
        let scheme = try policy.indicatorScheme()
        return Body(
            cycle: scope.cycle,
            committee: committee,
            version: current.current.version,
            scheme: scheme.id,
            committeeWeighted: scheme.committeeWeighted,
            groups: scheme.groups.map { Group(id: $0.id, name: $0.name, max: $0.max, range: $0.range) },
            indicators: scheme.indicators.map { Item(id: $0.id, name: $0.name, group: $0.group, max: $0.max) },
            indicatorMax: policy.committeeWeightings?[committee]?.indicatorMax,
            locked: current.locked[.weighting]
        )
    }

    /// `GET {Y}/committees/{committee}/weighting`.
    @Sendable func show(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (scope, committee) = try await scope(context, write: false)
        return try APIBody.json(try await body(scope, committee: committee))
    }

    /// `PUT {Y}/committees/{committee}/weighting`.
    @Sendable func put(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (scope, committee) = try await scope(context, write: true)
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(Input.self, from: try await APIBody.read(request, limit: 16 * 1024))
        _ = try await policies.putCommitteeWeighting(
            cycle: scope.cycleRef,
            committee: committee,
            weighting: input.indicatorMax.map(SchemeWeighting.init(indicatorMax:)),
            reason: input.reason?.trimmingBlanks() ?? "",
            expectedVersion: input.version,
            actor: scope.principal.actor,
            account: scope.principal.account
        )
        return try APIBody.json(try await body(scope, committee: committee))
    }
}
