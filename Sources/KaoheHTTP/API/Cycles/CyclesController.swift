import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore

/// 考核周期 (office of the county):
/// - `PUT /counties/{county}/cycles/{cycle}` creates the cycle, or updates it before any step opens;
/// - `GET /counties/{county}/cycles/{cycle}` shows it with each step's state now, to every account
///   of the county (a unit reads its deadlines here); the enrolled units listed are those the
///   account may see;
/// - `PUT /counties/{county}/cycles/{cycle}/units` sets the enrolled units;
/// - `POST /counties/{county}/cycles/{cycle}/steps/{step}/close` closes an open step now.
struct CyclesController: Sendable {
    let cycles: CycleStore
    let registry: RegistryStore
    let idempotency: IdempotencyStore

    /// Cycle definitions are small.
    static let maxBodySize = 1024 * 1024
    /// An enrolment lists every unit of a county, or of a province: 50,000 codes are ~1.05 MB of
    /// JSON; 32 MiB holds 1.5 million.
    static let maxEnrolmentSize = 32 * 1024 * 1024

    func register(on api: APIRoutes) {
        api.write(.put, "/counties/{county}/cycles/{cycle}", idempotency: idempotency, maxBodySize: Self.maxBodySize, use: putCycle)
        api.on(.get, "/counties/{county}/cycles/{cycle}", use: getCycle)
        api.write(
            .put,
            "/counties/{county}/cycles/{cycle}/units",
            idempotency: idempotency,
            maxBodySize: Self.maxEnrolmentSize,
            use: putUnits
        )
        api.write(
            .post,
            "/counties/{county}/cycles/{cycle}/steps/{step}/close",
            idempotency: idempotency,
            maxBodySize: Self.maxBodySize,
            use: closeStep
        )
    }

    /// `PUT …/cycles/{cycle}`: creates the cycle (201) or updates it before any step opens (200).
    @Sendable func putCycle(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (principal, county, cycleID) = try Self.office(context)
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(CycleInput.self, from: try await APIBody.read(request, limit: Self.maxBodySize))
        let definition = try Self.definition(cycle: cycleID, input: input)
        let (cycle, created) = try await cycles.put(
            county: county,
            definition: definition,
            actor: principal.actor,
            account: principal.account
        )
        return try APIBody.json(CycleBody(cycle), status: created ? .created : .ok)
    }

    /// `GET …/cycles/{cycle}`: the cycle with each step's state now.
    @Sendable func getCycle(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycleID = try context.parameters.require("cycle", as: CycleID.self)
        let policy = AccessPolicy(principal)
        try policy.county(county).require("county \(county)")
        guard var cycle = try await cycles.cycle(cycle: CycleRef(county: county, cycle: cycleID)) else {
            throw ProblemDetails.notFound("考核周期 cycle \(cycleID)")
        }
        if policy.seeCountyWide(county: county) != .allowed {
            // A committee, a unit or a reviewer: the dates for everyone, the units only its own.
            let committees = Dictionary(
                try await registry.units(county: county).map { ($0.code, $0.committee) },
                uniquingKeysWith: { first, _ in first }
            )
            cycle.units = cycle.units.filter { code in
                policy.see(unit: AccessPolicy.UnitRef(county: county, committee: committees[code] ?? "", code: code)) == .allowed
            }
        }
        return try APIBody.json(CycleBody(cycle))
    }

    /// `PUT …/cycles/{cycle}/units`: the enrolled units — listed (each a valid code, none twice),
    /// every unit of the register (`"all": true`), or those of some committees.
    @Sendable func putUnits(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (principal, county, cycleID) = try Self.office(context)
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(EnrolmentInput.self, from: try await APIBody.read(request, limit: Self.maxEnrolmentSize))
        let ways = [input.units != nil, input.all != nil, input.committees != nil].count { $0 }
        guard ways == 1 else {
            throw ProblemDetails.invalid(
                "/units",
                rule: "cycle.enrolment-one-way",
                "请只用一种方式指定参加单位:units(单位代码)、all(全部登记单位)或 committees(专考委) / give exactly one of units, all, committees"
            )
        }
        let choice: EnrolmentChoice
        if let all = input.all {
            guard all else {
                throw ProblemDetails.invalid("/all", rule: "cycle.enrolment-one-way", "all 只能为 true / all must be true")
            }
            choice = .everyRegisteredUnit
        } else if let committees = input.committees {
            choice = .committees(committees)
        } else {
            choice = .units(input.units ?? [])
        }
        let units = input.units ?? []
        var seen = Set<UnitCode>()
        for (index, code) in units.enumerated() {
            do {
                _ = try code.validated()
            } catch {
                throw ProblemDetails.invalid("/units/\(index)", rule: error.rule.identifier, error.description)
            }
            guard seen.insert(code).inserted else {
                throw ProblemDetails.invalid("/units/\(index)", rule: "cycle.unit-duplicate", "单位“\(code)”重复 / unit listed twice")
            }
        }
        let outcome = try await cycles.enrol(cycle: CycleRef(county: county, cycle: cycleID), choosing: choice, actor: principal.actor)
        return try APIBody.json(EnrolmentBody(cycle: cycleID, units: outcome.units, added: outcome.added, removed: outcome.removed))
    }

    /// `POST …/steps/{step}/close`: closes an open step now.
    @Sendable func closeStep(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (principal, county, cycleID) = try Self.office(context)
        let stepName = try context.parameters.require("step")
        guard let step = FilingStep(name: stepName) else {
            throw ProblemDetails.notFound("步骤 step \(stepName)")
        }
        let closed = try await cycles.closeStep(
            cycle: CycleRef(county: county, cycle: cycleID),
            step: step,
            actor: principal.actor,
            account: principal.account
        )
        return try APIBody.json(CycleBody.Step(closed))
    }

    /// The office of the county in the path, and the cycle id.
    static func office(_ context: KaoheRequestContext) throws -> (Principal, county: CountyCode, cycle: CycleID) {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycleID = try context.parameters.require("cycle", as: CycleID.self)
        try AccessPolicy(principal).actAsOffice(county: county).require("county \(county)", rule: "access.office")
        return (principal, county, cycleID)
    }

    /// The definition from the input and the defaults, or a 422 naming the field.
    static func definition(cycle: CycleID, input: CycleInput) throws -> CycleDefinition {
        guard let kind = CycleDefaults.kind(of: cycle) else {
            throw ProblemDetails.invalid(
                "cycle",
                rule: "cycle.id",
                "考核周期编号“\(cycle)”应为年度“2026”或季度“2026-Q1” / the cycle id must be YYYY or YYYY-Qn"
            )
        }
        if let given = input.kind, given != kind.rawValue {
            throw ProblemDetails.invalid(
                "/kind",
                rule: "cycle.kind",
                "周期“\(cycle)”的类型应为\(kind.rawValue) / the cycle id makes this cycle \(kind.rawValue)"
            )
        }
        var steps = CycleDefaults.steps(for: cycle)
        for (name, given) in (input.steps ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let step = FilingStep(name: name) else {
                throw ProblemDetails.invalid(
                    "/steps/\(name)",
                    rule: "cycle.step",
                    "没有步骤“\(name)”(可选:self_assessment、assessment、roster) / unknown step"
                )
            }
            var times = steps[step]!
            func parse(_ text: String?, _ key: String, endOfDay: Bool) throws -> Date? {
                guard let text else { return nil }
                guard let date = ShanghaiTime.parse(text, dateMeansEndOfDay: endOfDay) else {
                    throw ProblemDetails.invalid(
                        "/steps/\(name)/\(key)",
                        rule: "cycle.time-format",
                        "时间“\(text)”应为 ISO 8601(如 2026-12-31T23:59:59+08:00)或日期 2026-12-31 / use ISO 8601 with an offset, or a date"
                    )
                }
                return date
            }
            if let opens = try parse(given.opensAt, "opensAt", endOfDay: false) { times.opensAt = opens }
            if let deadline = try parse(given.deadline, "deadline", endOfDay: true) {
                times.deadline = deadline
                times.closesAt = deadline.addingTimeInterval(CycleDefaults.grace)
            }
            if let closes = try parse(given.closesAt, "closesAt", endOfDay: true) { times.closesAt = closes }
            steps[step] = times
        }
        let title = input.title ?? (kind == .annual ? "\(cycle)年度事业单位绩效考核" : "\(cycle)季度事业单位绩效考核")
        guard title.count <= 200 else {
            throw ProblemDetails.invalid("/title", rule: "cycle.title", "标题最多200字 / the title is limited to 200 characters")
        }
        // A known preset gives the scheme and roster policy not named; an unknown one is refused by the store.
        let preset = input.preset.flatMap { try? PolicyLoader.cyclePreset($0) }
        var definition = CycleDefinition(
            cycle: cycle,
            kind: kind,
            title: title,
            scheme: input.scheme ?? preset?.defaultScheme ?? "county-2021",
            policy: input.policy ?? preset?.roster.id ?? "tied-2023",
            steps: steps
        )
        definition.preset = input.preset
        if let spotCheck = input.spotCheck {
            definition.spotCheckPercent = spotCheck.percent
            if let strata = spotCheck.strata {
                guard let value = Stratification(rawValue: strata) else {
                    throw ProblemDetails.invalid(
                        "/spotCheck/strata",
                        rule: "cycle.spot-check-strata",
                        "抽查分层应为 committee 或 county / committee or county"
                    )
                }
                definition.spotCheckStrata = value
            }
        }
        return definition
    }
}
