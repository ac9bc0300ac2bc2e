public import Postgres

/// Reads and writes the registry: counties, committees, departments, units. Every query is scoped by
/// the county; SQLSTATEs are translated to `StoreError` here.
public struct RegistryStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// Writes a county, its committees, departments and units in one transaction: all or nothing.
    public func enrol(county: County, committees: [Committee], departments: [Department], units: [UnitRecord]) async throws {
        do {
            try await client.withTransaction { connection in
                try await connection.execute("INSERT INTO counties (county, name) VALUES (\(county.code), \(county.name))")
                for committee in committees {
                    try await connection.execute(
                        "INSERT INTO committees (county, committee, name) VALUES (\(committee.county), \(committee.id), \(committee.name))"
                    )
                }
                for department in departments {
                    try await connection.execute(
                        "INSERT INTO departments (county, department, name) VALUES (\(department.county), \(department.id), \(department.name))"
                    )
                }
                for unit in units {
                    try await connection.execute(
                        """
                        INSERT INTO units (county, code, name, committee, department, headcount)
                        VALUES (\(unit.county), \(unit.code), \(unit.name), \(unit.committee), \(unit.department), \(unit.headcount))
                        """
                    )
                }
            }
        } catch {
            throw StoreError.translate(error, what: "county \(county.code)")
        }
    }

    /// Every county, by code.
    public func counties() async throws -> [County] {
        let rows = try await client.query("SELECT county, name FROM counties ORDER BY county")
        return try rows.map { County(code: try $0.decode(String.self, column: "county"), name: try $0.decode(String.self, column: "name")) }
    }

    /// The county's units, by code.
    public func units(county: String) async throws -> [UnitRecord] {
        let rows = try await client.query(
            """
            SELECT county, code, name, committee, department, headcount
            FROM units WHERE county = \(county) ORDER BY code
            """
        )
        return try rows.map { row in
            UnitRecord(
                county: try row.decode(String.self, column: "county"),
                code: try row.decode(String.self, column: "code"),
                name: try row.decode(String.self, column: "name"),
                committee: try row.decode(String.self, column: "committee"),
                department: try row.decode(String.self, column: "department"),
                headcount: try row.decode(Int.self, column: "headcount")
            )
        }
    }
}
