import Foundation
import KaoheRules
import KaoheTestSupport
import Postgres
import Synchronization
import Testing

@testable import KaoheStore

/// `IdempotencyStore.once`: the key, the change it describes and the stored answer commit together.
/// The filings here are real self-assessments through `FilingStore`, so the batcher's path for a
/// joined transaction is what is tested.
@Suite("Idempotency keys, exactly once")
struct IdempotencyStoreTests {
    typealias Base = CycleFilingStoreTests
    let base = CycleFilingStoreTests()
    static let county = Base.county

    static let put1 = IdempotencyStore.fingerprint(method: "PUT", path: "/a", body: Array("1".utf8))
    static let put2 = IdempotencyStore.fingerprint(method: "PUT", path: "/a", body: Array("2".utf8))

    static func ok(_ text: String) -> StoredResponse {
        StoredResponse(status: 200, contentType: "application/json", body: Array(text.utf8))
    }

    /// Runs `work` under `key` for `account`, as the middleware does.
    func once(
        _ keys: IdempotencyStore,
        key: String,
        account: String = "unit-a",
        fingerprint: String = put1,
        _ work: () async throws -> (IdempotentOutcome, Int)
    ) async throws -> IdempotencyAnswer<Int> {
        try await keys.once(
            IdempotencyRequest(county: Self.county, account: account, key: key, fingerprint: fingerprint, method: "PUT", path: "/a"),
            run: work
        )
    }

    func versions(_ client: PostgresClient) async throws -> Int {
        try await FilingStore(client: client).history(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Base.unitA,
            step: .selfAssessment
        ).count
    }

    func file(_ client: PostgresClient, _ report: String) async throws -> Int {
        try await FilingStore(client: client).fileSelfAssessment(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: Base.unitA,
            report: report,
            principal: base.unitAccount
        ).version
    }

    @Test("a key runs its request once: replayed after, refused for another body, per account; a refusal keeps no writes")
    func onceAndReplay() async throws {
        let client = try await base.setUp()
        try await base.openCycle(client)
        let keys = IdempotencyStore(client: client)
        var runs = 0

        let first = try await once(keys, key: "k") {
            runs += 1
            let version = try await file(client, "一")
            return (.done(Self.ok("{\"version\":\(version)}")), version)
        }
        guard case .ran(1) = first else {
            Issue.record("first: \(first)")
            return
        }
        let again = try await once(keys, key: "k") {
            runs += 1
            return (.done(Self.ok("{}")), try await file(client, "一"))
        }
        guard case .replay(let stored) = again else {
            Issue.record("again: \(again)")
            return
        }
        #expect(stored == Self.ok("{\"version\":1}"))
        #expect(runs == 1)
        #expect(try await versions(client) == 1)

        let other = try await once(keys, key: "k", fingerprint: Self.put2) { (.done(Self.ok("{}")), 0) }
        guard case .mismatch = other else {
            Issue.record("other: \(other)")
            return
        }
        // Another account's "k" is its own.
        let otherAccount = try await once(keys, key: "k", account: "office") { (.done(Self.ok("{}")), 7) }
        guard case .ran(7) = otherAccount else {
            Issue.record("other account: \(otherAccount)")
            return
        }

        // A refusal after a write: the write is rolled back, the refusal stored and replayed.
        let refusal = StoredResponse(status: 409, contentType: "application/problem+json", body: Array("{\"rule\":\"x\"}".utf8))
        let refused = try await once(keys, key: "r") {
            _ = try await file(client, "二")
            return (.refused(refusal), 0)
        }
        guard case .ran = refused else {
            Issue.record("refused: \(refused)")
            return
        }
        #expect(try await versions(client) == 1)
        let refusedAgain = try await once(keys, key: "r") { (.done(Self.ok("{}")), 0) }
        #expect(refusedAgain.replayed == refusal)

        // An expired key is forgotten.
        try await client.execute(
            "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k' AND account = 'unit-a'"
        )
        let expired = try await once(keys, key: "k", fingerprint: Self.put2) { (.done(Self.ok("{}")), 9) }
        guard case .ran(9) = expired else {
            Issue.record("expired: \(expired)")
            return
        }
        await client.close()
    }

    struct ServerError: Error {}

    @Test("a server error rolls back the filing and frees the key at once; so does a connection lost before COMMIT")
    func failureLeavesNothing() async throws {
        let client = try await base.setUp()
        try await base.openCycle(client)
        let keys = IdempotencyStore(client: client)

        await #expect(throws: ServerError.self) {
            _ = try await once(keys, key: "f") {
                _ = try await file(client, "一")
                throw ServerError()
            }
        }
        #expect(try await versions(client) == 0)
        #expect(try await keyRows(client) == 0)

        // The process dies after the filing, before COMMIT: here its backend is terminated, which is
        // what the server does when kaohed's socket closes.
        await #expect(throws: PostgresError.self) {
            _ = try await once(keys, key: "f") {
                _ = try await file(client, "二")
                let pid = try await client.query("SELECT pg_backend_pid() AS pid").first?.decode(Int32.self, column: "pid") ?? 0
                let other = try await PostgresConnection.connect(
                    configuration: client.configuration,
                    logger: TestCluster.logger("test.kill")
                )
                try await other.execute("SELECT pg_terminate_backend(\(Int(pid)))")
                await other.close()
                return (.done(Self.ok("{}")), 0)
            }
        }
        #expect(try await versions(client) == 0)
        #expect(try await keyRows(client) == 0)

        // The retry runs as if for the first time, and files once.
        let retry = try await once(keys, key: "f") {
            let version = try await file(client, "二")
            return (.done(Self.ok("{\"version\":\(version)}")), version)
        }
        guard case .ran(1) = retry else {
            Issue.record("retry: \(retry)")
            return
        }
        #expect(try await versions(client) == 1)
        await client.close()
    }

    @Test("a second request with a key in use waits for the first: replays it if it ends in time, else answers in flight")
    func concurrentSameKey() async throws {
        let client = try await base.setUp()
        try await base.openCycle(client)
        let keys = IdempotencyStore(client: client)
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let gate = Gate()

        let first = Task {
            try await once(keys, key: "c") {
                let version = try await file(client, "一")
                startedContinuation.yield()
                await gate.wait()
                return (.done(Self.ok("{\"version\":\(version)}")), version)
            }
        }
        for await _ in started { break }
        let began = ContinuousClock.now
        let second = try await once(keys, key: "c") { (.done(Self.ok("{}")), -1) }
        guard case .inFlight = second else {
            Issue.record("second: \(second)")
            return
        }
        #expect(ContinuousClock.now - began >= .milliseconds(IdempotencyStore.claimWait - 100))

        // A third arrives while the first is running, and the first ends within the wait: a replay.
        // (Arriving after the first ended would replay too; a long sleep here only ate into the
        // third's wait of `claimWait` on a loaded machine, where the first's commit can be slow.)
        let third = Task { try await once(keys, key: "c") { (.done(Self.ok("{}")), -1) } }
        try await Task.sleep(for: .milliseconds(50))
        await gate.open()
        guard case .ran(1) = try await first.value else {
            Issue.record("first")
            return
        }
        let thirdAnswer = try await third.value
        #expect(thirdAnswer.replayed == Self.ok("{\"version\":1}"))
        #expect(try await versions(client) == 1)
        await client.close()
    }

    func keyRows(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*)::int AS n FROM idempotency_keys").first?.decode(Int.self, column: "n") ?? -1
    }

    actor Gate {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        func wait() async {
            if isOpen { return }
            await withCheckedContinuation { waiters.append($0) }
        }
        func open() {
            isOpen = true
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }
}

extension IdempotencyAnswer {
    /// The stored response when this is a replay.
    var replayed: StoredResponse? {
        if case .replay(let stored) = self { return stored }
        return nil
    }
}
