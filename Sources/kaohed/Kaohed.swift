import ArgumentParser
import Foundation
import KaoheDaemon
import Logging

/// `kaohed`: the assessment daemon. With no database configured it runs its own PostgreSQL cluster
/// and a demo county, and prints the address to open.
@main
struct Kaohed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaohed",
        abstract: "kaohe (考核) daemon — serves the county assessment office.",
        discussion: """
            Every setting comes from a flag, else its KAOHE_* environment variable, else the JSON file \
            given by --config / KAOHE_CONFIG, else its default. With no database URL, kaohed starts a \
            private PostgreSQL cluster in the data directory (as the `postgres` user when run as root), \
            applies the migrations and seeds a demo county. SIGTERM or SIGINT shut it down cleanly.
            """,
        version: KaoheVersion.current
    )

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let configuration = try options.resolve()
        let metrics = Bootstrap.process(logLevel: configuration.logLevel)
        let logger = Logger(label: "kaohed")
        do {
            try await Daemon.run(configuration: configuration, logger: logger, metrics: metrics)
        } catch {
            logger.critical("kaohed cannot serve", metadata: ["error": "\(error)"])
            FileHandle.standardError.write(Data("kaohed: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
