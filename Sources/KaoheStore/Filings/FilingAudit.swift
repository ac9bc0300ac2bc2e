import KaoheRules
import Postgres

/// Writes the audit entry of a cycle or filing change on the transaction's own connection, so the
/// change and its entry commit together or not at all.
enum FilingAudit {
    static func record(
        on connection: PostgresConnection,
        county: CountyCode,
        actor: String,
        action: AuditAction,
        object: String,
        details: [String: String]
    ) async throws {
        try await AuditChain.append(on: connection, county: county, actor: actor, action: action, object: object, details: details)
    }
}
