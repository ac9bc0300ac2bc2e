import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheStore
import Logging
import Postgres

/// `kaohe migrate`: applies pending migrations to the configured database.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending schema migrations (Schema/Migrations/NNNN_name.sql) to the database.",
        discussion: "Against an external database kaohed refuses to serve until this has run. --status only lists them."
    )

    @OptionGroup var options: DaemonOptions

    @Flag(help: "List applied and pending migrations without applying anything.")
    var status = false

    @Option(
        name: .customLong("app-role"),
        help:
            "After migrating, grant this existing role what kaohed needs and nothing more (it owns nothing: it cannot alter tables, disable the audit log's trigger or truncate it). Run kaohed as this role."
    )
    var appRole: String?

    func run() async throws {
        let configuration = try options.resolve()
        var logger = Logger(label: "kaohe.migrate")
        logger.logLevel = configuration.logLevel
        let database = try await Database.open(configuration, logger: logger)
        let client = PostgresClient(configuration: database.configuration, logger: logger)
        do {
            let runner = MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger)
            if status {
                let current = try await runner.status()
                print("applied: \(current.applied.map { String(format: "%04d", $0) }.joined(separator: ", "))")
                print("pending: \(current.pending.isEmpty ? "none" : current.pending.map { $0.label }.joined(separator: ", "))")
            } else {
                let applied = try await runner.apply()
                if applied.isEmpty {
                    print("the schema is current; nothing to apply")
                } else {
                    for migration in applied { print("applied \(migration.label)") }
                }
                if let appRole {
                    try await ApplicationRole(name: appRole).grant(on: client)
                    print("granted \(appRole) what kaohed needs (it owns nothing)")
                }
            }
        } catch {
            await client.close()
            await database.close(logger: logger)
            FileHandle.standardError.write(Data("kaohe migrate: \(error)\n".utf8))
            throw ExitCode.failure
        }
        await client.close()
        await database.close(logger: logger)
    }
}
