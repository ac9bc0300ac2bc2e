import KaoheRules
import Postgres

/// Bulk path of a roster: COPY the lines into a temporary staging table (dropped at commit), then
/// merge them into `roster_rows` with one INSERT … SELECT, inside the filing's transaction. Tens
/// of thousands of lines take one COPY and one statement instead of one INSERT each.
enum RosterStaging {
    static func merge(_ lines: [RosterLine], on connection: PostgresConnection, county: String, cycle: String, unit: String, version: Int) async throws {
        try await connection.execute(
            """
            CREATE TEMPORARY TABLE roster_staging (LIKE roster_rows INCLUDING DEFAULTS) ON COMMIT DROP
            """
        )
        let versionText = String(version)
        _ = try await connection.copyFrom(
            """
            COPY roster_staging (county, cycle, unit_code, kind, version, line, staff_no, name, post_category, level, score, grade,
                                 sanction, under_investigation, probation, leave_months, unassigned_months, refused, quarters)
            FROM STDIN
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
        try await connection.execute("INSERT INTO roster_rows SELECT * FROM roster_staging")
        try await connection.execute("DROP TABLE roster_staging")
    }
}
