import Synchronization

/// A transaction that the pool's callers in one task join instead of taking connections of their
/// own (see `PostgresClient.joining(_:_:)`).
final class JoinedTransaction: Sendable {
    let pool: ObjectIdentifier
    let connection: PostgresConnection
    let isOpen = Atomic<Bool>(true)

    init(pool: ObjectIdentifier, connection: PostgresConnection) {
        self.pool = pool
        self.connection = connection
    }
}

extension PostgresClient {
    /// The transaction the current task's calls join, if any.
    @TaskLocal static var joined: JoinedTransaction?

    /// Runs `body` so that every call it makes on this pool — `query`, `execute`,
    /// `withConnection`, `withTransaction` (as a savepoint) — runs on `connection`, inside the
    /// transaction it holds, instead of on a connection of its own.
    ///
    /// This is how one change and its record commit together: the idempotency store opens a
    /// transaction, claims the request's key in it, runs the request's handler joined to it (so
    /// whatever store calls the handler makes write in the same transaction) and stores the
    /// response before COMMIT. A crash at any moment leaves both or neither.
    ///
    /// Use the connection from one task at a time: calls made concurrently from child tasks of
    /// `body` would share it. Unstructured tasks started inside `body` inherit the binding only
    /// while `body` runs; after it returns they get pooled connections again.
    public func joining<R>(
        _ connection: PostgresConnection,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> R
    ) async throws -> R {
        let joined = JoinedTransaction(pool: ObjectIdentifier(self), connection: connection)
        defer { joined.isOpen.store(false, ordering: .releasing) }
        return try await Self.$joined.withValue(joined) { try await body() }
    }

    /// The connection of the transaction the current task joined on this pool, or nil.
    public var joinedConnection: PostgresConnection? {
        guard let joined = Self.joined, joined.pool == ObjectIdentifier(self), joined.isOpen.load(ordering: .acquiring) else {
            return nil
        }
        return joined.connection
    }
}
