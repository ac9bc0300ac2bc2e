import KaoheRules
import Postgres

/// Bulk path of a roster: COPY the lines into a temporary staging table, then merge them into
/// `roster_rows` with one INSERT … SELECT, inside the filing's transaction. Tens of thousands of
/// lines take one COPY and one statement instead of one INSERT each.
///
/// The staging table is the connection's own and outlives the transaction, emptied at every
/// commit (`ON COMMIT DELETE ROWS`; a rollback leaves no rows either): it is created by the first
/// roster a pooled connection carries. Creating and dropping it in every filing cost more of the
/// database's time than the rest of the filing (catalog rows written and deleted, and the cache
/// invalidations every other connection then processes).
enum RosterStaging {
    static let columns = """
        county, cycle, unit_code, kind, version, line, staff_no, name, post_category, level, score, grade, \
        sanction, under_investigation, probation, leave_months, unassigned_months, refused, quarters
        """

    static func merge(_ lines: [RosterLine], on connection: PostgresConnection, county: String, cycle: String, unit: String, version: Int) async throws {
        try await connection.execute(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS roster_staging (LIKE roster_rows INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
            """
        )
        let versionText = String(version)
        _ = try await connection.copyFrom(
            """
            COPY roster_staging (\(unescaped: columns)) FROM STDIN
            """
        ) { writer in
            for line in lines {
                let staff = line.staff
                writer.append(row: [
                    county, cycle, unit, "roster", versionText, String(line.line), staff.staffNo, line.name, line.postCategory, line.level,
                    staff.score?.description, staff.grade.rawValue, staff.sanction.rawValue,
                    staff.underInvestigation ? "t" : "f", staff.probation ? "t" : "f",
                    String(staff.leaveMonths), String(staff.unassignedMonths), staff.refused ? "t" : "f",
                    staff.quarters.map(\.rawValue).joined(separator: ","),
                ])
                if writer.needsFlush { try await writer.flush() }
            }
        }
        try await connection.execute("INSERT INTO roster_rows (\(unescaped: columns)) SELECT \(unescaped: columns) FROM roster_staging")
    }
}
