import KaoheTestSupport
import Postgres
import Testing

@Suite("LISTEN/NOTIFY")
struct NotificationTests {
    @Test func notifyIsDelivered() async throws {
        try await withFreshClient { client in
            let stream = try await client.listen(channel: "draw_done")
            try await client.notify(channel: "draw_done", payload: "cycle 2025-Q1")
            var iterator = stream.makeAsyncIterator()
            let notification = try #require(try await iterator.next())
            #expect(notification.channel == "draw_done")
            #expect(notification.payload == "cycle 2025-Q1")
            #expect(notification.processID != 0)
        }
    }

    @Test func connectionLevelListen() async throws {
        try await withFreshClient { client in
            let listener = try await PostgresConnection.connect(configuration: client.configuration, logger: TestCluster.logger())
            try await listener.listen("Mixed Case")
            try await client.notify(channel: "Mixed Case", payload: "")
            var received: [PostgresNotification] = []
            for _ in 0..<20 where received.isEmpty {
                received = try await listener.waitForNotifications(timeout: .milliseconds(250))
            }
            #expect(received.map(\.channel) == ["Mixed Case"])
            try await listener.unlisten("Mixed Case")
            await listener.close()
        }
    }

    @Test func listenerReconnectsAfterRestart() async throws {
        let (cluster, configuration) = try await TestCluster.makePrivate()
        let client = PostgresClient(configuration: configuration, logger: TestCluster.logger())
        let stream = try await client.listen(channel: "jobs")
        try await cluster.restart()
        // Notify until the listener is back (notifications sent while it was away are lost).
        let sender = Task {
            while !Task.isCancelled {
                try? await client.notify(channel: "jobs", payload: "wake")
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        var iterator = stream.makeAsyncIterator()
        let notification = try await iterator.next()
        sender.cancel()
        #expect(notification?.payload == "wake")
        await client.close()
        try await cluster.stop()
    }
}
