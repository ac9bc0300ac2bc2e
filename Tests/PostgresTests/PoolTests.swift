import Foundation
import KaoheTestSupport
import Synchronization
import Testing

@testable import Postgres

@Suite("Connection pool")
struct PoolTests {
    @Test func manyTasksThroughASmallPool() async throws {
        // The suite runs in parallel on 2 cores: a generous wait, since this test is about every query
        // succeeding through 4 connections, not about how long a caller waits under that load.
        try await withFreshClient(maximumConnections: 4, acquireTimeout: .seconds(180)) { client in
            try await client.execute("CREATE TABLE unit (id int8 PRIMARY KEY, name text)")
            try await client.execute("INSERT INTO unit SELECT g, 'unit ' || g FROM generate_series(1, 1000) g")
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<64 {
                    group.addTask {
                        var sum = 0
                        for i in 0..<100 {
                            let id = (task * 100 + i) % 1000 + 1
                            let rows = try await client.query("SELECT id, name FROM unit WHERE id = \(id)")
                            #expect(try rows[0].decode(String.self, column: "name") == "unit \(id)")
                            sum += 1
                        }
                        return sum
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(total == 6400)
            let open = client.state.withLock { $0.open }
            #expect(open <= 4)
        }
    }

    @Test func waitingCallersTimeOutWithAClearError() async throws {
        try await withFreshClient(maximumConnections: 2, acquireTimeout: .milliseconds(300)) { client in
            let (held, release) = AsyncStream<Void>.makeStream()
            let (gate, open) = AsyncStream<Void>.makeStream()
            let holders = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await client.withConnection { _ in
                                release.yield()
                                for await _ in gate { break }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var count = 0
            for await _ in held {
                count += 1
                if count == 2 { break }
            }
            let started = ContinuousClock.now
            let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
            let waited = ContinuousClock.now - started
            #expect(error?.code == .poolTimeout)
            #expect(error?.description.contains("2 connections") == true)
            #expect(error?.description.contains("0.3 seconds") == true)
            #expect(waited >= .milliseconds(250))
            open.yield()
            open.yield()
            open.finish()
            try await holders.value
            #expect(try await client.query("SELECT 1 AS one").single(Int.self) == 1)
        }
    }

    @Test func survivesAServerRestartMidRun() async throws {
        let (cluster, configuration) = try await TestCluster.makePrivate()
        var options = PostgresClient.Options()
        options.maximumConnections = 4
        options.acquireTimeout = .seconds(30)
        let client = PostgresClient(configuration: configuration, options: options, logger: TestCluster.logger())
        let service = Task { try await client.run() }
        try await client.execute("CREATE TABLE t (id int8 PRIMARY KEY)")
        try await client.execute("INSERT INTO t SELECT generate_series(1, 100)")

        // Workers query until each has answered 10 queries after the restart (or 60 s pass): the
        // test waits for work, not for a fixed time, so a loaded machine only makes it slower.
        let stop = ManagedAtomicFlag()
        let restarted = ManagedAtomicFlag()
        let workers = Task {
            try await withThrowingTaskGroup(of: (ok: Int, okAfter: Int, failed: Int).self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var ok = 0
                        var okAfter = 0
                        var failed = 0
                        var i = 0
                        while !stop.isSet && okAfter < 10 {
                            i += 1
                            do {
                                let rows = try await client.query("SELECT id FROM t WHERE id = \((worker * 13 + i) % 100 + 1)")
                                #expect(rows.count == 1)
                                ok += 1
                                if restarted.isSet { okAfter += 1 }
                            } catch let error as PostgresError {
                                // In-flight statements may fail while the server goes down; nothing else may.
                                #expect(error.isConnectionLevel, "\(String(reflecting: error))")
                                failed += 1
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                        return (ok, okAfter, failed)
                    }
                }
                return try await group.reduce(into: (ok: 0, okAfter: 0, failed: 0)) {
                    $0.ok += $1.ok
                    $0.okAfter += $1.okAfter
                    $0.failed += $1.failed
                }
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        try await cluster.restart()
        restarted.set()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            stop.set()
        }
        let counts = try await workers.value
        watchdog.cancel()
        #expect(counts.okAfter == 80, "every worker answered 10 queries after the restart: \(counts)")
        #expect(counts.ok > counts.okAfter, "and some before it")

        // After the restart, without recreating the client: every query succeeds.
        for i in 1...100 {
            #expect(try await client.query("SELECT id FROM t WHERE id = \(i)").single(Int.self) == i)
        }
        await client.close()
        try await service.value
        try await cluster.stop()
    }

    @Test func runReturnsAfterCloseAndClosedPoolRefuses() async throws {
        try await withFreshClient { client in
            let service = Task { try await client.run() }
            #expect(try await client.query("SELECT 1").count == 1)
            await client.close()
            try await service.value
            let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(error?.code == .poolClosed)
            #expect(client.state.withLock { $0.open } == 0)
        }
    }

    @Test func runReturnsOnCancellation() async throws {
        try await withFreshClient { client in
            let service = Task { try await client.run() }
            #expect(try await client.query("SELECT 1").count == 1)
            service.cancel()
            try await service.value
            #expect(client.state.withLock { $0.isClosed && $0.open == 0 })
        }
    }

    @Test func brokenConnectionsAreReplaced() async throws {
        try await withFreshClient(maximumConnections: 2) { client in
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.withConnection { connection in
                            try await Task.sleep(for: .milliseconds(100))
                            return connection.backendPID
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Kill both idle backends from outside the pool.
            let admin = try await PostgresConnection.connect(configuration: client.configuration, logger: TestCluster.logger())
            for pid in pids { try await admin.query("SELECT pg_terminate_backend(\(pid))") }
            // Wait until both backends have exited (and so closed their sockets).
            let alive = PostgresArray(pids)
            for _ in 0..<200 {
                if try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(\(alive))").single(Int.self) == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await admin.close()
            for _ in 0..<10 {
                let pid = try await client.query("SELECT pg_backend_pid()").single(Int.self)!
                #expect(!pids.contains(Int32(pid)))
            }
        }
    }

    @Test func poolBodiesRunOnTheConnectionsThreadUnlessActorIsolated() async throws {
        try await withFreshClient { client in
            let onThread = try await client.withConnection { connection in
                _ = try await connection.query("SELECT 1")
                return connection.thread.isCurrent
            }
            #expect(onThread)
            let tally = Tally()
            try await tally.add(from: client)
            try await tally.add(from: client)
            #expect(await tally.total == 2)
        }
    }

    actor Tally {
        var total = 0
        func add(from client: PostgresClient) async throws {
            try await client.withTransaction { connection in
                total += try await connection.query("SELECT 1 AS one").single(Int.self) ?? 0
            }
        }
    }

    @Test func libpqRunsOnTheConnectionsOwnThread() async throws {
        try await withFreshConnection { connection in
            for _ in 0..<3 {
                let onConnectionThread = try await connection.run { _ in connection.thread.isCurrent }
                #expect(onConnectionThread)
                #expect(!connection.thread.isCurrent)
            }
        }
    }
}

/// A flag set once, read from many tasks.
final class ManagedAtomicFlag: Sendable {
    private let value = Synchronization.Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
