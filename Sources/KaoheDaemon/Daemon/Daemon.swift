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
import Synchronization
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
    ///
    /// SIGTERM or SIGINT during start-up (the cluster starting, migrations, the demo county being
    /// seeded) stops the start at the next step and the daemon exits 0 with its cluster stopped;
    /// the demo county is seeded all or nothing (`DemoSeeding`), so nothing half-seeded is left.
    public static func run(
        configuration: DaemonConfiguration,
        logger: Logger,
        metrics: PrometheusCollectorRegistry,
        announce: (@Sendable (String) -> Void)? = nil
    ) async throws {
        let announce = announce ?? { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        let stop = StartupStop()
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let startup = Task { () async throws -> Started in
            var database = try await Database.open(configuration, logger: logger)
            // kaohed owns its embedded cluster: it stops it on exit even when it found it running
            // (left by a kaohed that was killed).
            database.startedCluster = database.cluster != nil
            do {
                try stop.check()
                return try await prepare(database: database, configuration: configuration, logger: logger)
            } catch {
                await database.close(logger: logger)
                throw error
            }
        }
        let watcher = Task {
            for await signal in signals {
                logger.notice("stopping before serving", metadata: ["signal": "\(signal)"])
                stop.request()
                startup.cancel()
                return
            }
        }
        let started: Started
        do {
            started = try await startup.value
        } catch  where stop.requested {
            watcher.cancel()
            logger.info("kaohe stopped before it served")
            return
        }
        watcher.cancel()
        if stop.requested {
            await started.client.close()
            await started.database.close(logger: logger)
            logger.info("kaohe stopped before it served")
            return
        }
        do {
            try await serve(started, configuration: configuration, logger: logger, metrics: metrics, announce: announce)
        } catch {
            await started.database.close(logger: logger)
            throw error
        }
        await started.database.close(logger: logger)
        logger.info("kaohe stopped")
    }

    /// What start-up made ready to serve.
    struct Started: Sendable {
        var database: Database
        /// What the pool connects as: the embedded cluster's `kaohe_app`, or the configured URL.
        var serving: PostgresConfiguration
        var client: PostgresClient
        var stores: Stores
        var dashboard: DashboardConfiguration
        var demoLogins: [String]
    }

    /// Start-up: the demo county (embedded, empty), the migrations (applied when embedded, else
    /// checked), the pool and every store.
    static func prepare(database: Database, configuration: DaemonConfiguration, logger: Logger) async throws -> Started {
        let migrations = try MigrationCatalog.bundled()
        if database.cluster != nil, configuration.demo {
            // All or nothing, before any connection to the main database is open.
            _ = try await DemoSeeding.seedIfEmpty(main: database.configuration, migrations: migrations, logger: logger)
            try Task.checkCancellation()
        }
        // Embedded: the cluster's superuser owns the schema and migrates it; kaohed then serves as
        // `kaohe_app`, a role that owns nothing (ApplicationRole), granted again at every start.
        var serving = database.configuration
        if database.cluster != nil {
            let owner = PostgresClient(configuration: database.configuration, logger: logger)
            do {
                try await MigrationRunner(client: owner, migrations: migrations, logger: logger).apply()
                let role = ApplicationRole(name: ApplicationRole.embeddedName)
                try await role.create(on: owner)
                try await role.grant(on: owner)
            } catch {
                await owner.close()
                throw error
            }
            await owner.close()
            serving = database.configuration.withUser(ApplicationRole.embeddedName)
        }
        serving = serving.withSessionSettings(Stores.sessionSettings)
        var options = PostgresClient.Options()
        options.maximumConnections = configuration.poolSize
        options.acquireTimeout = .seconds(configuration.acquireTimeout)
        options.connectTimeout = .seconds(configuration.connectTimeout)
        let client = PostgresClient(configuration: serving, options: options, logger: logger)
        // The composition root: every store once, over the one pool, for the app and the jobs.
        var sessions = WebSessionPolicy()
        sessions.idleSeconds = configuration.sessionIdleMinutes * 60
        sessions.absoluteSeconds = configuration.sessionLifetimeHours * 3600
        let dashboard = DashboardConfiguration(sessions: sessions, secureCookies: configuration.http.secureCookies)
        let stores = Stores(client: client, migrations: migrations, sessionPolicy: dashboard.sessions, logger: logger)
        do {
            var demoLogins: [String] = []
            if database.cluster != nil {
                if configuration.demo { demoLogins = try await DemoLogins.lines(accounts: stores.accounts) }
            } else {
                try await waitUntilReachable(client, patience: .seconds(configuration.startupWait), logger: logger)
                let status = try await stores.migrations.status()
                guard status.isCurrent else {
                    let names = status.pending.map { $0.label }.joined(separator: ", ")
                    throw StartError(
                        description:
                            "the database lacks migrations \(names); run `kaohe migrate` with the same database.url, then start kaohed again"
                    )
                }
                let missing = try await ApplicationRole.missingPrivileges(on: client)
                guard missing.isEmpty else {
                    throw StartError(
                        description:
                            "kaohed's database role may not use the tables \(missing.joined(separator: ", ")); run `kaohe migrate --app-role <this role>` as the schema's owner, then start kaohed again"
                    )
                }
            }
            return Started(
                database: database,
                serving: serving,
                client: client,
                stores: stores,
                dashboard: dashboard,
                demoLogins: demoLogins
            )
        } catch {
            await client.close()
            throw error
        }
    }

    /// Waits until an external database accepts a connection, trying again every second for up to
    /// `patience`: at boot PostgreSQL may still be starting, or too busy to answer within
    /// `connect_timeout`. Anything but an outage (a wrong password, a missing database) fails at once.
    static func waitUntilReachable(_ client: PostgresClient, patience: Duration, logger: Logger) async throws {
        let deadline = ContinuousClock.now + patience
        var attempts = 0
        while true {
            do {
                try await client.withConnection { _ in }
                if attempts > 0 { logger.notice("the database is reachable; starting", metadata: ["attempts": "\(attempts + 1)"]) }
                return
            } catch let error as PostgresError where error.isTransient && !error.isRefusedByServer && ContinuousClock.now < deadline {
                attempts += 1
                if attempts == 1 {
                    logger.warning(
                        "waiting for the database (database.startup_wait)",
                        metadata: ["error": "\(error)", "patience": "\(patience)"]
                    )
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    static func serve(
        _ started: Started,
        configuration: DaemonConfiguration,
        logger: Logger,
        metrics: PrometheusCollectorRegistry,
        announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let (database, client, stores, dashboard, demoLogins) = (
            started.database, started.client, started.stores, started.dashboard, started.demoLogins
        )
        let loginLines = demoLogins
        let databaseLine = database.summary(servingAs: started.serving)
        let app = buildApplication(
            configuration: configuration.http,
            dependencies: AppDependencies(stores: stores, metrics: metrics, dashboard: dashboard),
            logger: logger,
            onServerRunning: { address in
                let port = address?.port ?? configuration.http.port
                let host = configuration.http.host.contains(":") ? "[\(configuration.http.host)]" : configuration.http.host
                announce("kaohe 已启动 — 请打开 http://\(host):\(port)/  (数据库: \(databaseLine))")
                for line in loginLines { announce(line) }
            }
        )
        let jobs = JobRunner(runs: stores.scheduledRuns, logger: logger)
        // The watchdog first, so that it stops last: the cluster is not restarted while stopping.
        let housekeeping = Housekeeping(
            idempotency: stores.idempotency,
            sessions: stores.sessions,
            registry: stores.registry,
            logger: logger
        )
        var services: [any Service] = [client, jobs, housekeeping, app]
        if let cluster = database.cluster {
            services.insert(ClusterWatchdog(cluster: cluster, metrics: metrics, logger: logger), at: 0)
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // Past the drain deadline the group cancels what is still running: requests and jobs end
        // within moments (their statements cancelled with PQcancel), and the process exits.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.drainTimeout)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}

/// A stop asked for by a signal during start-up.
final class StartupStop: Sendable {
    private let flag = Mutex(false)

    /// Whether a stop was asked for.
    var requested: Bool { flag.withLock { $0 } }

    /// Asks for the stop.
    func request() { flag.withLock { $0 = true } }

    /// Throws `CancellationError` once a stop was asked for.
    func check() throws { if requested { throw CancellationError() } }
}
