import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

@Suite("Registry store")
struct RegistryStoreTests {
    let logger = Logger(label: "test.registry")

    func migratedClient() async throws -> PostgresClient {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        return client
    }

    let county = County(code: "350121", name: "闽侯县")
    let committee = Committee(county: "350121", id: "education", name: "教育专业考核委员会")
    let department = Department(county: "350121", id: "edu", name: "县教育局")

    func unit(_ code: UnitCode, committee: String = "education") -> UnitRecord {
        UnitRecord(county: "350121", code: code, name: "县第一中学", committee: committee, department: "edu", headcount: 80)
    }

    @Test("a county with its committees, departments and units is stored and read back")
    func enrolAndRead() async throws {
        let client = try await migratedClient()
        try await RegistryStore(client: client).enrol(
            county: county,
            committees: [committee],
            departments: [department],
            units: [unit("91350100M000100Y43"), unit("911100001000084588")]
        )
        let store = RegistryStore(client: client)
        #expect(try await store.counties() == [county])
        #expect(try await store.units(county: "350121").map(\.code) == ["911100001000084588", "91350100M000100Y43"])
        #expect(try await store.units(county: "110101").isEmpty)
        await client.close()
    }

    @Test("a unit pointing at an unknown committee stores nothing of the county")
    func allOrNothing() async throws {
        let client = try await migratedClient()
        await #expect {
            try await RegistryStore(client: client).enrol(
                county: county,
                committees: [committee],
                departments: [department],
                units: [unit("91350100M000100Y43"), unit("911100001000084588", committee: "nosuch")]
            )
        } throws: { error in
            (error as? StoreError)?.code == .invalidReference
        }
        #expect(try await RegistryStore(client: client).counties().isEmpty)
        await client.close()
    }

    @Test("enrolling the same county twice is a duplicate, not a crash")
    func duplicateCounty() async throws {
        let client = try await migratedClient()
        let store = RegistryStore(client: client)
        try await store.enrol(county: county, committees: [], departments: [], units: [])
        await #expect {
            try await store.enrol(county: county, committees: [], departments: [], units: [])
        } throws: { error in
            (error as? StoreError)?.code == .duplicate
        }
        await client.close()
    }

    @Test("the schema refuses a malformed division code or unit code even if a caller skipped validation")
    func schemaChecks() async throws {
        let client = try await migratedClient()
        await #expect(throws: StoreError.self) {
            try await RegistryStore(client: client).enrol(
                county: County(code: "35012", name: "x"),
                committees: [],
                departments: [],
                units: []
            )
        }
        try await RegistryStore(client: client).enrol(county: county, committees: [committee], departments: [department], units: [])
        await #expect(throws: (any Error).self) {
            try await client.execute(
                "INSERT INTO units (county, code, name, committee, department, headcount) VALUES ('350121', '91350100M000100YI3', 'x', 'education', 'edu', 1)"
            )
        }
        await client.close()
    }
}
