public import Foundation
public import KaoheRules
public import Postgres

/// Accounts and their API tokens.
public struct AccountStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The account a token belongs to, if the token exists, is not revoked and its account is enabled.
    public func principal(forToken secret: String) async throws -> Principal? {
        guard secret.hasPrefix("kh_"), secret.count < 200 else { return nil }
        let rows = try await client.query(
            """
            SELECT a.county, a.account, a.role, a.committee, a.unit_code, a.reviewer,
                   ARRAY(SELECT DISTINCT r.unit_code::text FROM reviewer_assignments r
                         JOIN spot_check_draws d ON d.county = r.county AND d.cycle = r.cycle AND d.draw_no = r.draw_no
                         WHERE r.county = a.county AND r.reviewer = a.reviewer AND d.superseded_at IS NULL) AS assigned_units
            FROM api_tokens t JOIN accounts a ON a.county = t.county AND a.account = t.account
            WHERE t.token_hash = \(APIToken.hash(secret)) AND t.revoked_at IS NULL AND a.disabled_at IS NULL
            """
        )
        guard let row = rows.first else { return nil }
        return try Self.principal(row)
    }

    static func principal(_ row: PostgresRow) throws -> Principal {
        let roleText = try row.decode(String.self, column: "role")
        guard let role = Role(rawValue: roleText) else {
            throw StoreError(.invalidValue, "account has an unknown role \(roleText)", field: "role")
        }
        return Principal(
            county: try row.decode(CountyCode.self, column: "county"),
            account: try row.decode(String.self, column: "account"),
            role: role,
            committee: try row.decode(String?.self, column: "committee"),
            unitCode: try row.decode(UnitCode?.self, column: "unit_code"),
            reviewer: try row.decode(String?.self, column: "reviewer"),
            assignedUnits: row.columnNames.contains("assigned_units") && role == .reviewer
                ? Set(try row.decode(PostgresArray<UnitCode>.self, column: "assigned_units").elements.compactMap { $0 }) : []
        )
    }

    /// Creates an account; returns its first token (shown once) and the token's id. Appends
    /// `account.create` to the county's audit trail in the same transaction.
    ///
    /// The scope must fit the role: a committee account names its committee, a unit account its
    /// unit, a reviewer account its reviewer; other roles name none of them.
    public func create(
        _ principal: Principal,
        displayName: String,
        tokenLabel: String = "",
        actor: String = "system"
    ) async throws -> (token: APIToken, tokenID: UUID) {
        try await insert(principal, displayName: displayName, tokenLabel: tokenLabel, actor: actor)!
    }

    /// Creates an account for the dashboard only: no API token (a unit clerk who logs in with a
    /// password never holds one; the office issues one on 账号管理 when a system needs it).
    public func createWebAccount(_ principal: Principal, displayName: String, actor: String) async throws {
        _ = try await insert(principal, displayName: displayName, tokenLabel: nil, actor: actor)
    }

    /// The account's row, its first token when `tokenLabel` is given, and `account.create`.
    private func insert(
        _ principal: Principal,
        displayName: String,
        tokenLabel: String?,
        actor: String
    ) async throws -> (token: APIToken, tokenID: UUID)? {
        try Self.check(principal, displayName: displayName)
        do {
            return try await client.withTransaction { connection in
                try await connection.execute(
                    """
                    INSERT INTO accounts (county, account, display_name, role, committee, unit_code, reviewer)
                    VALUES (\(principal.county), \(principal.account), \(displayName), \(principal.role.rawValue),
                            \(principal.committee), \(principal.unitCode), \(principal.reviewer))
                    """
                )
                var issued: (token: APIToken, tokenID: UUID)?
                if let tokenLabel {
                    issued = try await Self.issueToken(
                        on: connection,
                        county: principal.county,
                        account: principal.account,
                        label: tokenLabel
                    )
                }
                var details = ["role": principal.role.rawValue, "display_name": displayName]
                details["token_id"] = issued?.tokenID.uuidString.lowercased()
                details["committee"] = principal.committee
                details["unit"] = principal.unitCode?.rawValue
                details["reviewer"] = principal.reviewer
                try await AuditChain.append(
                    on: connection,
                    county: principal.county,
                    actor: actor,
                    action: .accountCreate,
                    object: "account:\(principal.account)",
                    details: details
                )
                return issued
            }
        } catch {
            throw StoreError.translate(error, what: "account \(principal.account)")
        }
    }

    static func check(_ principal: Principal, displayName: String) throws(StoreError) {
        try RegistryRules.check(countyCode: principal.county)
        try RegistryRules.check(id: principal.account, field: "account", pattern: RegistryRules.personID)
        try RegistryRules.check(name: displayName, field: "display_name", maximum: 100)
        let scopes: [(Role, String, String?)] = [
            (.committee, "committee", principal.committee), (.unit, "unit", principal.unitCode?.rawValue),
            (.reviewer, "reviewer", principal.reviewer),
        ]
        for (role, field, value) in scopes {
            if principal.role == role, value == nil {
                throw StoreError(
                    .invalidValue,
                    "a \(role.rawValue) account must name its \(field) (--\(field)) / \(role.rawValue)账号须指定所属\(field)",
                    field: field
                )
            }
            if principal.role != role, value != nil {
                throw StoreError(
                    .invalidValue,
                    "only a \(role.rawValue) account names a \(field); this one is \(principal.role.rawValue)",
                    field: field
                )
            }
        }
    }

    /// Issues another token for an existing, enabled account (audited as `token.issue`).
    public func issueToken(
        county: CountyCode,
        account: String,
        label: String = "",
        actor: String = "system"
    ) async throws -> (token: APIToken, tokenID: UUID) {
        do {
            return try await client.withTransaction { connection in
                let exists = try await connection.query(
                    "SELECT 1 FROM accounts WHERE county = \(county) AND account = \(account) AND disabled_at IS NULL"
                )
                guard exists.first != nil else {
                    throw StoreError(.notFound, "account \(account) does not exist in county \(county) (or is disabled)", field: "account")
                }
                let issued = try await Self.issueToken(on: connection, county: county, account: account, label: label)
                try await AuditChain.append(
                    on: connection,
                    county: county,
                    actor: actor,
                    action: .tokenIssue,
                    object: "token:\(issued.tokenID.uuidString.lowercased())",
                    details: ["account": account, "label": label]
                )
                return issued
            }
        } catch {
            throw StoreError.translate(error, what: "account \(account)")
        }
    }

    static func issueToken(
        on connection: PostgresConnection,
        county: CountyCode,
        account: String,
        label: String
    ) async throws -> (token: APIToken, tokenID: UUID) {
        let token = APIToken.generate()
        let id = UUID()
        try await connection.execute(
            """
            INSERT INTO api_tokens (county, token_id, account, token_hash, label)
            VALUES (\(county), \(id), \(account), \(token.hash), \(label))
            """
        )
        return (token, id)
    }

    /// Revokes a token; false when no such live token exists in the county. A revocation is
    /// audited as `token.revoke`; from then on the token is refused (401).
    @discardableResult
    public func revoke(county: CountyCode, tokenID: UUID, actor: String = "system") async throws -> Bool {
        try await client.withTransaction { connection in
            let rows = try await connection.query(
                """
                UPDATE api_tokens SET revoked_at = now()
                WHERE county = \(county) AND token_id = \(tokenID) AND revoked_at IS NULL
                RETURNING account
                """
            )
            guard let account = try rows.single(String.self) else { return false }
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: actor,
                action: .tokenRevoke,
                object: "token:\(tokenID.uuidString.lowercased())",
                details: ["account": account]
            )
            return true
        }
    }

    /// The county's accounts with their tokens (ids, labels and dates — never hashes), by account.
    public func list(county: CountyCode) async throws -> [AccountSummary] {
        let accounts = try await client.query(
            """
            SELECT county, account, role, committee, unit_code, reviewer, display_name, created_at, disabled_at
            FROM accounts WHERE county = \(county) ORDER BY account
            """
        )
        let tokens = try await client.query(
            "SELECT account, token_id, label, created_at, revoked_at FROM api_tokens WHERE county = \(county) ORDER BY created_at, token_id"
        )
        var byAccount: [String: [TokenSummary]] = [:]
        for row in tokens {
            byAccount[try row.decode(String.self, column: "account"), default: []].append(
                TokenSummary(
                    id: try row.decode(UUID.self, column: "token_id"),
                    label: try row.decode(String.self, column: "label"),
                    createdAt: try row.decode(Date.self, column: "created_at"),
                    revokedAt: try row.decode(Date?.self, column: "revoked_at")
                )
            )
        }
        return try accounts.map { row in
            let principal = try Self.principal(row)
            return AccountSummary(
                principal: principal,
                displayName: try row.decode(String.self, column: "display_name"),
                createdAt: try row.decode(Date.self, column: "created_at"),
                disabledAt: try row.decode(Date?.self, column: "disabled_at"),
                tokens: byAccount[principal.account] ?? []
            )
        }
    }
}

/// An account as `kaohe account list` shows it.
public struct AccountSummary: Sendable, Hashable {
    /// The account, its role and scope.
    public var principal: Principal
    /// 显示名.
    public var displayName: String
    /// When it was created.
    public var createdAt: Date
    /// When it was disabled, if it was.
    public var disabledAt: Date?
    /// Its tokens, oldest first.
    public var tokens: [TokenSummary]
}

/// A token as listed: what identifies it, never its hash.
public struct TokenSummary: Sendable, Hashable {
    /// The token id (what `kaohe account revoke --token-id` takes).
    public var id: UUID
    /// The label given when it was issued.
    public var label: String
    /// When it was issued.
    public var createdAt: Date
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// Whether it is still accepted (not revoked).
    public var isLive: Bool { revokedAt == nil }
}
