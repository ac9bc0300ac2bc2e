public import KaoheRules
public import Postgres

extension AuditChain {
    /// What `verifyContent` found.
    public struct ContentVerification: Sendable, CustomStringConvertible {
        /// Filings whose content (and lines) match the hashes their audit entries carry.
        public var matching = 0
        /// Filings made before their entries carried hashes (Schema/0014): nothing to compare.
        public var unhashed = 0
        /// The first filing found altered or unrecorded, with why; nil when none.
        public var broken: (county: CountyCode, seq: Int64?, reason: String)?

        public var description: String {
            if let broken {
                return "broken: county \(broken.county)" + (broken.seq.map { " entry \($0)" } ?? "") + ": \(broken.reason)"
            }
            return "content intact: \(matching) filings match their audit entries"
                + (unhashed > 0 ? " (\(unhashed) filed before content hashes were recorded)" : "")
        }
    }

    /// Recomputes every filing's content hash from what is stored — `content::text`, and a roster's
    /// lines read back the way the API serves them (`FilingStore.rosterLines`) in COPY text form —
    /// and compares it with the `contentHash` / `linesHash` its audit entry carries. A filing with no
    /// audit entry, or an entry whose filing is gone, is broken too. Run after `verify` has proved
    /// the entries themselves intact (`kaohe audit verify --deep`).
    public static func verifyContent(client: PostgresClient, county: CountyCode?) async throws -> ContentVerification {
        var result = ContentVerification()
        let store = FilingStore(client: client)
        let rows = try await client.query(
            """
            SELECT f.county, f.cycle, f.unit_code, f.kind, f.version,
                   encode(sha256(convert_to(f.content::text, 'UTF8')), 'hex') AS actual,
                   a.seq, a.details ->> 'contentHash' AS content_hash, a.details ->> 'linesHash' AS lines_hash
            FROM filings f
            LEFT JOIN audit_log a ON a.county = f.county AND a.action = 'filing.' || f.kind
                 AND a.object = 'cycles/' || f.cycle || '/units/' || f.unit_code || '/' || replace(f.kind, '_', '-')
                 AND a.details ->> 'version' = f.version::text
            WHERE \(county)::text IS NULL OR f.county = \(county)
            ORDER BY f.county, f.cycle, f.unit_code, f.kind, f.version
            """
        )
        for row in rows {
            let filingCounty = try row.decode(CountyCode.self, column: "county")
            let cycle = try row.decode(CycleID.self, column: "cycle")
            let unit = try row.decode(UnitCode.self, column: "unit_code")
            let kind = try row.decode(String.self, column: "kind")
            let version = try row.decode(Int.self, column: "version")
            let name = "cycles/\(cycle)/units/\(unit)/\(FilingStep(rawValue: kind)?.pathSegment ?? kind) version \(version)"
            guard let seq = try row.decode(Int64?.self, column: "seq") else {
                result.broken = (filingCounty, nil, "filing \(name) has no audit entry")
                return result
            }
            guard let recorded = try row.decode(String?.self, column: "content_hash") else {
                result.unhashed += 1
                continue
            }
            if try row.decode(String.self, column: "actual") != recorded {
                result.broken = (filingCounty, seq, "filing \(name): its stored content differs from what was filed (content hash)")
                return result
            }
            if let linesRecorded = try row.decode(String?.self, column: "lines_hash") {
                let lines = try await store.rosterLines(cycle: CycleRef(county: filingCounty, cycle: cycle), unit: unit, version: version)
                if FilingStore.linesHash(FilingStore.copyRows(lines)) != linesRecorded {
                    result.broken = (filingCounty, seq, "filing \(name): its stored lines differ from those filed (lines hash)")
                    return result
                }
            }
            result.matching += 1
        }
        let orphans = try await client.query(
            """
            SELECT a.county, a.seq, a.object FROM audit_log a
            WHERE a.action LIKE 'filing.%' AND (\(county)::text IS NULL OR a.county = \(county))
              AND NOT EXISTS (SELECT 1 FROM filings f WHERE f.county = a.county AND a.action = 'filing.' || f.kind
                   AND a.object = 'cycles/' || f.cycle || '/units/' || f.unit_code || '/' || replace(f.kind, '_', '-')
                   AND a.details ->> 'version' = f.version::text)
            ORDER BY a.county, a.seq LIMIT 1
            """
        )
        if let orphan = orphans.first {
            result.broken = (
                try orphan.decode(CountyCode.self, column: "county"), try orphan.decode(Int64.self, column: "seq"),
                "the filing \(try orphan.decode(String.self, column: "object")) it records is missing"
            )
        }
        return result
    }
}
