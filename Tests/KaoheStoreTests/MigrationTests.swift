import Foundation
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

@Suite("Migrations")
struct MigrationTests {
    let logger = Logger(label: "test.migrations")

    @Test("the bundled Schema/ migrations are numbered from 1 without gaps")
    func bundledMigrationsAreContiguous() throws {
        let migrations = try MigrationCatalog.bundled()
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(migrations[0].name == "registry")
    }

    @Test("a fresh database gets every migration once; a second run applies nothing")
    func applyIsIdempotent() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        let migrations = try MigrationCatalog.bundled()
        let runner = MigrationRunner(client: client, migrations: migrations, logger: logger)

        let before = try await runner.status()
        #expect(before.applied.isEmpty)
        #expect(before.pending.count == migrations.count)

        let applied = try await runner.apply()
        #expect(applied.map(\.version) == migrations.map(\.version))
        let again = try await runner.apply()
        #expect(again.isEmpty)
        let after = try await runner.status()
        #expect(after.isCurrent)
        #expect(after.applied == migrations.map(\.version))
        let tables = try await client.query(
            "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('counties','committees','departments','units','accounts')"
        )
        #expect(try tables.one().decode(Int.self, column: "n") == 5)
        await client.close()
    }

    @Test("two runners racing apply each migration exactly once")
    func concurrentApplyIsExactlyOnce() async throws {
        let configuration = try await TestCluster.freshDatabase()
        let migrations = try MigrationCatalog.bundled()
        let a = PostgresClient(configuration: configuration, logger: logger)
        let b = PostgresClient(configuration: configuration, logger: logger)
        async let first = MigrationRunner(client: a, migrations: migrations, logger: logger).apply()
        async let second = MigrationRunner(client: b, migrations: migrations, logger: logger).apply()
        let (x, y) = try await (first, second)
        #expect(x.count + y.count == migrations.count)
        let rows = try await a.query("SELECT count(*)::int AS n FROM kaohe_migrations")
        #expect(try rows.one().decode(Int.self, column: "n") == migrations.count)
        await a.close()
        await b.close()
    }

    @Test("an applied migration whose text changed is refused by name")
    func alteredMigrationIsDetected() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        let migrations = try MigrationCatalog.bundled()
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
        var edited = migrations
        edited[0] = try Migration(fileName: "0001_registry.sql", sql: migrations[0].sql + "\n-- edited\n")
        await #expect {
            try await MigrationRunner(client: client, migrations: edited, logger: logger).status()
        } throws: { error in
            let store = error as? StoreError
            return store?.code == .migrationAltered && store!.message.contains("0001_registry")
        }
        await client.close()
    }

    @Test("a failing migration leaves nothing behind")
    func failingMigrationRollsBack() async throws {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        let broken =
            try MigrationCatalog.bundled() + [
                try Migration(fileName: "0999_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT * FROM no_such_table;")
            ]
        await #expect(throws: PostgresError.self) {
            try await MigrationRunner(client: client, migrations: broken, logger: logger).apply()
        }
        let rows = try await client.query(
            "SELECT to_regclass('half_done') IS NULL AS gone, to_regclass('kaohe_migrations') IS NULL AS no_bookkeeping"
        )
        #expect(try rows.one().decode(Bool.self, column: "gone"))
        #expect(try rows.one().decode(Bool.self, column: "no_bookkeeping"))
        await client.close()
    }

    @Test("migration file names must be NNNN_name.sql")
    func fileNamesAreChecked() {
        #expect(throws: StoreError.self) { try Migration(fileName: "1_registry.sql", sql: "") }
        #expect(throws: StoreError.self) { try Migration(fileName: "0001registry.sql", sql: "") }
        #expect(throws: StoreError.self) { try Migration(fileName: "0001_registry.txt", sql: "") }
        #expect((try? Migration(fileName: "0042_quotas.sql", sql: "SELECT 1"))?.version == 42)
    }
}

@Suite("Bundled schema")
struct BundledSchemaTests {
    @Test("the bundle holds exactly the .sql files of Schema/Migrations")
    func bundleMatchesFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Schema/Migrations")
            .standardized
        let onDisk = try MigrationCatalog.load(directory: folder)
        let bundled = try MigrationCatalog.bundled()
        #expect(bundled.map(\.label) == onDisk.map(\.label))
        #expect(bundled.map(\.checksum) == onDisk.map(\.checksum))
    }
}
