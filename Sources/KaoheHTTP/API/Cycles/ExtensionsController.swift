import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 延期 under `/counties/{county}/cycles/{cycle}`:
/// - `POST steps/{step}/extensions` (office): more time for the whole step, or for one unit
///   (`{"unit": "…", "deadline": "2027-01-15", "closesAt": "…", "reason": "…"}`), through
///   `CycleStore.extendDeadline` (audited `cycle.deadline.extend`);
/// - `GET extensions`: every grant for the office and the auditor; for any other account the
///   whole-step grants and those of the units it sees.
struct ExtensionsController: Sendable {
    let cycles: CycleStore
    let registry: RegistryStore
    let idempotency: IdempotencyStore

    static let maxBody = 64 * 1024

    struct Input: Decodable {
        var unit: String?
        var deadline: String
        var closesAt: String?
        var reason: String
    }

    struct Body: Encodable {
        var id: Int64
        var cycle: CycleID
        var step: String
        var unit: UnitCode?
        var deadline: String
        var closesAt: String
        var reason: String
        var grantedBy: String
        var grantedAt: String

        init(_ e: DeadlineExtension) {
            (id, cycle, step, unit, reason, grantedBy) = (e.id, e.cycle, e.step.rawValue, e.unit, e.reason, e.grantedBy)
            deadline = ShanghaiTime.format(e.deadline)
            closesAt = ShanghaiTime.format(e.closesAt)
            grantedAt = ShanghaiTime.format(e.grantedAt)
        }
    }

    struct List: Encodable {
        var extensions: [Body]
    }

    func register(on api: APIRoutes) {
        api.write(.post, CycleScope.path + "/steps/{step}/extensions", idempotency: idempotency, maxBodySize: Self.maxBody, use: extend)
        api.on(.get, CycleScope.path + "/extensions", use: list)
    }

    /// `POST steps/{step}/extensions`.
    @Sendable func extend(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let stepName = try context.parameters.require("step")
        guard let step = FilingStep(name: stepName) else { throw ProblemDetails.notFound("步骤 step \(stepName)") }
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(Input.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let unit = input.unit.map { UnitCode($0.trimmingBlanks()) }
        let granted = try await cycles.extendDeadline(
            cycle: scope.cycleRef,
            step: step,
            unit: unit,
            deadline: try Self.time(input.deadline, field: "/deadline"),
            closesAt: try input.closesAt.map { try Self.time($0, field: "/closesAt") },
            reason: input.reason,
            principal: scope.principal
        )
        return try APIBody.json(Body(granted), status: .created)
    }

    /// `GET extensions`.
    @Sendable func list(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let policy = AccessPolicy(scope.principal)
        var all = try await cycles.extensions(cycle: scope.cycleRef)
        if policy.seeCountyWide(county: scope.county) != .allowed {
            let committees = Dictionary(
                try await registry.units(county: scope.county).map { ($0.code, $0.committee) },
                uniquingKeysWith: { a, _ in a }
            )
            all = all.filter { e in
                guard let unit = e.unit else { return true }
                return policy.see(unit: .init(county: scope.county, committee: committees[unit] ?? "", code: unit)) == .allowed
            }
        }
        return try APIBody.json(List(extensions: all.map(Body.init)))
    }

    /// An ISO 8601 time with its offset, or a bare date in Asia/Shanghai (its end: 23:59:59).
    static func time(_ text: String, field: String) throws -> Date {
        guard let date = ShanghaiTime.parse(text, dateMeansEndOfDay: true) else {
            throw ProblemDetails.invalid(
                field,
                rule: "extension.time",
                "时间应为 2027-01-15 或 2027-01-15T18:00:00+08:00 形式 / a date or an ISO 8601 time with its offset"
            )
        }
        return date
    }
}
