import KaoheStore
import Logging
import Postgres

/// The demo county, all or nothing: seeded into a database of its own, which replaces the empty
/// main database only once it is complete. A start stopped while seeding (SIGTERM, a crash) leaves
/// the main database as it was — empty — and the next start seeds again from the beginning.
enum DemoSeeding {
    /// Where the demo county is built before it becomes the main database.
    static let seedDatabase = "kaohe_demo_seed"

    /// Seeds the demo county into the database `main` of kaohed's own cluster unless that database
    /// already holds a county; true when it did. No connection to `main` may be open while it runs
    /// (it is dropped and replaced at the end).
    static func seedIfEmpty(main: PostgresConfiguration, migrations: [Migration], logger: Logger) async throws -> Bool {
        guard let mainName = main.database, mainName != seedDatabase else { return false }
        guard try await isEmpty(main, logger: logger) else { return false }
        let admin = try await PostgresConnection.connect(configuration: main.withDatabase("postgres"), logger: logger)
        do {
            // A seed database left by an interrupted start is half done: begin again.
            try await admin.simpleQuery("DROP DATABASE IF EXISTS \(PostgresQuery.quoteIdentifier(seedDatabase)) WITH (FORCE)")
            try await admin.simpleQuery("CREATE DATABASE \(PostgresQuery.quoteIdentifier(seedDatabase))")
            let client = PostgresClient(configuration: main.withDatabase(seedDatabase), logger: logger)
            do {
                try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
                try await DemoCounty.seedIfEmpty(client: client, logger: logger)
                await client.close()
            } catch {
                await client.close()
                throw error
            }
            try Task.checkCancellation()
            // Complete: the seeded database becomes the main one.
            try await admin.simpleQuery("DROP DATABASE \(PostgresQuery.quoteIdentifier(mainName)) WITH (FORCE)")
            try await admin.simpleQuery(
                "ALTER DATABASE \(PostgresQuery.quoteIdentifier(seedDatabase)) RENAME TO \(PostgresQuery.quoteIdentifier(mainName))"
            )
            await admin.close()
        } catch {
            await admin.close()
            throw error
        }
        return true
    }

    /// Whether `database` holds no county (or no schema at all yet).
    static func isEmpty(_ database: PostgresConfiguration, logger: Logger) async throws -> Bool {
        let connection = try await PostgresConnection.connect(configuration: database, logger: logger)
        do {
            var empty = try await connection.query("SELECT to_regclass('counties') IS NULL AS empty").one()
                .decode(Bool.self, column: "empty")
            if !empty {
                empty = try await connection.query("SELECT NOT EXISTS (SELECT 1 FROM counties) AS empty").one()
                    .decode(Bool.self, column: "empty")
            }
            await connection.close()
            return empty
        } catch {
            await connection.close()
            throw error
        }
    }
}
