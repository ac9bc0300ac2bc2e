/// A notification delivered by `NOTIFY channel, 'payload'` (or `pg_notify`) to a listener.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload (empty when none was given).
    public var payload: String
    /// The server process of the session that sent it.
    public var processID: Int32

    /// Creates a notification (the module builds these from libpq's).
    public init(channel: String, payload: String, processID: Int32) {
        self.channel = channel
        self.payload = payload
        self.processID = processID
    }
}
