import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres

/// A county with units in four committees (each with its own supervising departments), a reviewer
/// register, an office account and cycles whose assessment step has closed (the draw is due).
struct JobsFixture {
    static let county: CountyCode = "990101"
    static let committees = ["education", "health", "culture", "agriculture"]
    let client: PostgresClient
    let office = Principal(county: county, account: "office", role: .office)
    let units: [UnitRecord]

    /// A valid 统一社会信用代码 for a serial number.
    static func code(_ serial: Int) -> UnitCode {
        UnitCode(UnifiedSocialCreditCode.publicInstitution(division: county, serial: serial))
    }

    /// Committee of unit `i`: uneven strata (i mod 7 spread over four committees).
    static func committee(of serial: Int) -> String { committees[[0, 0, 1, 1, 2, 3, 3][serial % 7]] }
    /// Department of unit `i`: two per committee.
    static func department(of serial: Int) -> String { committee(of: serial) + "-dept" + String(serial % 2) }

    /// A migrated database with the county, `unitCount` units and 12 reviewers (some of a committee,
    /// some of a department, some of neither).
    static func make(
        unitCount: Int = 60,
        configuration: PostgresConfiguration? = nil,
        label: String = #function
    ) async throws -> JobsFixture {
        let logger = TestCluster.logger("test.jobs")
        let configuration = if let configuration { configuration } else { try await TestCluster.freshDatabase(label) }
        var options = PostgresClient.Options()
        options.acquireTimeout = .seconds(120)
        let client = PostgresClient(configuration: configuration, options: options, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let units = (1...unitCount).map {
            UnitRecord(
                county: county,
                code: code($0),
                name: "单位\($0)",
                committee: committee(of: $0),
                department: department(of: $0),
                headcount: 10
            )
        }
        try await RegistryStore(client: client).enrol(
            county: County(code: county, name: "示例县"),
            committees: committees.map { Committee(county: county, id: $0, name: $0 + "专业考核委员会") },
            departments: committees.flatMap { c in [0, 1].map { Department(county: county, id: "\(c)-dept\($0)", name: "\(c)主管部门\($0)") } },
            units: []
        )
        try await client.execute(
            """
            INSERT INTO units (county, code, name, committee, department, headcount)
            SELECT \(county), c, n, m, d, 10
            FROM unnest(\(PostgresArray(units.map(\.code)))::text[], \(PostgresArray(units.map(\.name)))::text[],
                        \(PostgresArray(units.map(\.committee)))::text[], \(PostgresArray(units.map(\.department)))::text[]) AS x (c, n, m, d)
            """
        )
        let registry = RegistryStore(client: client)
        for index in 0..<12 {
            let committee: String? = index % 3 == 0 ? committees[index % 4] : nil
            let department: String? = index % 3 == 1 ? "\(committees[index % 4])-dept\(index % 2)" : nil
            try await registry.addReviewer(
                ReviewerRecord(
                    county: county,
                    id: "reviewer-\(index)",
                    name: "核验员\(index)",
                    committee: committee,
                    department: department
                ),
                actor: "test"
            )
        }
        let fixture = JobsFixture(client: client, units: units)
        _ = try await AccountStore(client: client).create(fixture.office, displayName: "县考核办")
        return fixture
    }

    /// A cycle whose assessment step closes `assessmentClosesIn` seconds from now (negative: closed,
    /// the freeze and the draw are due), with every unit enrolled.
    func makeCycle(_ cycle: CycleID, assessmentClosesIn: TimeInterval = -60) async throws {
        let now = Date()
        var steps: [FilingStep: StepTimes] = [:]
        for step in FilingStep.allCases {
            let closes = step == .assessment ? now.addingTimeInterval(assessmentClosesIn) : now.addingTimeInterval(86_400)
            steps[step] = StepTimes(
                opensAt: now.addingTimeInterval(-86_400 * 30),
                deadline: closes.addingTimeInterval(-60),
                closesAt: closes
            )
        }
        let definition = CycleDefinition(cycle: cycle, kind: .annual, title: "测试", scheme: "county-2021", policy: "tied-2023", steps: steps)
        _ = try await CycleStore(client: client).put(
            county: Self.county,
            definition: definition,
            actor: office.actor,
            account: office.account
        )
        try await client.execute(
            """
            INSERT INTO cycle_units (county, cycle, unit_code)
            SELECT \(Self.county), \(cycle), c FROM unnest(\(PostgresArray(units.map(\.code)))::text[]) AS x (c)
            """
        )
    }

    /// The sample size SPEC.md gives for `percent`: per committee ⌈p·n/100⌉.
    func expectedSampleSize(percent: Int = 10) -> Int {
        Dictionary(grouping: units, by: \.committee).values.reduce(0) { $0 + ($1.count * percent + 99) / 100 }
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        try await client.query(query).one().decode(Int.self, at: 0)
    }
}
