public import Logging
public import Postgres

/// What the database has applied, and what it still lacks.
public struct MigrationStatus: Sendable {
    /// Versions recorded in `kaohe_migrations`, ascending.
    public var applied: [Int]
    /// Bundled migrations not yet applied, ascending.
    public var pending: [Migration]
    /// True when nothing is pending.
    public var isCurrent: Bool { pending.isEmpty }
}

/// Applies numbered migrations in order, each recorded in `kaohe_migrations` with its checksum.
///
/// All pending migrations are applied in one transaction under a transaction-level advisory lock, so
/// two daemons (or a daemon and `kaohe migrate`) starting at once apply each migration exactly once,
/// and a failing migration leaves the schema as it was.
public struct MigrationRunner: Sendable {
    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    /// A runner for `migrations` (by default the bundled `Schema/`) against `client`.
    public init(client: PostgresClient, migrations: [Migration], logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// How long connecting to the database has been failing (the pool's own view, no query), or nil
    /// when its last attempt succeeded. For `/readyz`.
    public var unreachableFor: Duration? { client.health.unreachableFor }

    /// Applied and pending migrations. An applied migration whose text changed since is an error.
    public func status() async throws -> MigrationStatus {
        try await client.withConnection { connection in
            try await Self.status(of: migrations, on: connection)
        }
    }

    /// Applies every pending migration; returns those it applied (none when already current).
    @discardableResult
    public func apply() async throws -> [Migration] {
        let applied = try await client.withTransaction { connection -> [Migration] in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.lockKey))")
            try await connection.simpleQuery(Self.bookkeeping)
            let status = try await Self.status(of: migrations, on: connection)
            for migration in status.pending {
                try await connection.simpleQuery(migration.sql)
                try await connection.execute(
                    """
                    INSERT INTO kaohe_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """
                )
            }
            return status.pending
        }
        for migration in applied {
            logger.info("applied migration", metadata: ["migration": "\(migration.label)"])
        }
        return applied
    }

    /// Advisory lock key shared by everything that migrates this database.
    static let lockKey: Int64 = 0x6B61_6F68_655F_6D67  // "kaohe_mg"

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS kaohe_migrations (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static func status(of migrations: [Migration], on connection: PostgresConnection) async throws -> MigrationStatus {
        let exists = try await connection.query("SELECT to_regclass('kaohe_migrations') IS NOT NULL AS present")
        guard let row = exists.first, try row.decode(Bool.self, column: "present") else {
            return MigrationStatus(applied: [], pending: migrations)
        }
        let rows = try await connection.query("SELECT version, name, checksum FROM kaohe_migrations ORDER BY version")
        var recorded: [Int: String] = [:]
        for row in rows {
            recorded[try row.decode(Int.self, column: "version")] = try row.decode(String.self, column: "checksum")
        }
        for migration in migrations {
            if let checksum = recorded[migration.version], checksum != migration.checksum {
                throw StoreError(
                    .migrationAltered,
                    "migration \(migration.label) was changed after it was applied; restore the original file and add a new migration instead"
                )
            }
        }
        let known = Set(migrations.map(\.version))
        if let unknown = recorded.keys.filter({ !known.contains($0) }).max() {
            throw StoreError(
                .migrationAltered,
                "the database has migration \(unknown), which this kaohe does not know: it was migrated by a newer version"
            )
        }
        return MigrationStatus(
            applied: recorded.keys.sorted(),
            pending: migrations.filter { recorded[$0.version] == nil }
        )
    }
}
