import KaoheTestSupport
import Postgres
import Testing

@Suite("PostgresError")
struct ErrorTests {
    @Test func uniqueViolationCarriesSQLStateAndFields() async throws {
        try await withFreshConnection { connection in
            try await connection.execute("CREATE TABLE unit (code text CONSTRAINT unit_pk PRIMARY KEY)")
            try await connection.execute("INSERT INTO unit (code) VALUES (\("secret-code-123"))")
            let error = await #expect(throws: PostgresError.self) {
                try await connection.execute("INSERT INTO unit (code) VALUES (\("secret-code-123"))")
            }
            let e = try #require(error)
            #expect(e.code == .server)
            #expect(e.sqlState == .uniqueViolation)
            #expect(e.sqlState?.rawValue == "23505")
            #expect(e.serverFields?.constraintName == "unit_pk")
            #expect(e.serverFields?.tableName == "unit")
            #expect(e.serverFields?.severity == "ERROR")
            // The description is safe to log: no query, no value, no server message.
            #expect(e.description == "PostgresError(code: server, sqlState: 23505)")
            #expect(!e.description.contains("secret-code-123"))
            #expect(!e.description.contains("INSERT"))
            // The debug description has everything.
            #expect(e.debugDescription.contains("INSERT INTO unit"))
            #expect(e.debugDescription.contains("secret-code-123"))
            // The connection is still usable after a statement error.
            #expect(try await connection.query("SELECT 1 AS one").single(Int.self) == 1)
        }
    }

    @Test func undefinedTable() async throws {
        try await withFreshConnection { connection in
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT * FROM no_such_table WHERE id = \(5)")
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == .undefinedTable)
            #expect(error?.serverFields?.position != nil)
            #expect(error?.description.contains("no_such_table") == false)
        }
    }

    @Test func syntaxErrorInSimpleQuery() async throws {
        try await withFreshConnection { connection in
            let error = await #expect(throws: PostgresError.self) { try await connection.simpleQuery("SELEC 1; SELECT 2") }
            #expect(error?.sqlState == .syntaxError)
        }
    }

    @Test func connectionFailureNamesTheSocketButNoPassword() async throws {
        let configuration = PostgresConfiguration(parameters: [
            "host": "/tmp/kaohe-no-such-dir", "port": "5999", "user": "u", "password": "hunter2", "dbname": "d",
        ])
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("/tmp/kaohe-no-such-dir") == true)
        #expect(error?.description.contains("hunter2") == false)
        #expect(configuration.redactedDescription.contains("password=***"))
        #expect(!configuration.redactedDescription.contains("hunter2"))
    }
}
