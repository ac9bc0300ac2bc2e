import Foundation
import KaoheTestSupport
import Postgres
import Testing

@Suite("Transactions")
struct TransactionTests {
    struct Boom: Error {}

    @Test func commitsOrRollsBack() async throws {
        try await withFreshClient { client in
            try await client.execute("CREATE TABLE filing (id int8 PRIMARY KEY, score numeric(5,2))")
            try await client.withTransaction { connection in
                try await connection.execute("INSERT INTO filing VALUES (\(1), \(Decimal(string: "88.50")!))")
                try await connection.execute("INSERT INTO filing VALUES (\(2), \(Decimal(string: "91.25")!))")
            }
            await #expect(throws: Boom.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO filing VALUES (\(3), \(Decimal(70)))")
                    throw Boom()
                }
            }
            // A failed statement inside the transaction: rolled back, and the error surfaces.
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO filing VALUES (\(4), \(Decimal(70)))")
                    try await connection.execute("INSERT INTO filing VALUES (\(1), \(Decimal(70)))")
                }
            }
            #expect(error?.sqlState == .uniqueViolation)
            let ids = try await client.query("SELECT id FROM filing ORDER BY id").map { try $0.decode(Int.self) }
            #expect(ids == [1, 2])
        }
    }

    @Test func rollsBackOnCancellation() async throws {
        try await withFreshClient { client in
            try await client.execute("CREATE TABLE t (id int8)")
            let task = Task {
                try await client.withTransaction { connection in
                    try await connection.execute("INSERT INTO t VALUES (\(1))")
                    try await Task.sleep(for: .seconds(30))
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(try await client.query("SELECT count(*) FROM t").single(Int.self) == 0)
            // The connection went back to the pool clean: the next transaction works.
            try await client.withTransaction { try await $0.execute("INSERT INTO t VALUES (\(2))") }
            #expect(try await client.query("SELECT count(*) FROM t").single(Int.self) == 1)
        }
    }

    @Test func connectionLeftInTransactionIsRolledBackOnRelease() async throws {
        try await withFreshClient(maximumConnections: 1) { client in
            try await client.execute("CREATE TABLE t (id int8)")
            try await client.withConnection { connection in
                try await connection.simpleQuery("BEGIN")
                try await connection.execute("INSERT INTO t VALUES (\(1))")
            }
            #expect(try await client.query("SELECT count(*) FROM t").single(Int.self) == 0)
        }
    }
}
