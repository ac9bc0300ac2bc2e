public import KaoheRules
public import Postgres

/// Reads and writes the registry: counties, committees, departments, units, reviewers. Every query
/// is scoped by the county; SQLSTATEs are translated to `StoreError` here. Every write appends its
/// audit entry in the same transaction (`AuditChain.append`).
public struct RegistryStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// Writes a county, its committees, departments and units in one transaction: all or nothing,
    /// with one audit entry (`county.enrol`) recording the counts.
    public func enrol(
        county: County,
        committees: [Committee],
        departments: [Department],
        units: [UnitRecord],
        actor: String = "system"
    ) async throws {
        try RegistryRules.check(county: county)
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
                try await AuditChain.append(
                    on: connection,
                    county: county.code,
                    actor: actor,
                    action: .countyEnrol,
                    object: "county:\(county.code)",
                    details: [
                        "name": county.name, "committees": String(committees.count),
                        "departments": String(departments.count), "units": String(units.count),
                    ]
                )
            }
        } catch {
            throw StoreError.translate(error, what: "county \(county.code)")
        }
    }

    // MARK: Single writes (the CLI's `county create`, `committee add`, …)

    /// Registers a county (`kaohe county create`); its audit chain starts with this entry.
    public func createCounty(_ county: County, actor: String) async throws {
        try RegistryRules.check(county: county)
        do {
            try await client.withTransaction { connection in
                try await connection.execute("INSERT INTO counties (county, name) VALUES (\(county.code), \(county.name))")
                try await AuditChain.append(
                    on: connection,
                    county: county.code,
                    actor: actor,
                    action: .countyCreate,
                    object: "county:\(county.code)",
                    details: ["name": county.name]
                )
            }
        } catch {
            throw StoreError.translate(error, what: "county \(county.code)")
        }
    }

    /// Adds a committee (专考委) to its county.
    public func addCommittee(_ committee: Committee, actor: String) async throws {
        try RegistryRules.check(id: committee.id, field: "committee", pattern: RegistryRules.sectorID)
        try RegistryRules.check(name: committee.name, field: "name", maximum: 100)
        try await insert(
            county: committee.county,
            actor: actor,
            what: "committee \(committee.id)",
            action: .committeeAdd,
            object: "committee:\(committee.id)",
            details: ["name": committee.name]
        ) { connection in
            try await connection.execute(
                "INSERT INTO committees (county, committee, name) VALUES (\(committee.county), \(committee.id), \(committee.name))"
            )
        }
    }

    /// Adds a supervising department (主管部门) to its county.
    public func addDepartment(_ department: Department, actor: String) async throws {
        try RegistryRules.check(id: department.id, field: "department", pattern: RegistryRules.sectorID)
        try RegistryRules.check(name: department.name, field: "name", maximum: 100)
        try await insert(
            county: department.county,
            actor: actor,
            what: "department \(department.id)",
            action: .departmentAdd,
            object: "department:\(department.id)",
            details: ["name": department.name]
        ) { connection in
            try await connection.execute(
                "INSERT INTO departments (county, department, name) VALUES (\(department.county), \(department.id), \(department.name))"
            )
        }
    }

    /// Adds a reviewer (核验人员) to the county's register.
    public func addReviewer(_ reviewer: ReviewerRecord, actor: String) async throws {
        try RegistryRules.check(id: reviewer.id, field: "reviewer", pattern: RegistryRules.personID)
        try RegistryRules.check(name: reviewer.name, field: "name", maximum: 100)
        var details = ["name": reviewer.name]
        details["committee"] = reviewer.committee
        details["department"] = reviewer.department
        try await insert(
            county: reviewer.county,
            actor: actor,
            what: "reviewer \(reviewer.id)",
            action: .reviewerAdd,
            object: "reviewer:\(reviewer.id)",
            details: details
        ) { connection in
            try await connection.execute(
                """
                INSERT INTO reviewers (county, reviewer, name, committee, department, active)
                VALUES (\(reviewer.county), \(reviewer.id), \(reviewer.name), \(reviewer.committee), \(reviewer.department), \(reviewer.active))
                """
            )
        }
    }

    /// Runs one insert and its audit entry in a transaction, after checking the county exists (so a
    /// missing county is `notFound`, not a foreign-key puzzle).
    private func insert(
        county: CountyCode,
        actor: String,
        what: String,
        action: AuditAction,
        object: String,
        details: [String: String],
        _ body: @Sendable (PostgresConnection) async throws -> Void
    ) async throws {
        do {
            try await client.withTransaction { connection in
                guard try await connection.query("SELECT 1 FROM counties WHERE county = \(county)").first != nil else {
                    throw StoreError(.notFound, "county \(county) is not registered (kaohe county create)", field: "county")
                }
                try await body(connection)
                try await AuditChain.append(on: connection, county: county, actor: actor, action: action, object: object, details: details)
            }
        } catch {
            throw StoreError.translate(error, what: what)
        }
    }

    // MARK: Reading

    /// Every county, by code.
    public func counties() async throws -> [County] {
        let rows = try await client.query("SELECT county, name FROM counties ORDER BY county")
        return try rows.map {
            County(code: try $0.decode(CountyCode.self, column: "county"), name: try $0.decode(String.self, column: "name"))
        }
    }

    /// One county, or nil.
    public func county(_ code: CountyCode) async throws -> County? {
        let rows = try await client.query("SELECT county, name FROM counties WHERE county = \(code)")
        return try rows.first.map {
            County(code: try $0.decode(CountyCode.self, column: "county"), name: try $0.decode(String.self, column: "name"))
        }
    }

    /// The county's committees, by id.
    public func committees(county: CountyCode) async throws -> [Committee] {
        let rows = try await client.query("SELECT committee, name FROM committees WHERE county = \(county) ORDER BY committee")
        return try rows.map {
            Committee(county: county, id: try $0.decode(String.self, column: "committee"), name: try $0.decode(String.self, column: "name"))
        }
    }

    /// The county's supervising departments, by id.
    public func departments(county: CountyCode) async throws -> [Department] {
        let rows = try await client.query("SELECT department, name FROM departments WHERE county = \(county) ORDER BY department")
        return try rows.map {
            Department(
                county: county,
                id: try $0.decode(String.self, column: "department"),
                name: try $0.decode(String.self, column: "name")
            )
        }
    }

    /// The county's units, by code; only those of `committee` when it is given.
    public func units(county: CountyCode, committee: String? = nil) async throws -> [UnitRecord] {
        let rows = try await client.query(
            """
            SELECT county, code, name, committee, department, headcount
            FROM units WHERE county = \(county) AND (\(committee)::text IS NULL OR committee = \(committee))
            ORDER BY code
            """
        )
        return try rows.map(Self.unit)
    }

    /// One unit, or nil.
    public func unit(county: CountyCode, code: UnitCode) async throws -> UnitRecord? {
        let rows = try await client.query(
            "SELECT county, code, name, committee, department, headcount FROM units WHERE county = \(county) AND code = \(code)"
        )
        return try rows.first.map(Self.unit)
    }

    static func unit(_ row: PostgresRow) throws -> UnitRecord {
        UnitRecord(
            county: try row.decode(CountyCode.self, column: "county"),
            code: try row.decode(UnitCode.self, column: "code"),
            name: try row.decode(String.self, column: "name"),
            committee: try row.decode(String.self, column: "committee"),
            department: try row.decode(String.self, column: "department"),
            headcount: try row.decode(Int.self, column: "headcount")
        )
    }

    /// The county's reviewer register, by id.
    public func reviewers(county: CountyCode) async throws -> [ReviewerRecord] {
        let rows = try await client.query(
            "SELECT reviewer, name, committee, department, active FROM reviewers WHERE county = \(county) ORDER BY reviewer"
        )
        return try rows.map { row in
            ReviewerRecord(
                county: county,
                id: try row.decode(String.self, column: "reviewer"),
                name: try row.decode(String.self, column: "name"),
                committee: try row.decode(String?.self, column: "committee"),
                department: try row.decode(String?.self, column: "department"),
                active: try row.decode(Bool.self, column: "active")
            )
        }
    }
}
