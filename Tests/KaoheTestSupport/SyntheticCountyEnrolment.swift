import Foundation
public import KaoheRules
import KaoheStore
public import Postgres

extension SyntheticCounty {
    /// Enrols the county `code` (named `name`) with the four committees, the units' departments and
    /// the units (50 staff each), and creates an account for the office (`office`), each committee
    /// (its id) and each unit (`unit-<index>`). Returns their API tokens: `office`, the committee
    /// ids, and the unit codes.
    public static func enrol(
        client: PostgresClient,
        county code: CountyCode,
        name: String,
        units: [SyntheticUnit]
    ) async throws -> [String: String] {
        var departments: [String] = []
        for unit in units where !departments.contains(unit.department) { departments.append(unit.department) }
        try await RegistryStore(client: client).enrol(
            county: County(code: code, name: name),
            committees: committees.map { Committee(county: code, id: $0, name: "\($0)专考委") },
            departments: departments.map { Department(county: code, id: $0, name: "主管部门\($0)") },
            units: units.enumerated().map {
                UnitRecord(
                    county: code,
                    code: UnitCode($1.code),
                    name: "单位\($0)",
                    committee: $1.committee,
                    department: $1.department,
                    headcount: 50
                )
            }
        )
        try await TestCalendars.loadYearsAhead(client, county: code)
        let accounts = AccountStore(client: client)
        var tokens = [
            "office": try await accounts.create(Principal(county: code, account: "office", role: .office), displayName: "县事考办").token.secret
        ]
        for committee in committees {
            tokens[committee] = try await accounts.create(
                Principal(county: code, account: committee, role: .committee, committee: committee),
                displayName: "专考委"
            ).token.secret
        }
        for (index, unit) in units.enumerated() {
            tokens[unit.code] = try await accounts.create(
                Principal(county: code, account: "unit-\(index)", role: .unit, unitCode: UnitCode(unit.code)),
                displayName: "单位"
            ).token.secret
        }
        return tokens
    }

    /// Cycle 2026 of `county` with every filing step open now (opened a day ago, deadline in a
    /// day, closing in two; scheme county-2021, policy tied-2023), and `units` enrolled in it.
    public static func openCycle(client: PostgresClient, county: CountyCode, units: [SyntheticUnit], title: String = "测试") async throws {
        let now = Date()
        let times = StepTimes(
            opensAt: now.addingTimeInterval(-86_400),
            deadline: now.addingTimeInterval(86_400),
            closesAt: now.addingTimeInterval(2 * 86_400)
        )
        let cycles = CycleStore(client: client)
        _ = try await cycles.put(
            county: county,
            definition: CycleDefinition(
                cycle: "2026",
                kind: .annual,
                title: title,
                scheme: "county-2021",
                policy: "tied-2023",
                steps: Dictionary(uniqueKeysWithValues: FilingStep.allCases.map { ($0, times) })
            ),
            actor: "office",
            account: "office"
        )
        _ = try await cycles.enrol(cycle: CycleRef(county: county, cycle: "2026"), units: units.map { UnitCode($0.code) }, actor: "office")
    }
}
