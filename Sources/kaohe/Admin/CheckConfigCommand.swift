import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheHTTP
import Logging
import Postgres

/// `kaohe check-config`: resolves the configuration exactly as kaohed would and prints it.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Show the configuration kaohed would use, where each value came from, and whether it is valid.",
        discussion: "Exits non-zero with the key, its source and the rule when a value is bad. --connect also tries the database."
    )

    @OptionGroup var options: DaemonOptions

    @Flag(help: "Also connect to the configured external database and run SELECT 1.")
    var connect = false

    func run() async throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try options.resolve()
        } catch {
            FileHandle.standardError.write(Data("kaohe check-config: \(error)\n".utf8))
            throw ExitCode(2)
        }
        func line(_ key: String, _ value: String) {
            print(
                "\(key.padding(toLength: 20, withPad: " ", startingAt: 0)) \(value.padding(toLength: 44, withPad: " ", startingAt: 0)) (\(configuration.sources[key] ?? "default"))"
            )
        }
        var database = "embedded cluster in \(configuration.dataDirectory)/postgres"
        if let url = configuration.databaseURL {
            do {
                database = try PostgresConfiguration(url: url).redactedDescription
            } catch {
                FileHandle.standardError.write(Data("kaohe check-config: database.url: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        line("database.url", database)
        line("database.pool_size", String(configuration.poolSize))
        line("http.host", configuration.http.host)
        line("http.port", String(configuration.http.port))
        line("http.secure_cookies", String(configuration.http.secureCookies))
        line("data_directory", configuration.dataDirectory)
        line("log_level", configuration.logLevel.rawValue)
        line("demo", String(configuration.demo))
        if connect, let url = configuration.databaseURL {
            let logger = Logger(label: "kaohe.check-config")
            let client = PostgresClient(configuration: try PostgresConfiguration(url: url), logger: logger)
            do {
                try await client.query("SELECT 1")
                print("database: reachable")
            } catch {
                await client.close()
                FileHandle.standardError.write(Data("kaohe check-config: database not reachable: \(error)\n".utf8))
                throw ExitCode.failure
            }
            await client.close()
        }
        print("configuration OK")
    }
}
