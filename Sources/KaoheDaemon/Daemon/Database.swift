public import Logging
public import Postgres

/// The database the daemon and the CLI work on: an external one from `database.url`, or the
/// embedded default — a private PostgreSQL cluster in `data_directory/postgres`, started on demand.
public struct Database: Sendable {
    /// How to connect.
    public var configuration: PostgresConfiguration
    /// The embedded cluster, when kaohe runs its own; nil for an external database.
    public var cluster: EmbeddedCluster?
    /// Whether this process started the embedded cluster (and so stops it in `close`). A `kaohe`
    /// command run beside a serving kaohed finds the cluster running and leaves it so.
    public var startedCluster = false

    /// Opens the configured database, initialising and starting the embedded cluster when no URL is set.
    public static func open(_ configuration: DaemonConfiguration, logger: Logger) async throws -> Database {
        if let url = configuration.databaseURL {
            return Database(configuration: try PostgresConfiguration(url: url), cluster: nil)
        }
        // JIT off for anyone connecting (kaohed sets it per session too, see `Stores.sessionSettings`).
        var settings = EmbeddedCluster.Configuration(dataDirectory: configuration.dataDirectory + "/postgres")
        settings.serverSettings = ["jit": "off"]
        let cluster = EmbeddedCluster(configuration: settings, logger: logger)
        let (postgres, started) = try await cluster.startIfNeeded()
        return Database(configuration: postgres, cluster: cluster, startedCluster: started)
    }

    /// A human description for `check-config` (password redacted).
    public var summary: String { summary(servingAs: configuration) }

    /// The start-up line's description of the database as the daemon serves it: embedded, kaohed
    /// connects as `kaohe_app`, not as the cluster's owner that migrated it.
    public func summary(servingAs serving: PostgresConfiguration) -> String {
        if cluster != nil { return "内置 embedded (\(serving.redactedDescription))" }
        return serving.redactedDescription
    }

    /// Stops the embedded cluster if this process started it (nothing for an external database).
    public func close(logger: Logger) async {
        guard let cluster, startedCluster else { return }
        do { try await cluster.stop() } catch {
            logger.error("could not stop the embedded PostgreSQL cluster", metadata: ["error": "\(error)"])
        }
    }
}
