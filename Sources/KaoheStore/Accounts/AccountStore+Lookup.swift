public import KaoheRules
import Postgres

/// Looking an account up by its id, for the office's command line: `kaohe grading …` acts as a
/// named account of the county so that the audit trail and the `…_by` columns name the same
/// person as when that account calls the API.
extension AccountStore {
    /// The enabled account `account` of `county`, or nil.
    public func principal(county: CountyCode, account: String) async throws -> Principal? {
        let rows = try await client.query(
            """
            SELECT county, account, role, committee, unit_code, reviewer FROM accounts
            WHERE county = \(county) AND account = \(account) AND disabled_at IS NULL
            """
        )
        return try rows.first.map(Self.principal)
    }

    /// An account that can log in to the dashboard (it has a web password).
    public struct WebLogin: Sendable, Hashable {
        /// Its role.
        public var role: Role
        /// Its account name.
        public var account: String
        /// 显示名.
        public var displayName: String
    }

    /// The county's accounts that have a web password, by account.
    public func webLogins(county: CountyCode) async throws -> [WebLogin] {
        let rows = try await client.query(
            """
            SELECT role, account, display_name FROM accounts
            WHERE county = \(county) AND password_hash IS NOT NULL ORDER BY account
            """
        )
        return try rows.compactMap { row in
            guard let role = Role(rawValue: try row.decode(String.self, column: "role")) else { return nil }
            return WebLogin(
                role: role,
                account: try row.decode(String.self, column: "account"),
                displayName: try row.decode(String.self, column: "display_name")
            )
        }
    }
}
