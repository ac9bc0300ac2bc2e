import ArgumentParser
import KaoheHTTP
import Logging
import NIOCore
import Postgres
import ServiceLifecycle

/// Runs kaohed's HTTP application in this process as kaohed runs it — `buildApplication` on
/// 127.0.0.1 with a free port, in one ServiceGroup with the pool — calls `body` with the port once
/// the server listens, then shuts the group down (also when `body` throws). For the benchmarks that
/// measure over real HTTP (`kaohe-bench ingest`, `kaohe-bench monitor`).
func withInProcessServer<Result>(
    client: PostgresClient,
    dependencies: AppDependencies,
    logger: Logger,
    _ body: (_ port: Int) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = buildApplication(
        configuration: HTTPConfiguration(host: "127.0.0.1", port: 0),
        dependencies: dependencies,
        logger: logger,
        onServerRunning: { address in portContinuation.yield(address?.port ?? 0) }
    )
    let group = ServiceGroup(configuration: .init(services: [client, app], logger: logger))
    let server = Task {
        defer { portContinuation.finish() }
        try await group.run()
    }
    var portIterator = ports.makeAsyncIterator()
    guard let port = await portIterator.next(), port > 0 else {
        try await server.value
        throw ValidationError("the HTTP server did not start")
    }
    do {
        let result = try await body(port)
        await group.triggerGracefulShutdown()
        try await server.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        _ = try? await server.value
        throw error
    }
}
