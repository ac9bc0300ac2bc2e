public import KaoheStore
public import Logging
public import Postgres
public import Prometheus

/// What the HTTP application needs from the daemon: passed down, never looked up globally.
public struct AppDependencies: Sendable {
    /// Every store, built once over the pool (the daemon shares them with its jobs).
    public var stores: Stores
    /// The registry `/metrics` renders.
    public var metrics: PrometheusCollectorRegistry
    /// The web dashboard's templates and session rules.
    public var dashboard: DashboardConfiguration

    /// Bundles the dependencies; `stores` must use `dashboard.sessions` as their session policy.
    public init(stores: Stores, metrics: PrometheusCollectorRegistry, dashboard: DashboardConfiguration = .init()) {
        self.stores = stores
        self.metrics = metrics
        self.dashboard = dashboard
    }

    /// The dependencies with stores built here on `client`, expecting `migrations` (for `/readyz`),
    /// with `clock` as the stores' "today".
    public init(
        client: PostgresClient,
        migrations: [Migration],
        metrics: PrometheusCollectorRegistry,
        dashboard: DashboardConfiguration = .init(),
        clock: StoreClock = .database,
        logger: Logger = Logger(label: "kaohe.http")
    ) {
        let stores = Stores(client: client, migrations: migrations, sessionPolicy: dashboard.sessions, clock: clock, logger: logger)
        self.init(stores: stores, metrics: metrics, dashboard: dashboard)
    }
}

/// Where the HTTP server listens.
public struct HTTPConfiguration: Sendable, Hashable {
    /// Address to bind (default `127.0.0.1`: put a reverse proxy in front for other hosts).
    public var host: String
    /// TCP port (default 8080; 0 picks a free one, printed at start).
    public var port: Int
    /// Mark the dashboard's session cookie `Secure` on every response (kaohed is reached over HTTPS
    /// only); without it the cookie is `Secure` when the proxy says `X-Forwarded-Proto: https`.
    public var secureCookies: Bool

    /// Defaults: 127.0.0.1:8080, `Secure` cookies only behind TLS.
    public init(host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
    }
}
