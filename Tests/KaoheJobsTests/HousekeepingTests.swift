import Foundation
import KaoheJobs
import KaoheStore
import KaoheTestSupport
import Postgres
import Testing

/// Issue 15: expired idempotency keys and sessions do not pile up — housekeeping deletes them, and
/// only them.
@Suite("Housekeeping")
struct HousekeepingTests {
    @Test("one round deletes expired idempotency keys, sessions and register drafts and keeps live ones")
    func purges() async throws {
        let fixture = try await JobsFixture.make(unitCount: 7)
        let client = fixture.client
        let county = JobsFixture.county
        let accounts = try await client.query("SELECT account FROM accounts WHERE county = \(county) LIMIT 1")
        let account = try accounts.one().decode(String.self, column: "account")
        try await client.execute(
            """
            INSERT INTO idempotency_keys (county, account, key, fingerprint, method, path, expires_at, status, body)
            VALUES (\(county), \(account), 'old', repeat('a', 64), 'PUT', '/a', now() - interval '1 minute', 200, '\\x'::bytea),
                   (\(county), \(account), 'new', repeat('a', 64), 'PUT', '/a', now() + interval '1 hour', 200, '\\x'::bytea)
            """
        )
        try await client.execute(
            """
            INSERT INTO web_sessions (county, session_hash, account, csrf_token, expires_at, idle_seconds)
            VALUES (\(county), repeat('1', 64), \(account), repeat('c', 32), now() - interval '1 minute', 3600),
                   (\(county), repeat('2', 64), \(account), repeat('c', 32), now() + interval '1 hour', 3600)
            """
        )
        try await client.execute(
            """
            INSERT INTO unit_import_drafts (county, sha256, file, uploaded_by, uploaded_at)
            VALUES (\(county), repeat('a', 64), '\\x00'::bytea, \(account), now() - interval '25 hours'),
                   (\(county), repeat('b', 64), '\\x00'::bytea, \(account), now() - interval '1 hour')
            """
        )
        let housekeeping = Housekeeping(
            idempotency: IdempotencyStore(client: client),
            sessions: WebSessionStore(client: client),
            registry: RegistryStore(client: client),
            logger: TestCluster.logger("test.housekeeping")
        )
        let deleted = await housekeeping.runOnce()
        #expect(deleted.keys == 1 && deleted.sessions == 1 && deleted.drafts == 1)
        let drafts = try await client.query("SELECT sha256 FROM unit_import_drafts").map { try $0.decode(String.self, column: "sha256") }
        #expect(drafts == [String(repeating: "b", count: 64)])
        let keys = try await client.query("SELECT key FROM idempotency_keys").map { try $0.decode(String.self, column: "key") }
        #expect(keys == ["new"])
        let sessions = try await client.query("SELECT session_hash FROM web_sessions").map {
            try $0.decode(String.self, column: "session_hash")
        }
        #expect(sessions == [String(repeating: "2", count: 64)])
        await client.close()
    }
}
