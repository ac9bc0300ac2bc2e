import Foundation
import KaoheRules
import KaoheTestSupport
import Postgres
import Testing

@testable import KaoheStore

/// Issue 15: logins are throttled per client address as well as per account — an address spraying
/// one password over many accounts is stopped although no account fails twice.
@Suite("Login throttling per address")
struct LoginThrottleTests {
    @Test(
        "after the address's failures on several accounts even a right password from it is refused; another address logs in; the window ends"
    )
    func throttledAddress() async throws {
        let base = CycleFilingStoreTests()
        let client = try await base.setUp()
        var policy = WebSessionPolicy()
        policy.bcryptCost = 4
        policy.maximumAddressFailures = 3
        let sessions = WebSessionStore(client: client, policy: policy)
        let county = CycleFilingStoreTests.county
        try await sessions.setPassword(county: county, account: "office", password: "correct-horse-1")
        try await sessions.setPassword(county: county, account: "unit-a", password: "correct-horse-2")

        // One wrong password on each of three accounts: no account is locked, the address is.
        for account in ["office", "unit-a", "edu"] {
            #expect(try await sessions.login(county: county, account: account, password: "spray-2026", address: "203.0.113.9") == nil)
        }
        #expect(try await sessions.login(county: county, account: "office", password: "correct-horse-1", address: "203.0.113.9") == nil)
        #expect(try await sessions.login(county: county, account: "office", password: "correct-horse-1", address: "198.51.100.7") != nil)
        #expect(try await sessions.login(county: county, account: "unit-a", password: "correct-horse-2") != nil)

        // Once its window has ended the address may log in again, and housekeeping forgets it.
        try await client.execute("UPDATE login_address_failures SET window_started_at = now() - interval '1 hour'")
        #expect(try await sessions.login(county: county, account: "office", password: "correct-horse-1", address: "203.0.113.9") != nil)
        #expect(try await sessions.purgeExpired() >= 1)
        #expect(try await client.query("SELECT count(*)::int FROM login_address_failures").one().decode(Int.self, at: 0) == 0)
        await client.close()
    }
}
