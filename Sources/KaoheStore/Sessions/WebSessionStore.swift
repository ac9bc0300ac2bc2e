import Foundation
import HummingbirdBcrypt
public import KaoheRules
public import Postgres

/// Web passwords and browser sessions (网页控制台). Passwords are stored as bcrypt hashes
/// (`accounts.password_hash`); a session id is shown to the browser once, as its cookie, and only its
/// SHA-256 is stored. Setting a password, logging in, a failed login of an existing account and
/// logging out each append to the county's audit trail in the same transaction.
public struct WebSessionStore: Sendable {
    let client: PostgresClient
    /// The rules applied.
    public let policy: WebSessionPolicy

    /// A store on `client` under `policy`.
    public init(client: PostgresClient, policy: WebSessionPolicy = .init()) {
        self.client = client
        self.policy = policy
    }

    // MARK: Passwords

    /// Sets (or replaces) an account's web password and ends its open sessions. Throws `.invalidValue`
    /// naming `password` when it breaks the policy, `.notFound` for an unknown account.
    public func setPassword(county: CountyCode, account: String, password: String, actor: String = "system") async throws {
        if let problem = policy.problem(with: password) {
            throw StoreError(.invalidValue, problem, field: "password")
        }
        let hash = await PasswordHashing.hash(password, cost: policy.bcryptCost)
        try await client.withTransaction { connection in
            let updated = try await connection.query(
                """
                UPDATE accounts SET password_hash = \(hash), login_failures = 0, login_locked_until = NULL
                WHERE county = \(county) AND account = \(account) RETURNING account
                """
            )
            guard try updated.single(String.self) != nil else {
                throw StoreError(.notFound, "account \(account) does not exist in county \(county)", field: "account")
            }
            let ended = try await connection.query(
                "DELETE FROM web_sessions WHERE county = \(county) AND account = \(account) RETURNING 1"
            ).count
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: actor,
                action: .accountPasswordSet,
                object: "account:\(account)",
                details: ["sessions_ended": String(ended)]
            )
        }
    }

    // MARK: Login and logout

    /// Logs in: the new session's secret (the cookie value, shown only now) and the session; nil for a
    /// wrong county, account or password, a disabled account, an account without a password or one
    /// locked after too many failures — the caller shows one generic message for all of them.
    ///
    /// `address` is the client's address: when it has failed `maximumAddressFailures` times (on any
    /// accounts) within `addressWindowSeconds`, the login is refused without looking at the password,
    /// and every failure from it is counted (`login_address_failures`).
    public func login(
        county: CountyCode,
        account: String,
        password: String,
        address: String? = nil
    ) async throws -> (secret: String, session: WebSession)? {
        if let address, try await isBlocked(address: address) { return nil }
        guard let session = try await verifiedLogin(county: county, account: account, password: password) else {
            if let address { try await recordFailure(address: address) }
            return nil
        }
        return session
    }

    /// Whether `address` has used up its failures in the current window.
    func isBlocked(address: String) async throws -> Bool {
        let window = policy.addressWindowSeconds
        let rows = try await client.query(
            """
            SELECT failures FROM login_address_failures
            WHERE address = \(address) AND window_started_at > now() - \(window) * interval '1 second'
            """
        )
        return try (rows.first?.decode(Int.self, column: "failures") ?? 0) >= policy.maximumAddressFailures
    }

    /// Counts a failed login of `address`; a window that has ended starts again at this failure.
    func recordFailure(address: String) async throws {
        let window = policy.addressWindowSeconds
        try await client.execute(
            """
            INSERT INTO login_address_failures AS f (address, failures, window_started_at) VALUES (\(address), 1, now())
            ON CONFLICT (address) DO UPDATE SET
                failures = CASE WHEN f.window_started_at <= now() - \(window) * interval '1 second' THEN 1 ELSE f.failures + 1 END,
                window_started_at = CASE WHEN f.window_started_at <= now() - \(window) * interval '1 second' THEN now() ELSE f.window_started_at END
            """
        )
    }

    /// Deletes address counts whose window has ended; returns how many (housekeeping).
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let window = policy.addressWindowSeconds
        let addresses = try await client.execute(
            "DELETE FROM login_address_failures WHERE window_started_at <= now() - \(window) * interval '1 second'"
        )
        let sessions = try await client.execute(
            "DELETE FROM web_sessions WHERE expires_at <= now() OR last_seen_at + idle_seconds * interval '1 second' <= now()"
        )
        return addresses + sessions
    }

    private func verifiedLogin(county: CountyCode, account: String, password: String) async throws -> (secret: String, session: WebSession)?
    {
        let rows = try await client.query(
            """
            SELECT password_hash, coalesce(login_locked_until > now(), false) AS locked
            FROM accounts WHERE county = \(county) AND account = \(account) AND disabled_at IS NULL
            """
        )
        guard let row = rows.first, let hash = try row.decode(String?.self, column: "password_hash") else {
            // Spend the time a real check would, so a wrong account answers as slowly as a wrong password.
            _ = await PasswordHashing.verify(password, hash: Self.dummyHash)
            return nil
        }
        let locked = try row.decode(Bool.self, column: "locked")
        let matches = await PasswordHashing.verify(password, hash: hash)
        guard matches, !locked else {
            if !locked { try await recordFailure(county: county, account: account) }
            return nil
        }
        let secret = RandomSecret.generate()
        let csrf = RandomSecret.generate()
        let policy = policy
        return try await client.withTransaction { connection in
            try await connection.execute(
                "UPDATE accounts SET login_failures = 0, login_locked_until = NULL WHERE county = \(county) AND account = \(account)"
            )
            try await connection.execute(
                """
                DELETE FROM web_sessions WHERE county = \(county)
                  AND (expires_at <= now() OR last_seen_at + idle_seconds * interval '1 second' <= now())
                """
            )
            try await connection.execute(
                """
                INSERT INTO web_sessions (county, session_hash, account, csrf_token, expires_at, idle_seconds)
                VALUES (\(county), \(APIToken.hash(secret)), \(account), \(csrf),
                        now() + \(policy.absoluteSeconds) * interval '1 second', \(policy.idleSeconds))
                """
            )
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: "\(county)/\(account)",
                action: .sessionLogin,
                object: "account:\(account)"
            )
            guard let session = try await Self.session(on: connection, hash: APIToken.hash(secret)) else {
                throw StoreError(.notFound, "the new session of \(account) could not be read back", field: "account")
            }
            return (secret, session)
        }
    }

    func recordFailure(county: CountyCode, account: String) async throws {
        let maximum = policy.maximumFailures
        let lockout = policy.lockoutSeconds
        try await client.withTransaction { connection in
            let rows = try await connection.query(
                """
                UPDATE accounts SET
                    login_failures = CASE WHEN login_failures + 1 >= \(maximum) THEN 0 ELSE login_failures + 1 END,
                    login_locked_until = CASE WHEN login_failures + 1 >= \(maximum)
                                              THEN now() + \(lockout) * interval '1 second' ELSE login_locked_until END
                WHERE county = \(county) AND account = \(account)
                RETURNING login_locked_until > now() AS locked
                """
            )
            let locked = try rows.first?.decode(Bool?.self, column: "locked") ?? false
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: "anonymous",
                action: locked ? .sessionLocked : .sessionLoginFailed,
                object: "account:\(account)"
            )
        }
    }

    /// The live session for a cookie value, marking it used now; nil when unknown, expired (idle or
    /// absolute), logged out, or its account disabled.
    public func session(secret: String) async throws -> WebSession? {
        guard (20...200).contains(secret.count) else { return nil }
        return try await client.withConnection { connection in
            try await Self.session(on: connection, hash: APIToken.hash(secret))
        }
    }

    static func session(on connection: PostgresConnection, hash: String) async throws -> WebSession? {
        let rows = try await connection.query(
            """
            WITH s AS (
                UPDATE web_sessions SET last_seen_at = now()
                WHERE session_hash = \(hash) AND expires_at > now()
                  AND last_seen_at + idle_seconds * interval '1 second' > now()
                RETURNING county, account, csrf_token, expires_at
            )
            SELECT a.county, a.account, a.role, a.committee, a.unit_code, a.reviewer, a.display_name,
                   s.csrf_token, s.expires_at,
                   ARRAY(SELECT DISTINCT r.unit_code::text FROM reviewer_assignments r
                         JOIN spot_check_draws d ON d.county = r.county AND d.cycle = r.cycle AND d.draw_no = r.draw_no
                         WHERE r.county = a.county AND r.reviewer = a.reviewer AND d.superseded_at IS NULL) AS assigned_units
            FROM s JOIN accounts a ON a.county = s.county AND a.account = s.account
            WHERE a.disabled_at IS NULL
            """
        )
        guard let row = rows.first else { return nil }
        return WebSession(
            principal: try AccountStore.principal(row),
            displayName: try row.decode(String.self, column: "display_name"),
            csrfToken: try row.decode(String.self, column: "csrf_token"),
            expiresAt: try row.decode(Date.self, column: "expires_at")
        )
    }

    /// Ends the session of a cookie value (the row is deleted: the cookie is worthless from now on).
    /// False when there was no such session.
    @discardableResult
    public func logout(secret: String) async throws -> Bool {
        let hash = APIToken.hash(secret)
        return try await client.withTransaction { connection in
            let rows = try await connection.query(
                "DELETE FROM web_sessions WHERE session_hash = \(hash) RETURNING county, account"
            )
            guard let row = rows.first else { return false }
            let county = try row.decode(CountyCode.self, column: "county")
            let account = try row.decode(String.self, column: "account")
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: "\(county)/\(account)",
                action: .sessionLogout,
                object: "account:\(account)"
            )
            return true
        }
    }

    /// A bcrypt hash of a random text nobody knows, verified when the account does not exist.
    static let dummyHash = Bcrypt.hash(RandomSecret.generate(), cost: 12)

    /// A new random token (32 bytes from the CSPRNG, base64url): for CSRF tokens outside a session.
    public static func newSecret() -> String { RandomSecret.generate() }
}
