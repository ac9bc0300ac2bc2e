public import ArgumentParser
import Foundation

/// The configuration flags shared by `kaohed` and the `kaohe` commands that touch the database.
/// A flag overrides the environment, which overrides the configuration file.
public struct DaemonOptions: ParsableArguments, Sendable {
    /// JSON configuration file (also `KAOHE_CONFIG`).
    @Option(name: .customLong("config"), help: "JSON configuration file (also KAOHE_CONFIG).")
    public var configFile: String?

    /// `database.url`.
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL or conninfo (KAOHE_DATABASE_URL). Unset: the embedded cluster.")
    public var databaseURL: String?

    /// `database.pool_size`.
    @Option(name: .customLong("pool-size"), help: "Connections in the pool (KAOHE_DATABASE_POOL_SIZE, default 8).")
    public var poolSize: String?

    /// `http.host`.
    @Option(name: .customLong("host"), help: "Address to listen on (KAOHE_HTTP_HOST, default 127.0.0.1).")
    public var host: String?

    /// `http.port`.
    @Option(name: .customLong("port"), help: "Port to listen on, 0 for any free one (KAOHE_HTTP_PORT, default 8080).")
    public var port: String?

    /// `data_directory`.
    @Option(
        name: .customLong("data-directory"),
        help: "Where the embedded cluster lives (KAOHE_DATA_DIRECTORY; default ~/.local/share/kaohe, /var/lib/kaohe for root)."
    )
    public var dataDirectory: String?

    /// `http.secure_cookies`.
    @Option(
        name: .customLong("secure-cookies"),
        help:
            "Always mark the dashboard's session cookie Secure: true or false (KAOHE_HTTP_SECURE_COOKIES, default false: Secure only behind X-Forwarded-Proto: https)."
    )
    public var secureCookies: String?

    /// `log_level`.
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (KAOHE_LOG_LEVEL, default info).")
    public var logLevel: String?

    /// `demo`.
    @Option(
        name: .customLong("demo"),
        help: "Seed the demo county into an empty embedded database: true or false (KAOHE_DEMO, default true)."
    )
    public var demo: String?

    /// ArgumentParser's initialiser.
    public init() {}

    /// Resolves flags, this process's environment and the file into the configuration, or a clear error.
    public func resolve() throws -> DaemonConfiguration {
        try resolve(environment: ProcessInfo.processInfo.environment)
    }

    /// Resolves flags, the given environment and the file into the configuration, or a clear error.
    public func resolve(environment: [String: String]) throws -> DaemonConfiguration {
        var flags: [String: String] = [:]
        flags["database.url"] = databaseURL
        flags["database.pool_size"] = poolSize
        flags["http.host"] = host
        flags["http.port"] = port
        flags["data_directory"] = dataDirectory
        flags["log_level"] = logLevel
        flags["demo"] = demo
        flags["http.secure_cookies"] = secureCookies
        do {
            return try DaemonConfiguration.resolve(flags: flags, environment: environment, configFile: configFile)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
