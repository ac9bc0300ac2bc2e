import Crypto
import Foundation
public import KaoheRules
public import Postgres

/// 审计链: the county's audit trail, one SHA-256 hash chain per county (SPEC.md "Audit").
///
/// Every change of state appends one entry in the same transaction as the change itself, so an
/// entry exists exactly when its change was committed. `audit_heads` holds, per county, the last
/// sequence number and hash; the entry is linked at commit time under a lock on that row
/// (`FOR UPDATE`, in the trigger of Schema/0008), which serialises the linking of one county's
/// entries and keeps the sequence gapless (1, 2, 3, …) however many transactions commit at once.
///
/// ## The canonical form of an entry
///
/// An entry's `hash` is the lowercase hex SHA-256 of the UTF-8 bytes of this text, computed by
/// PostgreSQL from the values being stored:
///
/// ```sql
/// jsonb_build_array(prev_hash, seq,
///                   to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
///                   actor, action, object, details)::text
/// ```
///
/// i.e. a JSON array such as
/// `["0000…0000", 1, "2026-02-12T01:30:05.123456Z", "990101/clerk", "unit.import", "county:990101", {"rows": "48"}]`
/// in PostgreSQL's jsonb text form: `", "` between elements, object keys ordered by length then
/// bytes, `": "` after each key, strings JSON-escaped, non-ASCII characters as themselves. The
/// first entry's `prev_hash` is the genesis hash, 64 × `0`; every later entry's is the hash of the
/// entry before it. Because the array is JSON, no choice of field contents can make two different
/// entries produce the same text. The timestamp is the microsecond `timestamptz` as stored, in UTC.
///
/// Anyone can recompute a hash from what is stored, e.g. with psql:
///
/// ```sql
/// SELECT seq, hash = encode(sha256(convert_to(<the expression above>, 'UTF8')), 'hex')
/// FROM audit_log WHERE county = '990101' ORDER BY seq;
/// ```
///
/// `verify` has PostgreSQL render the canonical text from the stored columns and hashes it in
/// Swift, checking each entry's sequence number, its link to the previous entry, its hash, and at
/// the end that the head row names the last entry. A changed field, a deleted row (a gap), a row
/// inserted out of order or appended behind the head's back, and a changed head each break the
/// chain at the first entry concerned. (Someone who can rewrite every later row and the head
/// consistently can forge a chain: compare the head hash with one noted elsewhere for that.)
public enum AuditChain {
    /// The `prev_hash` of a county's first entry: 64 × "0".
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The canonical text of an audit_log row, as SQL over its columns (see the type's documentation).
    /// `prefix` qualifies the columns (`"e."`).
    static func canonicalSQL(_ prefix: String) -> String {
        """
        jsonb_build_array(\(prefix)prev_hash::text, \(prefix)seq, \
        to_char(\(prefix)at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), \
        \(prefix)actor, \(prefix)action, \(prefix)object, \(prefix)details)::text
        """
    }

    /// Appends an entry to the county's chain, linked when the caller's transaction commits.
    ///
    /// Runs on `connection` inside the caller's transaction (the one that makes the change the entry
    /// records). The entry goes to `audit_pending`; a deferred constraint trigger (Schema/0008) links
    /// it at COMMIT: it locks the county's head, gives the entry the next sequence number, the
    /// previous entry's hash and its own (the canonical form above), and moves the head. So the
    /// entry exists exactly when its change was committed, and the head is held only from that
    /// trigger to the end of the commit — one county's transactions no longer queue behind each
    /// other's round trips. Entries appended in one transaction are linked in the order appended.
    ///
    /// - Parameters:
    ///   - county: the county whose chain this belongs to.
    ///   - actor: who did it (`Principal.actor`, `990101/clerk`, or `cli:<os user>`).
    ///   - action: what was done, dotted (`unit.import`, `account.create`, `filing.submit`).
    ///   - object: what it was done to (`county:990101`, `unit:12350100…`, `token:<uuid>`).
    ///   - details: further facts, as strings (counts, hashes, old and new values).
    public static func append(
        on connection: PostgresConnection,
        county: CountyCode,
        actor: String,
        action: AuditAction,
        object: String,
        details: [String: String] = [:]
    ) async throws {
        let detailsJSON = try PostgresJSON(encoding: details)
        try await connection.execute(
            """
            INSERT INTO audit_pending (county, actor, action, object, details)
            VALUES (\(county), \(actor), \(action.name), \(object), \(detailsJSON)::jsonb)
            """
        )
    }

    /// Appends an entry and links it (with every entry this transaction appended before it) at
    /// once, returning its sequence number — for the few callers that report it. From here to the
    /// end of the transaction the county's head stays locked, so call it last.
    public static func appendNow(
        on connection: PostgresConnection,
        county: CountyCode,
        actor: String,
        action: AuditAction,
        object: String,
        details: [String: String] = [:]
    ) async throws -> Int64 {
        try await append(on: connection, county: county, actor: actor, action: action, object: object, details: details)
        try await connection.execute("SET CONSTRAINTS audit_pending_chain IMMEDIATE")
        try await connection.execute("SET CONSTRAINTS audit_pending_chain DEFERRED")
        guard let seq = try await connection.query("SELECT seq FROM audit_heads WHERE county = \(county)").single(Int64.self) else {
            throw StoreError(.notFound, "county \(county) has no audit head", field: "county")
        }
        return seq
    }

    /// Verifies one county's chain, or every county's when `county` is nil, reading entries in
    /// batches by sequence number (constant memory, whatever the length of the trail).
    ///
    /// - Returns: `.intact(entries:)` with the number of entries checked, or `.broken` naming the
    ///   first entry (by county and seq) whose sequence, link or hash is wrong, or the head.
    public static func verify(client: PostgresClient, county: CountyCode?, batchSize: Int = 5_000) async throws -> AuditVerification {
        let counties: [CountyCode]
        if let county {
            counties = [county]
        } else {
            let rows = try await client.query(
                "SELECT county FROM audit_heads UNION SELECT DISTINCT county FROM audit_log ORDER BY county"
            )
            counties = try rows.map { try $0.decode(CountyCode.self, column: "county") }
        }
        var total = 0
        for county in counties {
            switch try await verifyCounty(client: client, county: county, batchSize: batchSize) {
            case .intact(let entries): total += entries
            case let broken: return broken
            }
        }
        return .intact(entries: total)
    }

    private static func verifyCounty(client: PostgresClient, county: CountyCode, batchSize: Int) async throws -> AuditVerification {
        var expectedSeq: Int64 = 1
        var previousHash = genesisHash
        var checked = 0
        while true {
            let rows = try await client.query(
                """
                SELECT seq, prev_hash, hash, \(unescaped: canonicalSQL("")) AS canonical
                FROM audit_log
                WHERE county = \(county) AND seq >= \(expectedSeq)
                ORDER BY seq
                LIMIT \(batchSize)
                """
            )
            for row in rows {
                let seq = try row.decode(Int64.self, column: "seq")
                let prevHash = try row.decode(String.self, column: "prev_hash")
                let hash = try row.decode(String.self, column: "hash")
                let canonical = try row.decode(String.self, column: "canonical")
                if seq != expectedSeq {
                    return .broken(
                        county: county,
                        seq: seq,
                        reason: "sequence jumps from \(expectedSeq - 1) to \(seq): entries \(expectedSeq)…\(seq - 1) are missing"
                    )
                }
                if prevHash != previousHash {
                    return .broken(county: county, seq: seq, reason: "prev_hash does not match the hash of entry \(seq - 1)")
                }
                let recomputed = sha256Hex(canonical)
                if recomputed != hash {
                    return .broken(
                        county: county,
                        seq: seq,
                        reason: "stored hash \(hash) does not match its content (recomputed \(recomputed))"
                    )
                }
                previousHash = hash
                expectedSeq = seq + 1
                checked += 1
            }
            if rows.count < batchSize { break }
        }
        // Rows with a lower seq than expected cannot exist (the scan starts at 1 and seq ≥ 1 is a CHECK).
        let head = try await client.query("SELECT seq, hash FROM audit_heads WHERE county = \(county)")
        let lastSeq = expectedSeq - 1
        guard let headRow = head.first else {
            if checked == 0 { return .intact(entries: 0) }
            return .broken(county: county, seq: lastSeq, reason: "the county's audit head is missing")
        }
        let headSeq = try headRow.decode(Int64.self, column: "seq")
        let headHash = try headRow.decode(String.self, column: "hash")
        if headSeq < lastSeq {
            return .broken(
                county: county,
                seq: headSeq + 1,
                reason: "entry \(headSeq + 1) lies beyond the head (seq \(headSeq)): appended without moving the head"
            )
        }
        if headSeq > lastSeq {
            return .broken(
                county: county,
                seq: lastSeq + 1,
                reason: "the head names seq \(headSeq) but the trail ends at \(lastSeq): entries \(lastSeq + 1)…\(headSeq) are missing"
            )
        }
        if headHash != previousHash {
            return .broken(county: county, seq: headSeq, reason: "the head's hash does not match entry \(headSeq)")
        }
        return .intact(entries: checked)
    }

    static func sha256Hex(_ text: String) -> String {
        Hex.sha256(text)
    }
}

/// The outcome of `AuditChain.verify`.
public enum AuditVerification: Sendable, Hashable, CustomStringConvertible {
    /// Every entry checked is linked and hashed correctly; `entries` were checked.
    case intact(entries: Int)
    /// The first entry (in county, then seq order) that is wrong, and why.
    case broken(county: CountyCode, seq: Int64, reason: String)

    /// `intact: N entries`, or `broken: county C entry S: reason`.
    public var description: String {
        switch self {
        case .intact(let entries): "intact: \(entries) entries"
        case .broken(let county, let seq, let reason): "broken: county \(county) entry \(seq): \(reason)"
        }
    }
}
