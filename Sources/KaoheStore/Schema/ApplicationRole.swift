public import Postgres

/// The role kaohed serves as: it owns nothing, so it cannot alter or drop a table, disable the
/// audit log's append-only trigger or truncate it. The owner role (the one that runs `kaohe
/// migrate`) grants it what the daemon needs:
///
/// - `SELECT, INSERT, UPDATE, DELETE` on every table of the schema, but
/// - `audit_log`: `SELECT, INSERT` only (the trigger forbids UPDATE and DELETE for anyone; this role
///   cannot even try, nor switch the trigger off, nor TRUNCATE);
/// - `kaohe_migrations`: `SELECT` only (for `/readyz`);
/// - the sequences of identity columns, and the schema's functions (`file_versions`, …).
///
/// Grants are redone after every migration run (everything the role held on the schema's tables is
/// revoked first), so a table a new migration adds is covered and nothing granted by hand lingers.
public struct ApplicationRole: Sendable {
    /// The role the embedded default creates and serves as.
    public static let embeddedName = "kaohe_app"

    /// The role's name.
    public let name: String

    /// The role `name`.
    public init(name: String) { self.name = name }

    /// Creates the role (LOGIN, no other attribute) unless it exists. Needs CREATEROLE; the embedded
    /// cluster's superuser has it.
    public func create(on client: PostgresClient) async throws {
        let quoted = PostgresQuery.quoteIdentifier(name)
        try await client.withConnection { connection in
            let exists = try await connection.query("SELECT 1 AS one FROM pg_roles WHERE rolname = \(name)")
            if exists.isEmpty {
                try await connection.simpleQuery("CREATE ROLE \(quoted) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION")
            }
        }
    }

    /// The tables of the current schema the connected role may not read or write (`has_table_privilege`),
    /// by name: kaohed refuses to start while any is listed (a `kaohe migrate` without `--app-role`
    /// after an upgrade leaves the new tables out of the application role's grants).
    public static func missingPrivileges(on client: PostgresClient) async throws -> [String] {
        try await client.query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND (NOT has_table_privilege(c.oid, 'SELECT')
                   OR (c.relname <> 'kaohe_migrations' AND NOT has_table_privilege(c.oid, 'INSERT')))
            ORDER BY c.relname
            """
        ).map { try $0.decode(String.self, column: "relname") }
    }

    /// Grants the role what kaohed needs on the current schema (see the type's description), as the
    /// schema's owner, in one transaction under the migrations' lock.
    public func grant(on client: PostgresClient) async throws {
        let quoted = PostgresQuery.quoteIdentifier(name)
        try await client.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(MigrationRunner.lockKey))")
            let exists = try await connection.query("SELECT 1 AS one FROM pg_roles WHERE rolname = \(name)")
            guard !exists.isEmpty else {
                throw StoreError(
                    .notFound,
                    "the database role \(name) does not exist; create it first (CREATE ROLE \(name) LOGIN)",
                    field: "role"
                )
            }
            let tables = try await connection.query(
                """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v') ORDER BY c.relname
                """
            ).map { try $0.decode(String.self, column: "relname") }
            let schemaName = try await connection.query("SELECT current_schema() AS name").one().decode(String.self, column: "name")
            let schema = PostgresQuery.quoteIdentifier(schemaName)
            var statements = ["GRANT USAGE ON SCHEMA \(schema) TO \(quoted)"]
            for table in tables {
                let privileges =
                    switch table {
                    case "audit_log": "SELECT, INSERT"
                    case "kaohe_migrations": "SELECT"
                    default: "SELECT, INSERT, UPDATE, DELETE"
                    }
                let target = PostgresQuery.quoteIdentifier(table)
                statements.append("REVOKE ALL ON \(target) FROM \(quoted)")
                statements.append("GRANT \(privileges) ON \(target) TO \(quoted)")
            }
            statements.append("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA \(schema) TO \(quoted)")
            statements.append("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA \(schema) TO \(quoted)")
            try await connection.simpleQuery(statements.joined(separator: ";\n"))
        }
    }
}
