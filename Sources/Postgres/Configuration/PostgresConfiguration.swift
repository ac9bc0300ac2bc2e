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

    /// The same, with server settings made for every session it opens (libpq's `options`,
    /// `-c name=value` each), placed before any `options` already given so that those win: an
    /// operator's `?options=-c%20jit%3Don` in the URL still overrides a default set here. Names
    /// and values are plain words (letters, digits, `_`, `.`, `-`); anything else is a programming
    /// error.
    public func withSessionSettings(_ settings: [String: String]) -> PostgresConfiguration {
        func plain(_ text: String) -> Bool {
            !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "." || $0 == "-" }
        }
        precondition(settings.allSatisfy { plain($0.key) && plain($0.value) }, "session settings must be plain words")
        guard !settings.isEmpty else { return self }
        var copy = self
        let ours = settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }.joined(separator: " ")
        copy.parameters["options"] = [ours, parameters["options"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
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
