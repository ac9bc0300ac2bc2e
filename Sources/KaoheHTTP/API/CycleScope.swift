import Hummingbird
import KaoheRules
import KaoheStore

/// Who asks about which cycle of which county: the checks the cycle-wide routes share. A county
/// other than the caller's is 404 (its existence does not leak); a role that may not is 403.
struct CycleScope: Sendable, CycleScoped {
    /// The path of a cycle, under `/api/v1`: every cycle-wide route starts with it.
    static let path = "/counties/{county}/cycles/{cycle}"
    /// The most a cycle-wide JSON request may send (score sheets, decisions, objections): 256 KiB.
    static let maxBody = 256 * 1024

    var principal: Principal
    var county: CountyCode
    var cycle: CycleID

    /// Any account of the county in the path.
    static func anyone(_ context: KaoheRequestContext) throws -> CycleScope {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(principal).county(county).require("county \(county)")
        return CycleScope(principal: principal, county: county, cycle: try context.parameters.require("cycle", as: CycleID.self))
    }

    /// The county's office.
    static func office(_ context: KaoheRequestContext) throws -> CycleScope {
        let scope = try anyone(context)
        try AccessPolicy(scope.principal).actAsOffice(county: scope.county).require("cycle \(scope.cycle)", rule: "access.office")
        return scope
    }

    /// The county's office or auditor.
    static func countyWide(_ context: KaoheRequestContext) throws -> CycleScope {
        let scope = try anyone(context)
        try AccessPolicy(scope.principal).seeCountyWide(county: scope.county).require("cycle \(scope.cycle)", rule: "access.county-wide")
        return scope
    }

    /// The `{code}` of the path when the caller may see that unit (404 otherwise, word for word as
    /// for a unit that does not exist), with the unit's record.
    func visibleUnit(_ context: KaoheRequestContext, filings: FilingStore) async throws -> UnitRecord {
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await filings.unit(county: county, code: code) else { throw ProblemDetails.notFound("unit \(code)") }
        try AccessPolicy(principal).see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
        return unit
    }
}
