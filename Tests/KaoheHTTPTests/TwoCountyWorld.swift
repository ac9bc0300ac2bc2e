import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres

/// The two counties the filing and authorization-matrix fixtures stand on, on a fresh migrated
/// database of the shared test cluster: county `350121` (闽侯县) with committees `education` and
/// `health`, department `edu`, units 县第一中学 and 县第二中学 (education) and 县医院 (health); county
/// `350122` (连江县) with one education unit 连江一中.
enum TwoCountyWorld {
    static let county: CountyCode = "350121"
    static let otherCounty: CountyCode = "350122"
    /// 县第一中学 and 县第二中学 (education), 县医院 (health).
    static let unitA = "91350100M000100Y43"
    static let unitB = "911100001000084588"
    static let unitC = "91310000775785552L"

    /// A client on a fresh database (named after `label`) with every bundled migration applied.
    static func freshClient(_ label: String, logger: Logger) async throws -> PostgresClient {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        return client
    }

    /// Registers both counties; `otherUnit` is the code of 连江一中 in `otherCounty`.
    static func enrol(_ client: PostgresClient, otherUnit: String) async throws {
        let registry = RegistryStore(client: client)
        try await registry.enrol(
            county: County(code: county, name: "闽侯县"),
            committees: [
                Committee(county: county, id: "education", name: "教育专业考核委员会"),
                Committee(county: county, id: "health", name: "卫健专业考核委员会"),
            ],
            departments: [Department(county: county, id: "edu", name: "县教育局")],
            units: [
                UnitRecord(county: county, code: UnitCode(unitA), name: "县第一中学", committee: "education", department: "edu", headcount: 80),
                UnitRecord(county: county, code: UnitCode(unitB), name: "县第二中学", committee: "education", department: "edu", headcount: 60),
                UnitRecord(county: county, code: UnitCode(unitC), name: "县医院", committee: "health", department: "edu", headcount: 300),
            ]
        )
        try await registry.enrol(
            county: County(code: otherCounty, name: "连江县"),
            committees: [Committee(county: otherCounty, id: "education", name: "教育专业考核委员会")],
            departments: [Department(county: otherCounty, id: "edu", name: "县教育局")],
            units: [
                UnitRecord(
                    county: otherCounty,
                    code: UnitCode(otherUnit),
                    name: "连江一中",
                    committee: "education",
                    department: "edu",
                    headcount: 50
                )
            ]
        )
        for county in [county, otherCounty] { try await TestCalendars.loadYearsAhead(client, county: county) }
    }

    /// Creates an account for each principal; bearer tokens by account name.
    static func tokens(_ client: PostgresClient, for principals: [Principal]) async throws -> [String: String] {
        let accounts = AccountStore(client: client)
        var tokens: [String: String] = [:]
        for principal in principals {
            tokens[principal.account] = try await accounts.create(principal, displayName: principal.account).token.secret
        }
        return tokens
    }
}
