import KaoheTestSupport
import Logging
import Postgres

/// A connection to a fresh database of the shared test cluster, closed after `body`.
func withFreshConnection<R: Sendable>(
    _ label: String = #function,
    _ body: (PostgresConnection) async throws -> R
) async throws -> R {
    let configuration = try await TestCluster.freshDatabase(label)
    let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
    do {
        let value = try await body(connection)
        await connection.close()
        return value
    } catch {
        await connection.close()
        throw error
    }
}

/// A pool on a fresh database of the shared test cluster, closed after `body`.
func withFreshClient<R: Sendable>(
    _ label: String = #function,
    maximumConnections: Int = 4,
    acquireTimeout: Duration = .seconds(10),
    _ body: (PostgresClient) async throws -> R
) async throws -> R {
    let configuration = try await TestCluster.freshDatabase(label)
    var options = PostgresClient.Options()
    options.maximumConnections = maximumConnections
    options.acquireTimeout = acquireTimeout
    let client = PostgresClient(configuration: configuration, options: options, logger: TestCluster.logger())
    do {
        let value = try await body(client)
        await client.close()
        return value
    } catch {
        await client.close()
        throw error
    }
}
