import Foundation
public import Postgres

/// `kaohe backup` and `kaohe restore`: a logical dump in pg_dump's custom format, restored into an
/// empty database with pg_restore.
///
/// Why a dump and not a base backup with WAL archiving (point-in-time recovery): a county's whole
/// year is a few hundred megabytes at most, a dump of it takes seconds, is consistent (one
/// snapshot), restores into any cluster of the same or a later PostgreSQL version, and is one file
/// an office can copy to another machine or a USB disk every night. PITR would shorten the window
/// of loss from a day to seconds, at the price of an archive to run and watch; an office that needs
/// that runs an external PostgreSQL with its own PITR and a standby (docs/operations.md).
public enum Backup {
    /// Something the backup or restore could not do, with the program's own last lines.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Dumps the database to `path` (custom format, compressed); the file is written next to
    /// `path` first and renamed into place, so a failed dump never leaves half a file under its name.
    public static func dump(_ configuration: PostgresConfiguration, to path: String, binDirectory: String? = nil) async throws {
        let binaries = try EmbeddedCluster.locateBinaries(binDirectory)
        let partial = path + ".partial"
        let outcome = await EmbeddedCluster.runProgram(
            binaries + "/pg_dump",
            arguments: [
                "--format=custom", "--compress=6", "--no-owner", "--no-privileges", "--file=" + partial,
                "--dbname=" + conninfo(configuration),
            ],
            environment: environment(configuration)
        )
        guard outcome.status == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw Failure(description: "pg_dump failed (exit \(outcome.status)): \(tail(outcome.output))")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    /// Restores the dump at `path` into the database, which must hold no kaohe schema: in one
    /// transaction (`--single-transaction --exit-on-error`), so a failure leaves it empty. Objects
    /// are owned by the restoring role; grant the application role again afterwards (kaohed does it
    /// at start when embedded; else `kaohe migrate --app-role`).
    public static func restore(_ path: String, into configuration: PostgresConfiguration, binDirectory: String? = nil) async throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Failure(description: "cannot read the backup file \(path)")
        }
        let binaries = try EmbeddedCluster.locateBinaries(binDirectory)
        let outcome = await EmbeddedCluster.runProgram(
            binaries + "/pg_restore",
            arguments: [
                "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--dbname=" + conninfo(configuration), path,
            ],
            environment: environment(configuration)
        )
        guard outcome.status == 0 else {
            throw Failure(description: "pg_restore failed (exit \(outcome.status)); nothing was restored: \(tail(outcome.output))")
        }
    }

    /// A libpq conninfo string of the configuration's keywords, each value quoted (the password is
    /// left out: it goes in PGPASSWORD, not on the command line where `ps` shows it).
    static func conninfo(_ configuration: PostgresConfiguration) -> String {
        configuration.parameters.filter { $0.key != "password" }.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(key)='\(escaped)'"
        }.joined(separator: " ")
    }

    static func environment(_ configuration: PostgresConfiguration) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        if let password = configuration.parameters["password"] { environment["PGPASSWORD"] = password }
        return environment
    }

    static func tail(_ output: String) -> String {
        output.split(separator: "\n").suffix(8).joined(separator: "\n")
    }
}
