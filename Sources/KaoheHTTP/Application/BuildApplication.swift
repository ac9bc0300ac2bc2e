public import Hummingbird
import KaoheStore
public import Logging
public import NIOCore

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
        // A request HTTP cannot parse gets a problem+json 400 too (MalformedRequestProblem).
        server: .http1(configuration: .init(additionalChannelHandlers: [MalformedRequestProblem()])),
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
///
/// Each controller is handed the stores it uses, from the one set of stores the composition root
/// built (one `FilingStore`, so one `FilingBatcher`, for every route that files).
public func buildRoutes(dependencies: AppDependencies, logger: Logger) -> (router: Router<KaoheRequestContext>, api: APIRoutes) {
    let stores = dependencies.stores
    let router = Router(context: KaoheRequestContext.self)
    let table = RouteTable()
    router.addMiddleware {
        RequestIDMiddleware()
        ProblemMiddleware(routes: table)
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
    }
    HealthController(migrations: stores.migrations, calendars: stores.calendars).register(on: router)
    MetricsController(registry: dependencies.metrics).register(on: router)
    registerDashboard(on: router, stores: stores, configuration: dependencies.dashboard)

    let api = APIRoutes(
        router: router,
        group: router.group("/api/v1").add(middleware: AuthenticationMiddleware(accounts: stores.accounts)),
        table: table
    )
    registerAPI(api, stores: stores)
    return (router, api)
}

/// Every `/api/v1` controller, in one place, each with the stores it uses.
func registerAPI(_ api: APIRoutes, stores: Stores) {
    let idempotency = stores.idempotency
    OpenAPIController().register(on: api)
    WhoAmIController().register(on: api)
    RegistryController(registry: stores.registry).register(on: api)
    CalendarsController(calendars: stores.calendars, idempotency: idempotency).register(on: api)
    CyclesController(cycles: stores.cycles, registry: stores.registry, idempotency: idempotency).register(on: api)
    ExtensionsController(cycles: stores.cycles, registry: stores.registry, idempotency: idempotency).register(on: api)
    CyclePolicyController(policies: stores.policies, grading: stores.grading, idempotency: idempotency).register(on: api)
    CommitteeWeightingController(policies: stores.policies, registry: stores.registry, idempotency: idempotency).register(on: api)
    FilingsController(store: stores.filings, idempotency: idempotency).register(on: api)
    SpotCheckController(store: stores.spotCheck, idempotency: idempotency).register(on: api)
    InterviewsController(filings: stores.filings, spotCheck: stores.spotCheck).register(on: api)
    StaffController(staff: stores.staff, filings: stores.filings, idempotency: idempotency).register(on: api)
    RechecksController(grading: stores.grading, filings: stores.filings, idempotency: idempotency).register(on: api)
    GradingController(grading: stores.grading, filings: stores.filings, idempotency: idempotency).register(on: api)
    GradingInputsController(grading: stores.grading, filings: stores.filings, idempotency: idempotency).register(on: api)
    PublicityController(grading: stores.grading, filings: stores.filings, idempotency: idempotency).register(on: api)
    AppealsController(grading: stores.grading, filings: stores.filings, idempotency: idempotency).register(on: api)
    MonitorController(monitor: stores.monitor, history: stores.history).register(on: api)
}
