import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheStore
import Logging
import Postgres

/// `kaohe backup FILE`: the whole database to one file (pg_dump's custom format).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write the whole database to FILE (pg_dump custom format), consistent as of one moment.",
        discussion: """
            Safe while kaohed serves: the dump is one snapshot. The file appears under its name only when \
            complete. Restore it with `kaohe restore FILE` into an empty database. Deploy/kaohe-backup.timer \
            runs this every night.
            """
    )

    @OptionGroup var options: DaemonOptions

    @Argument(help: "Where to write the backup, e.g. /var/backups/kaohe/kaohe-2026-12-06.dump")
    var file: String

    func run() async throws {
        try await BackupCommandSupport.withDatabase(options, command: "backup") { database, _ in
            try await Backup.dump(database.configuration, to: file)
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("backed up to \(file) (\(size) bytes)")
        }
    }
}

/// `kaohe restore FILE`: a backup into an empty database, then the audit trail verified.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup written by `kaohe backup` into an EMPTY database, then verify the audit trail and every filing.",
        discussion: """
            Refuses a database that already holds kaohe's tables (restore into a new one: createdb, or move the \
            embedded data directory aside with kaohed stopped). All or nothing: one transaction. Afterwards \
            `audit verify --deep` is run and printed; the exit status is 1 if it is not intact.
            """
    )

    @OptionGroup var options: DaemonOptions

    @Argument(help: "A file written by `kaohe backup`.")
    var file: String

    func run() async throws {
        try await BackupCommandSupport.withDatabase(options, command: "restore") { database, logger in
            let client = PostgresClient(configuration: database.configuration, logger: logger)
            do {
                let tables = try await client.query(
                    "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()"
                ).one().decode(Int.self, column: "n")
                guard tables == 0 else {
                    throw ValidationError(
                        "the database already holds \(tables) tables; restore into an empty database (a new one, or the embedded default with its data directory moved aside while kaohed is stopped)"
                    )
                }
                try await Backup.restore(file, into: database.configuration)
                if database.cluster != nil {
                    let role = ApplicationRole(name: ApplicationRole.embeddedName)
                    try await role.create(on: client)
                    try await role.grant(on: client)
                }
                print("restored \(file)")
                let chain = try await AuditChain.verify(client: client, county: nil)
                print(chain.description)
                guard case .intact = chain else { throw ExitCode.failure }
                let content = try await AuditChain.verifyContent(client: client, county: nil)
                print(content.description)
                if content.broken != nil { throw ExitCode.failure }
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }
}

enum BackupCommandSupport {
    /// Opens the configured database (starting the embedded cluster if it is not running, and
    /// stopping it afterwards only then), runs `body`, and turns errors into one line and exit 1.
    static func withDatabase(
        _ options: DaemonOptions,
        command: String,
        _ body: (Database, Logger) async throws -> Void
    ) async throws {
        let configuration = try options.resolve()
        var logger = Logger(label: "kaohe.\(command)")
        logger.logLevel = configuration.logLevel
        let database: Database
        do {
            database = try await Database.open(configuration, logger: logger)
        } catch {
            throw OfficeCommandContext.failure(command, "the database could not be opened: \(error)")
        }
        do {
            try await body(database, logger)
        } catch let error as ExitCode {
            await database.close(logger: logger)
            throw error
        } catch let error as ValidationError {
            await database.close(logger: logger)
            throw OfficeCommandContext.failure(command, error.message)
        } catch {
            await database.close(logger: logger)
            throw OfficeCommandContext.failure(command, "\(error)")
        }
        await database.close(logger: logger)
    }
}
