import Logging
import Synchronization

extension PostgresClient {
    /// Notifications on `channel`, from a dedicated connection outside the pool.
    ///
    /// The listener reconnects and LISTENs again after the server restarts or the connection
    /// breaks; notifications sent while it was disconnected are lost, so treat them as hints to
    /// look at the database, not as the data itself. The stream ends when the pool closes or the
    /// consumer stops iterating. LISTEN may not be active yet when this returns; use
    /// `listen(channel:)` to wait until it is.
    public func notifications(channel: String) -> AsyncThrowingStream<PostgresNotification, any Error> {
        makeListener(channel: channel, ready: nil)
    }

    /// Like `notifications(channel:)`, but returns only once LISTEN is active, so a NOTIFY sent
    /// after this returns is delivered. Throws if the first connection cannot be made within
    /// the acquire timeout.
    public func listen(channel: String) async throws -> AsyncThrowingStream<PostgresNotification, any Error> {
        let (readyStream, readyContinuation) = AsyncStream<Result<Void, any Error>>.makeStream()
        let stream = makeListener(channel: channel, ready: readyContinuation)
        for await outcome in readyStream {
            try outcome.get()
            return stream
        }
        throw Self.closedError()
    }

    private func makeListener(
        channel: String,
        ready: AsyncStream<Result<Void, any Error>>.Continuation?
    ) -> AsyncThrowingStream<PostgresNotification, any Error> {
        let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>.makeStream()
        let registered: Int? = state.withLock { state in
            guard !state.isClosed else { return nil }
            state.nextListenerID += 1
            return state.nextListenerID
        }
        guard let id = registered else {
            continuation.finish()
            ready?.yield(.failure(Self.closedError()))
            ready?.finish()
            return stream
        }
        let task = Task { [self] in
            await listenLoop(channel: channel, continuation: continuation, ready: ready)
            _ = state.withLock { $0.listeners.removeValue(forKey: id) }
        }
        let stillOpen = state.withLock { state in
            guard !state.isClosed else { return false }
            state.listeners[id] = task
            return true
        }
        if !stillOpen { task.cancel() }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func listenLoop(
        channel: String,
        continuation: AsyncThrowingStream<PostgresNotification, any Error>.Continuation,
        ready: AsyncStream<Result<Void, any Error>>.Continuation?
    ) async {
        var ready = ready
        var delay = Duration.milliseconds(100)
        let firstDeadline = ContinuousClock.now + options.acquireTimeout
        var logger = self.logger
        logger[metadataKey: "pg.channel"] = "\(channel)"
        while !Task.isCancelled {
            var connection: PostgresConnection?
            do {
                let opened = try await PostgresConnection.connect(
                    configuration: configuration,
                    connectTimeout: options.connectTimeout,
                    logger: logger
                )
                connection = opened
                try await opened.listen(channel)
                ready?.yield(.success(()))
                ready?.finish()
                ready = nil
                delay = .milliseconds(100)
                while !Task.isCancelled {
                    // A short wait, so cancellation is noticed quickly.
                    for notification in try await opened.waitForNotifications(timeout: .milliseconds(250)) {
                        continuation.yield(notification)
                    }
                }
            } catch {
                if Task.isCancelled { break }
                if let pending = ready, ContinuousClock.now + delay >= firstDeadline {
                    pending.yield(.failure(error))
                    pending.finish()
                    ready = nil
                }
                logger.warning("notification listener lost its connection; reconnecting", metadata: ["error": "\(error)"])
            }
            if let connection { await connection.close() }
            if Task.isCancelled { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        ready?.yield(.failure(CancellationError()))
        ready?.finish()
        continuation.finish()
    }
}
