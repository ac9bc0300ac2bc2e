import Crypto
import Foundation
public import KaoheRules
public import Postgres

/// How a request that came with an `Idempotency-Key` was answered.
public enum IdempotencyAnswer<Value: Sendable>: Sendable {
    /// The key was new: the request ran, and its effect and its stored response committed together.
    case ran(Value)
    /// The key's first request completed: replay its response.
    case replay(StoredResponse)
    /// The key was first used with another request (method, path or body differ).
    case mismatch
    /// The key's first request is still running (it holds the key's row).
    case inFlight
}

/// What a request run under a key came to.
public enum IdempotentOutcome: Sendable {
    /// Done (2xx, 3xx): its writes commit, with this response stored beside them.
    case done(StoredResponse)
    /// Refused (4xx): whatever it wrote is rolled back; the refusal is stored, to be replayed.
    case refused(StoredResponse)
}

/// Who sent what under which key: the account's key and the request's fingerprint
/// (``IdempotencyStore/fingerprint(method:path:body:)``), method and path.
public struct IdempotencyRequest: Sendable, Hashable {
    /// The account's county.
    public var county: CountyCode
    /// The account the key belongs to.
    public var account: String
    /// The `Idempotency-Key`.
    public var key: String
    /// The request's fingerprint.
    public var fingerprint: String
    /// The method, e.g. `PUT`.
    public var method: String
    /// The path (without its query).
    public var path: String

    /// Makes one.
    public init(county: CountyCode, account: String, key: String, fingerprint: String, method: String, path: String) {
        self.county = county
        self.account = account
        self.key = key
        self.fingerprint = fingerprint
        self.method = method
        self.path = path
    }
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
/// Exactly once, across crashes: ``once(_:run:)`` claims
/// the key, runs the request and stores its response **in one transaction**, with the request's
/// own store calls joined to it (`PostgresClient.joining`). So a crash, a lost connection or a 5xx
/// at any moment leaves either the change and its stored response, or neither — a retry with the
/// same key then replays the answer, or runs the request as if for the first time. No key is left
/// "in flight" by a process that died: its transaction ended with it. A second request with the
/// same key while the first runs waits up to ``claimWait`` for the first to finish (then replays
/// it) and otherwise answers in flight. Keys expire ``lifetime`` after first use.
public struct IdempotencyStore: Sendable {
    let client: PostgresClient

    /// Keys are kept 24 hours (in seconds) after first use.
    public static let lifetime = 24 * 3600
    /// A row left without a response by an older kaohe (which claimed keys in a transaction of
    /// their own) holds its key for at most this long (10 minutes, in seconds).
    public static let inFlightLease = 10 * 60
    /// How long a request waits for another request holding its key (lock_timeout), in milliseconds.
    public static let claimWait = 2000

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

    /// Runs `run` once for `key`: claims the key, runs the request joined to the claim's
    /// transaction, stores the response it gives and commits — or, when the key is known, answers
    /// without running anything. A refusal's writes are rolled back before it is stored; when
    /// `run` throws (a server error) everything is rolled back and the key stays free.
    public func once<Value: Sendable>(
        _ request: IdempotencyRequest,
        run: () async throws -> (IdempotentOutcome, Value)
    ) async throws -> IdempotencyAnswer<Value> {
        let (county, account, key) = (request.county, request.account, request.key)
        do {
            return try await client.withTransaction { connection in
                let known: IdempotencyAnswer<Value>?
                do {
                    known = try await Self.claim(request, on: connection)
                } catch let error as PostgresError where error.sqlState == .lockNotAvailable {
                    throw KeyBusy()
                }
                if let known { return known }
                try await connection.simpleQuery("SAVEPOINT kaohe_request")
                let (outcome, value) = try await client.joining(connection) { try await run() }
                let response: StoredResponse
                switch outcome {
                case .done(let stored):
                    response = stored
                case .refused(let stored):
                    try await connection.simpleQuery("ROLLBACK TO SAVEPOINT kaohe_request")
                    response = stored
                }
                try await connection.execute(
                    """
                    UPDATE idempotency_keys SET status = \(response.status), content_type = \(response.contentType),
                           body = \(response.body), completed_at = now()
                    WHERE county = \(county) AND account = \(account) AND key = \(key)
                    """
                )
                return .ran(value)
            }
        } catch is KeyBusy {
            // Another request holds the key's row past `claimWait`. (A lock timeout anywhere else
            // in the request is the request's own failure, not this.)
            return .inFlight
        }
    }

    /// The claim waited `claimWait` for another request holding the key.
    struct KeyBusy: Error {}

    /// Claims `key` in the transaction on `connection`; nil when it is this request's, else the
    /// answer for a known key.
    private static func claim<Value>(
        _ request: IdempotencyRequest,
        on connection: PostgresConnection
    ) async throws -> IdempotencyAnswer<Value>? {
        let (county, account, key, fingerprint, method, path) = (
            request.county, request.account, request.key, request.fingerprint, request.method, request.path
        )
        let lifetime = Self.lifetime
        let lease = Self.inFlightLease
        // A request holding the key has inserted its row, uncommitted: the insert below waits for
        // it to end, at most `claimWait`.
        try await connection.execute("SELECT set_config('lock_timeout', \(String(Self.claimWait)), true)")
        // Expired rows (and rows an older kaohe left without a response) no longer hold their key.
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
        try await connection.simpleQuery("SET LOCAL lock_timeout TO DEFAULT")
        if inserted == 1 { return nil }
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

    /// Deletes every expired key of every county; returns how many (for a periodic job).
    @discardableResult
    public func purgeExpired() async throws -> Int {
        try await client.execute("DELETE FROM idempotency_keys WHERE expires_at <= now()")
    }
}
