import Foundation
public import KaoheRules
public import Postgres

/// Reads for the dashboard pages that the other stores do not already give (the pages otherwise
/// compose `FilingStore`, `GradingStore`, `SpotCheckStore` and `RegistryStore` reads).
public struct DashboardStore: Sendable {
    let client: PostgresClient

    /// A store over `client`.
    public init(client: PostgresClient) { self.client = client }

    /// One cycle of a county in the dashboard's cycle list.
    public struct CycleListEntry: Sendable, Hashable {
        /// The cycle id (`2026`).
        public var cycle: CycleID
        /// Its title.
        public var title: String
        /// Whether any of its steps has opened (by the database clock).
        public var opened: Bool
    }

    /// The county's cycles, the most recently opened first (cycles not yet open after them).
    public func cycleList(county: CountyCode) async throws -> [CycleListEntry] {
        let rows = try await client.query(
            """
            SELECT c.cycle, c.title, coalesce(s.opens <= now(), false) AS opened
            FROM cycles c
            LEFT JOIN LATERAL (SELECT min(opens_at) AS opens FROM cycle_steps s
                               WHERE s.county = c.county AND s.cycle = c.cycle) s ON true
            WHERE c.county = \(county)
            ORDER BY (s.opens <= now()) DESC NULLS LAST, s.opens DESC NULLS LAST, c.cycle DESC
            """
        )
        return try rows.map { row in
            CycleListEntry(
                cycle: try row.decode(CycleID.self, column: "cycle"),
                title: try row.decode(String.self, column: "title"),
                opened: try row.decode(Bool.self, column: "opened")
            )
        }
    }

    /// The audit entries that concern `unit` in `cycle`, newest first, at most `limit`:
    /// its filings and re-checks (`cycles/{cycle}/units/{unit}/…`), objections and staff appeals
    /// naming it (`details.unit`), and registry changes to the unit itself (`unit:{code}`).
    ///
    /// Prefixes are matched as byte ranges (`COLLATE "C"`), correct under any database collation
    /// and served by the `(county, object, seq)` index when the database's collation is C (the
    /// embedded cluster's).
    public func auditEntries(cycle ref: CycleRef, unit: UnitCode, limit: Int = 200) async throws -> [AuditEntry] {
        let (county, cycle) = (ref.county, ref.cycle)
        let prefix = "cycles/\(cycle)/units/\(unit)/"
        // The first string after every string starting with `prefix` (its last byte '/' + 1 = '0').
        let upper = "cycles/\(cycle)/units/\(unit)0"
        let objections = "cycles/\(cycle)/objections/"
        let objectionsEnd = "cycles/\(cycle)/objections0"
        let appeals = "cycles/\(cycle)/appeals/"
        let appealsEnd = "cycles/\(cycle)/appeals0"
        let rows = try await client.query(
            """
            SELECT seq, at, actor, action, object, details, hash FROM audit_log
            WHERE county = \(county) AND (
                (object COLLATE "C" >= \(prefix) AND object COLLATE "C" < \(upper))
                OR object = \("cycles/\(cycle)/units/\(unit)")
                OR object = \("unit:\(unit)")
                OR (((object COLLATE "C" >= \(objections) AND object COLLATE "C" < \(objectionsEnd))
                   OR (object COLLATE "C" >= \(appeals) AND object COLLATE "C" < \(appealsEnd)))
                    AND details ->> 'unit' = \(unit))
            )
            ORDER BY seq DESC
            LIMIT \(max(1, limit))
            """
        )
        return try rows.map { row in
            let details = (try? row.decode(PostgresJSON.self, column: "details").decode([String: String].self)) ?? [:]
            return AuditEntry(
                seq: try row.decode(Int64.self, column: "seq"),
                at: try row.decode(Date.self, column: "at"),
                actor: try row.decode(String.self, column: "actor"),
                action: try row.decode(String.self, column: "action"),
                object: try row.decode(String.self, column: "object"),
                details: details,
                hash: try row.decode(String.self, column: "hash")
            )
        }
    }
}
