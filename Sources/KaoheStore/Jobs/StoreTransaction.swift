package import Postgres

/// A transaction of the store that work outside it runs in, to commit or roll back together: a
/// scheduled job's work and the run being marked done, all or nothing (`ScheduledRunStore`). The
/// work calls store functions `in` it; it holds no SQL of its own.
public struct StoreTransaction: Sendable {
    /// The connection the transaction runs on (within kaohe's own modules and tests only).
    package let connection: PostgresConnection

    package init(_ connection: PostgresConnection) { self.connection = connection }
}
