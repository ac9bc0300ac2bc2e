public import Hummingbird
public import Logging
public import NIOCore
import KaoheStore

/// Builds the HTTP application: routes, middleware, error mapping. The daemon runs it in its
/// ServiceGroup after the pool; tests run it against a real cluster.
///
/// - Parameter onServerRunning: called with the bound address once the server listens (the daemon
///   prints it; tests read the port from it).
public func buildApplication(
    configuration: HTTPConfiguration,
    dependencies: AppDependencies,
    logger: Logger,
    onServerRunning: @escaping @Sendable (SocketAddress?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies, logger: logger)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "kaohe"
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress) },
        logger: logger
    )
}

/// The router alone, for tests that drive it without a socket.
public func buildRouter(dependencies: AppDependencies, logger: Logger) -> Router<KaoheRequestContext> {
    buildRoutes(dependencies: dependencies, logger: logger).router
}

/// The router and the table of its `/api/v1` routes (for the OpenAPI check).
public func buildRoutes(dependencies: AppDependencies, logger: Logger) -> (router: Router<KaoheRequestContext>, api: APIRoutes) {
    let router = Router(context: KaoheRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        ProblemMiddleware()
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
    }
    HealthController(dependencies: dependencies).register(on: router)
    MetricsController(registry: dependencies.metrics).register(on: router)
    registerDashboard(on: router, dependencies: dependencies)

    let api = APIRoutes(
        router: router,
        group: router.group("/api/v1").add(middleware: AuthenticationMiddleware(accounts: AccountStore(client: dependencies.client)))
    )
    registerAPI(api, dependencies: dependencies)
    return (router, api)
}

/// Every `/api/v1` controller, in one place.
func registerAPI(_ api: APIRoutes, dependencies: AppDependencies) {
    OpenAPIController().register(on: api)
    WhoAmIController().register(on: api)
    RegistryController(dependencies: dependencies).register(on: api)
    CyclesController(dependencies: dependencies).register(on: api)
    FilingsController(dependencies: dependencies).register(on: api)
    SpotCheckController(dependencies: dependencies).register(on: api)
    GradingController(dependencies: dependencies).register(on: api)
    GradingInputsController(dependencies: dependencies).register(on: api)
    MonitorExportController(dependencies: dependencies).register(on: api)
}
