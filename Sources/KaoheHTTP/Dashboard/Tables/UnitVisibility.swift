import KaoheRules
import KaoheStore

/// Which units of the county a dashboard page may show to the logged-in account (AccessPolicy's
/// unit scope), and their names: every page filters its rows through this before rendering, so a
/// committee's page never carries another committee's units.
struct UnitVisibility: Sendable {
    /// The rules of the account.
    var policy: AccessPolicy
    /// The county.
    var county: CountyCode
    /// Every unit of the county, by code (names and committees for the tables).
    var units: [UnitCode: UnitRecord]
    /// Committee id → name.
    var committeeNames: [String: String]

    /// The office and the auditor see the whole county.
    var countyWide: Bool { policy.seeCountyWide(county: county) == .allowed }

    /// Whether the account may see unit `code` (of committee `committee` when the unit is unknown).
    func sees(_ code: UnitCode, committee: String? = nil) -> Bool {
        let ref = AccessPolicy.UnitRef(county: county, committee: units[code]?.committee ?? committee ?? "", code: code)
        return policy.see(unit: ref) == .allowed
    }

    /// Whether the account may see figures of `committee` as a whole (office, auditor, that committee).
    func sees(committee: String) -> Bool {
        if countyWide { return true }
        return policy.principal.role == .committee && policy.principal.committee == committee && policy.principal.county == county
    }

    /// The unit's name, or its code when unknown.
    func name(_ code: UnitCode) -> String { units[code]?.name ?? code.rawValue }

    /// The committee's name, or its id.
    func committeeName(_ id: String) -> String { committeeNames[id] ?? id }

    /// A sentence saying what part of the county the page shows, nil for the whole county.
    var scopeNote: String? {
        switch policy.unitScope(in: county) {
        case .all?: return nil
        case .committee(let id)?: return "本页仅显示本专考委(\(committeeName(id)))负责的单位。"
        case .unit(let code)?: return "本页仅显示本单位(\(name(code)))的信息。"
        case .units?: return "本页仅显示选派您核验的单位。"
        case .none?, nil: return "您的账号目前没有可查看的单位。"
        }
    }

    /// Loads the county's units and committees.
    static func load(policy: AccessPolicy, county: CountyCode, registry: RegistryStore) async throws -> UnitVisibility {
        let units = try await registry.units(county: county)
        let committees = try await registry.committees(county: county)
        return UnitVisibility(
            policy: policy,
            county: county,
            units: Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first }),
            committeeNames: Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        )
    }
}
