/// Where and how to connect: libpq connection keywords (`host`, `port`, `user`, `password`,
/// `dbname`, `sslmode`, …), handed to `PQconnectdbParams` as they are, never spliced into a string.
public struct PostgresConfiguration: Sendable, Hashable {
    /// libpq connection keywords and their values.
    public var parameters: [String: String]

    /// Uses the given libpq keywords.
    public init(parameters: [String: String]) {
        self.parameters = parameters
    }

    /// Parses a `postgres://` / `postgresql://` URI or a `key=value …` conninfo string with libpq's
    /// own parser (`PQconninfoParse`). Throws `.invalidConfiguration` saying what is wrong.
    public init(url: String) throws {
        if url.isEmpty {
            throw PostgresError(code: .invalidConfiguration, message: "the database URL is empty")
        }
        self.parameters = try LibPQ.parseConnectionString(url)
    }

    /// A server reached over a unix socket in `directory` (the socket file is
    /// `<directory>/.s.PGSQL.<port>`).
    public static func unixSocket(directory: String, port: Int = 5432, user: String, database: String) -> PostgresConfiguration {
        PostgresConfiguration(parameters: ["host": directory, "port": String(port), "user": user, "dbname": database])
    }

    /// The same server and credentials, another database.
    public func withDatabase(_ name: String) -> PostgresConfiguration {
        var copy = self
        copy.parameters["dbname"] = name
        return copy
    }

    /// The same server and database, as another role (`user`), without the password.
    public func withUser(_ name: String) -> PostgresConfiguration {
        var copy = self
        copy.parameters["user"] = name
        copy.parameters["password"] = nil
        return copy
    }

    /// The database name, if set.
    public var database: String? { parameters["dbname"] }

    /// The parameters as `key=value` pairs, sorted, with the password shown as `***`: safe to log.
    public var redactedDescription: String {
        parameters.keys.sorted().map { key in
            let value = key == "password" ? "***" : parameters[key]!
            return "\(key)=\(value)"
        }.joined(separator: " ")
    }
}
