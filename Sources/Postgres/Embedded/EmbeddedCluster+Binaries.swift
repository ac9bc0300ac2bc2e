import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension EmbeddedCluster {
    /// The programs a cluster needs.
    static let serverPrograms = ["initdb", "pg_ctl", "postgres"]

    /// Finds the directory holding PostgreSQL's server programs (initdb, pg_ctl, postgres):
    /// `hint` if given, else `pg_config --bindir`, else the highest `/usr/lib/postgresql/<n>/bin`,
    /// else PATH. Throws `.binariesMissing`, whose message says which package to install.
    public static func locateBinaries(_ hint: String?) throws -> String {
        if let hint {
            if hasServerPrograms(hint) { return hint }
            throw missing("no initdb, pg_ctl and postgres in \(hint)")
        }
        if let pgConfig = ChildProcess.which("pg_config") {
            let outcome = ChildProcess.runBlocking(pgConfig, ["--bindir"])
            let directory = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if outcome.succeeded, hasServerPrograms(directory) { return directory }
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
        for (name, _) in versions where hasServerPrograms("\(debianRoot)/\(name)/bin") {
            return "\(debianRoot)/\(name)/bin"
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) where hasServerPrograms(directory) {
            return directory
        }
        throw missing("looked in pg_config --bindir, \(debianRoot)/<version>/bin and PATH")
    }

    private static func hasServerPrograms(_ directory: String) -> Bool {
        serverPrograms.allSatisfy { access("\(directory)/\($0)", X_OK) == 0 }
    }

    private static func missing(_ detail: String) -> PostgresError {
        PostgresError(
            code: .binariesMissing,
            message: "the PostgreSQL server programs (initdb, pg_ctl, postgres) were not found (\(detail)); "
                + "install Debian's `postgresql` package: apt-get install postgresql"
        )
    }
}
