import Postgres

/// Looking an account up by its id, for the office's command line: `kaohe grading …` acts as a
/// named account of the county so that the audit trail and the `…_by` columns name the same
/// person as when that account calls the API.
extension AccountStore {
    /// The enabled account `account` of `county`, or nil.
    public func principal(county: String, account: String) async throws -> Principal? {
        let rows = try await client.query(
            """
            SELECT county, account, role, committee, unit_code, reviewer FROM accounts
            WHERE county = \(county) AND account = \(account) AND disabled_at IS NULL
            """
        )
        return try rows.first.map(Self.principal)
    }
}
