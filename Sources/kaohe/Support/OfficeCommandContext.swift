import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheStore
import Logging
import Postgres

/// What the office's database commands (`county`, `committee`, `department`, `reviewer`, `import`,
/// `account`, `audit`) share: open the configured database, refuse to run on a schema that is not
/// current, run the body, close everything, and turn errors into one clear line on stderr with a
/// non-zero exit status.
enum OfficeCommandContext {
    /// Who the audit trail records for commands run from the command line: `cli:<os user>`.
    static var actor: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
        return "cli:uid\(getuid())"
    }

    /// Opens the database from `options`, runs `body` with a client, closes it. Errors are printed
    /// as `kaohe <command>: <message>` and exit 1 (or the `ExitCode` the body threw).
    static func run<T>(
        _ options: DaemonOptions,
        command: String,
        _ body: (PostgresClient, Logger) async throws -> T
    ) async throws -> T {
        let configuration = try options.resolve()
        var logger = Logger(label: "kaohe.\(command.replacingOccurrences(of: " ", with: "."))")
        logger.logLevel = configuration.logLevel
        let database: Database
        do {
            database = try await Database.open(configuration, logger: logger)
        } catch {
            throw failure(command, "the database could not be opened: \(error)")
        }
        let client = PostgresClient(configuration: database.configuration, logger: logger)
        let result: Result<T, any Error>
        do {
            let status = try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).status()
            guard status.isCurrent else {
                throw StoreError(
                    .migrationsPending,
                    "the database schema is not current (pending: \(status.pending.map { String(format: "%04d_%@", $0.version, $0.name) }.joined(separator: ", "))); run `kaohe migrate` first"
                )
            }
            result = .success(try await body(client, logger))
        } catch {
            result = .failure(error)
        }
        await client.close()
        await database.close(logger: logger)
        switch result {
        case .success(let value):
            return value
        case .failure(let error as ExitCode):
            throw error
        case .failure(let error as StoreError):
            throw failure(command, error.message + (error.field.map { " [\($0)]" } ?? ""))
        case .failure(let error):
            throw failure(command, "\(error)")
        }
    }

    /// Prints `kaohe <command>: <message>` on stderr; the returned exit code (1) is to be thrown.
    static func failure(_ command: String, _ message: String) -> ExitCode {
        printError("kaohe \(command): \(message)")
        return .failure
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
