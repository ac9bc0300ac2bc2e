public import Foundation
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
            SELECT a.county, a.account, a.role, a.committee, a.unit_code, a.reviewer
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
            county: try row.decode(String.self, column: "county"),
            account: try row.decode(String.self, column: "account"),
            role: role,
            committee: try row.decode(String?.self, column: "committee"),
            unitCode: try row.decode(String?.self, column: "unit_code"),
            reviewer: try row.decode(String?.self, column: "reviewer")
        )
    }

    /// Creates an account; returns its first token (shown once).
    public func create(_ principal: Principal, displayName: String, tokenLabel: String = "") async throws -> (token: APIToken, tokenID: UUID) {
        do {
            return try await client.withTransaction { connection in
                try await connection.execute(
                    """
                    INSERT INTO accounts (county, account, display_name, role, committee, unit_code, reviewer)
                    VALUES (\(principal.county), \(principal.account), \(displayName), \(principal.role.rawValue),
                            \(principal.committee), \(principal.unitCode), \(principal.reviewer))
                    """
                )
                return try await Self.issueToken(on: connection, county: principal.county, account: principal.account, label: tokenLabel)
            }
        } catch {
            throw StoreError.translate(error, what: "account \(principal.account)")
        }
    }

    /// Issues another token for an existing account.
    public func issueToken(county: String, account: String, label: String = "") async throws -> (token: APIToken, tokenID: UUID) {
        do {
            return try await client.withTransaction { connection in
                try await Self.issueToken(on: connection, county: county, account: account, label: label)
            }
        } catch {
            throw StoreError.translate(error, what: "account \(account)")
        }
    }

    static func issueToken(on connection: PostgresConnection, county: String, account: String, label: String) async throws -> (token: APIToken, tokenID: UUID) {
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

    /// Revokes a token; false when no such live token exists in the county.
    @discardableResult
    public func revoke(county: String, tokenID: UUID) async throws -> Bool {
        let changed = try await client.execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE county = \(county) AND token_id = \(tokenID) AND revoked_at IS NULL"
        )
        return changed == 1
    }
}
