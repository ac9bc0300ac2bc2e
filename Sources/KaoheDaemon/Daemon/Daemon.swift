import Foundation
import Hummingbird
import KaoheHTTP
import KaoheJobs
import KaoheStore
public import Logging
import NIOCore
import Postgres
public import Prometheus
import ServiceLifecycle
import UnixSignals

/// The daemon: opens the database (embedded by default), brings the schema up to date (embedded) or
/// refuses to serve while migrations are pending (external), seeds the demo county into an empty
/// embedded database, then runs the pool, the scheduled jobs and the HTTP app in one ServiceGroup until SIGTERM/SIGINT.
/// On shutdown the app drains in-flight requests, the pool closes, the embedded cluster stops.
public enum Daemon {
    /// Errors that stop the daemon before it serves, each with what to do.
    public struct StartError: Error, CustomStringConvertible {
        /// What is wrong and what to do.
        public var description: String
    }

    /// Runs until a shutdown signal. `announce` receives the line naming the address to open.
    public static func run(
        configuration: DaemonConfiguration,
        logger: Logger,
        metrics: PrometheusCollectorRegistry,
        announce: (@Sendable (String) -> Void)? = nil
    ) async throws {
        let announce = announce ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        let database = try await Database.open(configuration, logger: logger)
        do {
            try await serve(database: database, configuration: configuration, logger: logger, metrics: metrics, announce: announce)
        } catch {
            await database.close(logger: logger)
            throw error
        }
        await database.close(logger: logger)
        logger.info("kaohe stopped")
    }

    static func serve(
        database: Database,
        configuration: DaemonConfiguration,
        logger: Logger,
        metrics: PrometheusCollectorRegistry,
        announce: @escaping @Sendable (String) -> Void
    ) async throws {
        var options = PostgresClient.Options()
        options.maximumConnections = configuration.poolSize
        let client = PostgresClient(configuration: database.configuration, options: options, logger: logger)
        let migrations = try MigrationCatalog.bundled()
        // The composition root: every store once, over the one pool, for the app and the jobs.
        let dashboard = DashboardConfiguration(secureCookies: configuration.http.secureCookies)
        let stores = Stores(client: client, migrations: migrations, sessionPolicy: dashboard.sessions, logger: logger)
        let runner = stores.migrations

        var demoLogins: [String] = []
        if database.cluster != nil {
            try await runner.apply()
            if configuration.demo {
                try await DemoCounty.seedIfEmpty(client: client, logger: logger)
                demoLogins = try await DemoLogins.lines(accounts: stores.accounts)
            }
        } else {
            let status = try await runner.status()
            guard status.isCurrent else {
                await client.close()
                let names = status.pending.map { $0.label }.joined(separator: ", ")
                throw StartError(
                    description:
                        "the database lacks migrations \(names); run `kaohe migrate` with the same database.url, then start kaohed again"
                )
            }
        }

        let loginLines = demoLogins
        let app = buildApplication(
            configuration: configuration.http,
            dependencies: AppDependencies(stores: stores, metrics: metrics, dashboard: dashboard),
            logger: logger,
            onServerRunning: { address in
                let port = address?.port ?? configuration.http.port
                let host = configuration.http.host.contains(":") ? "[\(configuration.http.host)]" : configuration.http.host
                announce("kaohe 已启动 — 请打开 http://\(host):\(port)/  (数据库: \(database.summary))")
                for line in loginLines { announce(line) }
            }
        )
        let jobs = JobRunner(runs: stores.scheduledRuns, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [client, jobs, app],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
