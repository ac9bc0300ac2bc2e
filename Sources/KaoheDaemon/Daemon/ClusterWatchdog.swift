import Logging
import Postgres
import Prometheus
import ServiceLifecycle

/// Keeps the embedded cluster running: kaohed owns it, so when its postmaster dies (killed, a
/// PANIC on a full disk whose crash recovery failed) nobody else would start it again. Every
/// second the watchdog checks the postmaster (`EmbeddedCluster.isPostmasterAlive`); when it is
/// gone it logs why it acts and starts the cluster again (`pg_ctl start`: crash recovery), retrying
/// with back-off (1 s doubling to 30 s) while that fails — e.g. until disk space is freed. The pool
/// reconnects by itself; meanwhile requests are answered 503 and `/readyz` says the database is
/// unreachable. `/metrics` shows `kaohe_embedded_postgres_up` (1 or 0) and
/// `kaohe_embedded_postgres_restarts_total`.
struct ClusterWatchdog: Service {
    let cluster: EmbeddedCluster
    let logger: Logger
    let up: Gauge
    let restarts: Counter
    /// How often the postmaster is checked.
    var interval: Duration = .seconds(1)
    /// The longest wait between two failed starts.
    var maximumBackOff: Duration = .seconds(30)

    init(cluster: EmbeddedCluster, metrics: PrometheusCollectorRegistry, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
        up = metrics.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "kaohe",
                subsystem: "embedded_postgres",
                metricName: "up",
                unitName: "",
                helpText: "1 while the embedded PostgreSQL cluster accepts connections, 0 while kaohed restarts it"
            )
        )
        restarts = metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "kaohe",
                subsystem: "embedded_postgres",
                metricName: "restarts",
                unitName: "total",
                helpText: "Times kaohed restarted its embedded PostgreSQL cluster after the postmaster was gone"
            )
        )
        up.set(to: 1.0)
    }

    func run() async throws {
        var backOff = Duration.seconds(1)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            if cluster.isPostmasterAlive {
                backOff = .seconds(1)
                continue
            }
            up.set(to: 0.0)
            logger.error(
                "the embedded PostgreSQL server is gone; starting it again",
                metadata: ["pg.log": "\(cluster.logFile)"]
            )
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    _ = try await cluster.start()
                    restarts.increment()
                    up.set(to: 1.0)
                    logger.notice("the embedded PostgreSQL server is running again")
                    break
                } catch {
                    logger.error(
                        "could not start the embedded PostgreSQL server; trying again",
                        metadata: ["error": "\(error)", "retry.in": "\(backOff)"]
                    )
                    let wait = backOff
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                    backOff = min(backOff * 2, maximumBackOff)
                }
            }
        }
    }
}
