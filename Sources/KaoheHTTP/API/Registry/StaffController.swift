import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// Staff across cycles (SPEC "Staff across cycles"; issue 19):
/// - `GET {C}/units/{code}/staff/{staffNo}/history` (the office, the auditor, the unit itself): the
///   person's results in every annual cycle on record, followed back through transfers, each with
///   the flags it raises (`StaffConsequence`, with their articles);
/// - `POST {C}/staff-transfers` (office): `{"fromUnit", "fromStaffNo", "toUnit", "toStaffNo", "cycle",
///   "reason"}` — from `cycle` on the person is known by the new unit and number; audited
///   `staff.transfer`.
struct StaffController: Sendable {
    let staff: StaffHistoryStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    struct Flag: Encodable {
        var rule: String
        var article: String
        var text: String

        init(_ flag: StaffConsequence) {
            rule = flag.rawValue
            article = flag.article
            text = flag.chinese
        }
    }

    struct Year: Encodable {
        var cycle: CycleID
        var unit: UnitCode
        var staffNo: String
        var name: String
        var grade: StaffGrade
        var post: PostCategory?
        var rosterVersion: Int
        var final: Bool
        var flags: [Flag]
    }

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/units/{code}/staff/{staffNo}/history", use: history)
        api.write(.post, "/counties/{county}/staff-transfers", idempotency: idempotency, maxBodySize: 16 * 1024, use: transfer)
    }

    @Sendable func history(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let code = try context.parameters.require("code", as: UnitCode.self)
        let staffNo = try context.parameters.require("staffNo").removingPercentEncoding ?? ""
        let policy = AccessPolicy(principal)
        try policy.county(county).require("unit \(code)")
        guard let unit = try await filings.unit(county: county, code: code) else { throw ProblemDetails.notFound("unit \(code)") }
        try policy.see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
        // A person's years are for the office, the auditor and their own unit.
        if ![.office, .auditor, .unit].contains(principal.role) {
            try AccessDecision.forbidden.require("the staff history of unit \(code)", rule: "access.staff-history")
        }
        let years = try await staff.history(county: county, unit: code, staffNo: staffNo)
        guard !years.isEmpty else { throw ProblemDetails.notFound("staff \(staffNo)") }
        return try APIBody.json([
            "years": years.map {
                Year(
                    cycle: $0.cycle,
                    unit: $0.unit,
                    staffNo: $0.staffNo,
                    name: $0.name,
                    grade: $0.grade,
                    post: $0.post,
                    rosterVersion: $0.rosterVersion,
                    final: $0.final,
                    flags: $0.flags.map(Flag.init)
                )
            }
        ])
    }

    @Sendable func transfer(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        struct Input: Decodable {
            var fromUnit: UnitCode
            var fromStaffNo: String
            var toUnit: UnitCode
            var toStaffNo: String
            var cycle: CycleID
            var reason: String?
        }
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(principal).actAsOffice(county: county).require("county \(county)", rule: "access.office")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(Input.self, from: try await APIBody.read(request, limit: 16 * 1024))
        let transfer = try await staff.recordTransfer(
            county: county,
            from: (input.fromUnit, input.fromStaffNo),
            to: (input.toUnit, input.toStaffNo),
            cycle: input.cycle,
            reason: input.reason ?? "",
            principal: principal
        )
        var response = try APIBody.json(transfer)
        response.status = .created
        return response
    }
}
