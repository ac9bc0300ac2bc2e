import Crypto
import Foundation
import KaoheRules
public import Postgres

/// What the store knows about an `Idempotency-Key` when a request arrives with it.
public enum IdempotencyClaim: Sendable, Hashable {
    /// The key is new (or expired): this request owns it and must `complete` or `release` it.
    case claimed
    /// The key's first request completed: replay its response.
    case replay(StoredResponse)
    /// The key was first used with another request (method, path or body differ).
    case mismatch
    /// The key's first request is still being processed (answered before any fingerprint check).
    case inFlight
}

/// A response kept for replay: status, content type and body bytes, exactly as first sent.
public struct StoredResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header, if any.
    public var contentType: String?
    /// The body bytes.
    public var body: [UInt8]

    /// Makes a stored response.
    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Idempotency keys of API writes (IETF draft-ietf-httpapi-idempotency-key-header), scoped to the
/// account: two accounts may use the same key independently.
///
/// A key is claimed by inserting its row (committed at once, so a concurrent request with the same
/// key sees it in flight); the response is stored when the request completes; a request that
/// failed with a server error releases the key so the client may retry. Keys expire ``lifetime``
/// after first use. A row left in flight by a crashed process is taken over after
/// ``inFlightLease``.
public struct IdempotencyStore: Sendable {
    let client: PostgresClient

    /// Keys are kept 24 hours (in seconds) after first use.
    public static let lifetime = 24 * 3600
    /// An in-flight key older than this (10 minutes, in seconds) is considered abandoned.
    public static let inFlightLease = 10 * 60

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The request fingerprint: lowercase hex SHA-256 of `METHOD`, LF, the path with its query, LF,
    /// then the body bytes. The same key with a different fingerprint is refused.
    public static func fingerprint(method: String, path: String, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("\(method)\n\(path)\n".utf8))
        hasher.update(data: body)
        return Hex.lowercase(hasher.finalize())
    }

    /// Claims `key` for a request with this fingerprint, or says why it cannot.
    public func claim(
        county: String,
        account: String,
        key: String,
        fingerprint: String,
        method: String,
        path: String
    ) async throws -> IdempotencyClaim {
        let lifetime = Self.lifetime
        let lease = Self.inFlightLease
        return try await client.withTransaction { connection in
            // Expired rows, and in-flight rows past their lease, no longer hold their key.
            try await connection.execute(
                """
                DELETE FROM idempotency_keys
                WHERE county = \(county) AND account = \(account) AND key = \(key)
                  AND (expires_at <= now() OR (status IS NULL AND created_at <= now() - make_interval(secs => \(lease))))
                """
            )
            let inserted = try await connection.execute(
                """
                INSERT INTO idempotency_keys (county, account, key, fingerprint, method, path, expires_at)
                VALUES (\(county), \(account), \(key), \(fingerprint), \(method), \(path), now() + make_interval(secs => \(lifetime)))
                ON CONFLICT (county, account, key) DO NOTHING
                """
            )
            if inserted == 1 { return .claimed }
            let rows = try await connection.query(
                """
                SELECT fingerprint, status, content_type, body FROM idempotency_keys
                WHERE county = \(county) AND account = \(account) AND key = \(key)
                """
            )
            guard let row = rows.first else { return .inFlight }
            // Still running comes first: the client should wait, whatever it sent.
            guard let status = try row.decode(Int?.self, column: "status") else { return .inFlight }
            guard try row.decode(String.self, column: "fingerprint") == fingerprint else { return .mismatch }
            return .replay(
                StoredResponse(
                    status: status,
                    contentType: try row.decode(String?.self, column: "content_type"),
                    body: try row.decode([UInt8]?.self, column: "body") ?? []
                )
            )
        }
    }

    /// Stores the response of the request that claimed `key`.
    public func complete(county: String, account: String, key: String, response: StoredResponse) async throws {
        try await client.execute(
            """
            UPDATE idempotency_keys SET status = \(response.status), content_type = \(response.contentType),
                   body = \(response.body), completed_at = now()
            WHERE county = \(county) AND account = \(account) AND key = \(key) AND status IS NULL
            """
        )
    }

    /// Gives `key` up (the request failed with a server error): a retry may use it again.
    public func release(county: String, account: String, key: String) async throws {
        try await client.execute(
            "DELETE FROM idempotency_keys WHERE county = \(county) AND account = \(account) AND key = \(key) AND status IS NULL"
        )
    }

    /// Deletes every expired key of every county; returns how many (for a periodic job).
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await client.execute("DELETE FROM idempotency_keys WHERE expires_at <= now()")
    }
}
