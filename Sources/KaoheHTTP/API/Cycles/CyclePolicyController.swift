import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 考核政策 of a cycle (CyclePolicyStore):
/// - `GET {C}/policy-presets`: the built-in presets with their documents (any account);
/// - `GET {Y}/policy`: the policy in force, in numbers and in words, with the parts that can no
///   longer change and why (any account of the county: the rules are public);
/// - `GET {Y}/policy/versions`: every version (office, auditor);
/// - `PUT {Y}/policy` (office): `{"preset": "national-2023"}`, `{"policy": {…}}` or
///   `{"changes": {"grading": {"excellentMaxPercent": 25}}}` (a JSON merge patch on the policy in
///   force), with `reason` and optionally the `version` it changes;
/// - `POST {Y}/policy/dry-run` (office, auditor): the same body; the grades the cycle's filings
///   would get under it, beside those under the policy in force. Nothing is written.
struct CyclePolicyController: Sendable {
    let policies: CyclePolicyStore
    let grading: GradingStore
    let idempotency: IdempotencyStore

    static let maxBody = 64 * 1024

    struct Input: Decodable {
        var preset: String?
        var policy: CyclePolicy?
        var reason: String?
        var version: Int?
    }

    struct WordsLine: Encodable {
        var label: String
        var text: String
        var part: String
        var locked: String?
    }

    struct Body: Encodable {
        var cycle: CycleID
        var version: Int
        var preset: String
        var title: String
        var source: String
        var setBy: String?
        var setAt: String?
        var reason: String
        var locked: [String: String]
        var words: [WordsLine]
        var policy: CyclePolicy

        init(cycle: CycleID, _ current: CyclePolicyStore.Current) {
            let v = current.current
            self.cycle = cycle
            version = v.version
            preset = v.policy.id
            title = v.policy.title
            source = v.policy.source
            setBy = v.setBy
            setAt = v.setAt.map { ShanghaiTime.format($0) }
            reason = v.reason
            locked = Dictionary(uniqueKeysWithValues: current.locked.map { ($0.key.rawValue, $0.value) })
            words = PolicyWords(v.policy).lines.map {
                WordsLine(label: $0.label, text: $0.text, part: $0.part.rawValue, locked: current.locked[$0.part])
            }
            policy = v.policy
        }
    }

    struct VersionBody: Encodable {
        var version: Int
        var preset: String
        var setBy: String?
        var setAt: String?
        var reason: String
        var policy: CyclePolicy
    }

    struct Preset: Encodable {
        var id: String
        var title: String
        var source: String
        var words: [WordsLine]
        var policy: CyclePolicy
    }

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/policy-presets", use: presets)
        api.on(.get, CycleScope.path + "/policy", use: show)
        api.on(.get, CycleScope.path + "/policy/versions", use: versions)
        api.write(.put, CycleScope.path + "/policy", idempotency: idempotency, maxBodySize: Self.maxBody, use: put)
        api.on(.post, CycleScope.path + "/policy/dry-run", use: dryRun)
    }

    /// `GET {C}/policy-presets`.
    @Sendable func presets(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(try context.requirePrincipal()).county(county).require("county \(county)")
        let presets = try PolicyLoader.cyclePresetIds.map { id in
            let policy = try PolicyLoader.cyclePreset(id)
            return Preset(
                id: id,
                title: policy.title,
                source: policy.source,
                words: PolicyWords(policy).lines.map { WordsLine(label: $0.label, text: $0.text, part: $0.part.rawValue) },
                policy: policy
            )
        }
        return try APIBody.json(["presets": presets])
    }

    /// `GET {Y}/policy`.
    @Sendable func show(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        guard let current = try await policies.current(cycle: scope.cycleRef) else { throw ProblemDetails.notFound("cycle \(scope.cycle)") }
        return try APIBody.json(Body(cycle: scope.cycle, current))
    }

    /// `GET {Y}/policy/versions`.
    @Sendable func versions(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        guard try await policies.current(cycle: scope.cycleRef) != nil else { throw ProblemDetails.notFound("cycle \(scope.cycle)") }
        let versions = try await policies.history(cycle: scope.cycleRef).map {
            VersionBody(
                version: $0.version,
                preset: $0.policy.id,
                setBy: $0.setBy,
                setAt: $0.setAt.map { ShanghaiTime.format($0) },
                reason: $0.reason,
                policy: $0.policy
            )
        }
        return try APIBody.json(["versions": versions])
    }

    /// `PUT {Y}/policy`.
    @Sendable func put(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let (input, policy) = try await read(request, cycle: scope.cycleRef)
        _ = try await policies.put(
            cycle: scope.cycleRef,
            policy: policy,
            reason: input.reason?.trimmingBlanks() ?? "",
            expectedVersion: input.version,
            actor: scope.principal.actor,
            account: scope.principal.account
        )
        guard let current = try await policies.current(cycle: scope.cycleRef) else { throw ProblemDetails.notFound("cycle \(scope.cycle)") }
        return try APIBody.json(Body(cycle: scope.cycle, current))
    }

    /// `POST {Y}/policy/dry-run`.
    @Sendable func dryRun(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        let (_, policy) = try await read(request, cycle: scope.cycleRef)
        return try APIBody.json(try await grading.dryRun(cycle: scope.cycleRef, policy: policy))
    }

    /// The body and the policy it makes of the one in force: exactly one of `preset`, `policy`,
    /// `changes` (422 `policy.change` otherwise).
    func read(_ request: Request, cycle ref: CycleRef) async throws -> (Input, CyclePolicy) {
        try APIBody.requireMediaType(request, ["application/json"])
        let bytes = try await APIBody.read(request, limit: Self.maxBody)
        let input = try APIBody.decode(Input.self, from: bytes)
        // `changes` is any JSON object (a merge patch): taken as it was sent.
        let changes = ((try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any])?["changes"].map {
            (try? JSONSerialization.data(withJSONObject: $0, options: [.fragmentsAllowed])) ?? Data()
        }
        let change: PolicyChange
        switch (input.preset, input.policy, changes) {
        case (let preset?, nil, nil): change = .preset(preset)
        case (nil, let policy?, nil): change = .whole(policy)
        case (nil, nil, let changes?): change = .changes(changes)
        default:
            throw ProblemDetails.invalid(
                "/changes",
                rule: "policy.change",
                "请给出 preset(预设)、policy(完整政策)或 changes(修改部分)中的一项 / give exactly one of preset, policy, changes"
            )
        }
        guard let current = try await policies.current(cycle: ref) else { throw ProblemDetails.notFound("cycle \(ref.cycle)") }
        do { return (input, try change.applied(to: current.current.policy)) } catch {
            let field = error.field.isEmpty ? "changes" : error.field
            throw ProblemDetails.invalid(
                "/" + field.replacingOccurrences(of: ".", with: "/"),
                rule: RuleID(rawValue: "policy.\(error.rule.rawValue)"),
                error.message
            )
        }
    }
}
