import KaoheRules
import Postgres

/// Writes a roster's lines into `roster_rows` inside the filing's transaction, in one of two ways
/// by size:
///
/// - Large rosters (``copyThreshold`` lines or more): COPY the lines into a temporary staging
///   table, then merge them into `roster_rows` with one INSERT … SELECT. Tens of thousands of lines
///   take one COPY and one statement instead of one INSERT each.
/// - Smaller ones — most units' — one INSERT … SELECT FROM unnest(…) of the columns bound as
///   arrays. COPY costs a fixed price per use that such a roster never earns back: the staging
///   table's statement, the COPY exchange, and its truncation at COMMIT, which PostgreSQL performs
///   after the audit chain's deferred trigger has taken the county's head (Schema/0008), i.e.
///   inside the section one county's commits pass through one at a time.
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

    /// From this many lines on, a roster goes through COPY and the staging table.
    static let copyThreshold = 1_000

    static func merge(_ lines: [RosterLine], on connection: PostgresConnection, county: String, cycle: String, unit: String, version: Int) async throws {
        if lines.count < copyThreshold {
            try await insert(lines, on: connection, county: county, cycle: cycle, unit: unit, version: version)
            return
        }
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

    /// The small-roster path: every column bound as one array, one statement.
    static func insert(_ lines: [RosterLine], on connection: PostgresConnection, county: String, cycle: String, unit: String, version: Int) async throws {
        guard !lines.isEmpty else { return }
        func column(_ value: (RosterLine) -> String?) -> PostgresArray<String> { PostgresArray(lines.map(value)) }
        try await connection.execute(
            """
            INSERT INTO roster_rows (\(unescaped: columns))
            SELECT \(county), \(cycle), \(unit), 'roster', \(version), x.line::integer, x.staff_no, x.name, x.post_category, x.level,
                   x.score::numeric, x.grade, x.sanction, x.under_investigation::boolean, x.probation::boolean,
                   x.leave_months::integer, x.unassigned_months::integer, x.refused::boolean, x.quarters
            FROM unnest(\(column { String($0.line) })::text[], \(column { $0.staff.staffNo })::text[], \(column { $0.name })::text[],
                        \(column { $0.postCategory })::text[], \(column { $0.level })::text[], \(column { $0.staff.score?.description })::text[],
                        \(column { $0.staff.grade.rawValue })::text[], \(column { $0.staff.sanction.rawValue })::text[],
                        \(column { $0.staff.underInvestigation ? "t" : "f" })::text[], \(column { $0.staff.probation ? "t" : "f" })::text[],
                        \(column { String($0.staff.leaveMonths) })::text[], \(column { String($0.staff.unassignedMonths) })::text[],
                        \(column { $0.staff.refused ? "t" : "f" })::text[], \(column { $0.staff.quarters.map(\.rawValue).joined(separator: ",") })::text[])
                 AS x (line, staff_no, name, post_category, level, score, grade, sanction, under_investigation, probation,
                       leave_months, unassigned_months, refused, quarters)
            """
        )
    }
}
