import Foundation
public import KaoheHTTP
import KaoheRules
public import Logging

/// Everything the daemon (and the CLI that shares its configuration) reads at start.
///
/// Each key is looked up in order: a command-line flag, then the environment variable, then the JSON
/// configuration file (`--config` / `KAOHE_CONFIG`), then the default. See docs/operations.md, "Configuration".
public struct DaemonConfiguration: Sendable {
    /// `database.url` / `KAOHE_DATABASE_URL`: a libpq URL or conninfo. Absent: the embedded default —
    /// kaohe runs a private PostgreSQL cluster in `dataDirectory/postgres`.
    public var databaseURL: String?
    /// `database.pool_size` / `KAOHE_DATABASE_POOL_SIZE`: connections in the pool (default 8, 1…200).
    public var poolSize: Int
    /// `database.acquire_timeout` / `KAOHE_DATABASE_ACQUIRE_TIMEOUT`: seconds a request waits for a
    /// pooled connection before it is answered 503 (default 5, 1…120).
    public var acquireTimeout: Int
    /// `http.drain_timeout` / `KAOHE_HTTP_DRAIN_TIMEOUT`: seconds SIGTERM waits for in-flight
    /// requests before it cancels them (their statements with `PQcancel`, their transactions rolled
    /// back) and the daemon exits (default 20, 1…600; keep it under the unit's `TimeoutStopSec`).
    public var drainTimeout: Int
    /// `http.session_idle_minutes` / `KAOHE_HTTP_SESSION_IDLE_MINUTES`: a dashboard session unused
    /// this long ends (default 120, 5…1440).
    public var sessionIdleMinutes: Int
    /// `http.session_lifetime_hours` / `KAOHE_HTTP_SESSION_LIFETIME_HOURS`: a dashboard session ends
    /// this long after login, however busy (default 12, 1…72).
    public var sessionLifetimeHours: Int
    /// `database.connect_timeout` / `KAOHE_DATABASE_CONNECT_TIMEOUT`: seconds one connection attempt
    /// may take (libpq's connect_timeout; default 3, 2…60).
    public var connectTimeout: Int
    /// `database.startup_wait` / `KAOHE_DATABASE_STARTUP_WAIT`: seconds kaohed keeps trying an
    /// external database that is not reachable yet when it starts (a server still starting, or
    /// too busy to accept in `connect_timeout`) before it gives up (default 60, 0…600).
    public var startupWait: Int
    /// `http.host`, `http.port` / `KAOHE_HTTP_HOST`, `KAOHE_HTTP_PORT`: where to listen (127.0.0.1:8080).
    public var http: HTTPConfiguration
    /// `data_directory` / `KAOHE_DATA_DIRECTORY`: where the embedded cluster lives. Default
    /// `$XDG_DATA_HOME/kaohe` or `~/.local/share/kaohe`; `/var/lib/kaohe` for root, whose home the
    /// `postgres` user that runs the cluster cannot enter.
    public var dataDirectory: String
    /// `log_level` / `KAOHE_LOG_LEVEL`: trace, debug, info (default), notice, warning, error, critical.
    public var logLevel: Logger.Level
    /// `demo` / `KAOHE_DEMO`: seed the demo county into an empty embedded database (default true).
    public var demo: Bool
    /// Where each value came from (`flag`, `environment KAOHE_…`, `file …`, `default`), for `check-config`.
    public var sources: [String: String]

    /// True when no database is configured and kaohe runs its own cluster.
    public var isEmbedded: Bool { databaseURL == nil }
}

/// A configuration value that cannot be used: names the key, where it came from and the rule.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The configuration key (`http.port`).
    public var key: String
    /// Where the bad value came from.
    public var source: String
    /// What is wrong and what is allowed.
    public var message: String

    public var description: String { "configuration \(key) (from \(source)): \(message)" }
}

extension DaemonConfiguration {
    /// A key, its environment variable and its place in the JSON file.
    struct Key {
        var name: String
        var environment: String
        var path: [String]
    }

    static let keys: [String: Key] = [
        "database.url": Key(name: "database.url", environment: "KAOHE_DATABASE_URL", path: ["database", "url"]),
        "database.pool_size": Key(name: "database.pool_size", environment: "KAOHE_DATABASE_POOL_SIZE", path: ["database", "pool_size"]),
        "database.acquire_timeout": Key(
            name: "database.acquire_timeout",
            environment: "KAOHE_DATABASE_ACQUIRE_TIMEOUT",
            path: ["database", "acquire_timeout"]
        ),
        "database.connect_timeout": Key(
            name: "database.connect_timeout",
            environment: "KAOHE_DATABASE_CONNECT_TIMEOUT",
            path: ["database", "connect_timeout"]
        ),
        "database.startup_wait": Key(
            name: "database.startup_wait",
            environment: "KAOHE_DATABASE_STARTUP_WAIT",
            path: ["database", "startup_wait"]
        ),
        "http.host": Key(name: "http.host", environment: "KAOHE_HTTP_HOST", path: ["http", "host"]),
        "http.port": Key(name: "http.port", environment: "KAOHE_HTTP_PORT", path: ["http", "port"]),
        "http.drain_timeout": Key(name: "http.drain_timeout", environment: "KAOHE_HTTP_DRAIN_TIMEOUT", path: ["http", "drain_timeout"]),
        "http.session_idle_minutes": Key(
            name: "http.session_idle_minutes",
            environment: "KAOHE_HTTP_SESSION_IDLE_MINUTES",
            path: ["http", "session_idle_minutes"]
        ),
        "http.session_lifetime_hours": Key(
            name: "http.session_lifetime_hours",
            environment: "KAOHE_HTTP_SESSION_LIFETIME_HOURS",
            path: ["http", "session_lifetime_hours"]
        ),
        "http.secure_cookies": Key(
            name: "http.secure_cookies",
            environment: "KAOHE_HTTP_SECURE_COOKIES",
            path: ["http", "secure_cookies"]
        ),
        "data_directory": Key(name: "data_directory", environment: "KAOHE_DATA_DIRECTORY", path: ["data_directory"]),
        "log_level": Key(name: "log_level", environment: "KAOHE_LOG_LEVEL", path: ["log_level"]),
        "demo": Key(name: "demo", environment: "KAOHE_DEMO", path: ["demo"]),
    ]

    /// Resolves the configuration from flags (keyed by configuration key), the environment and the
    /// optional JSON file. Every bad value is an error naming its key and source; unknown keys in the
    /// file are errors too (a misspelt key must not silently fall back to a default).
    public static func resolve(
        flags: [String: String],
        environment: [String: String],
        configFile: String?
    ) throws(ConfigurationError) -> DaemonConfiguration {
        let filePath = configFile ?? environment["KAOHE_CONFIG"]
        let file = try filePath.map { path throws(ConfigurationError) in try loadFile(path) } ?? [:]

        var sources: [String: String] = [:]
        func lookup(_ name: String) -> (value: String, source: String)? {
            let key = keys[name]!
            if let value = flags[name] { return (value, "flag") }
            if let value = environment[key.environment], !value.isEmpty { return (value, "environment \(key.environment)") }
            if let value = file[name] { return (value, "file \(filePath ?? "")") }
            return nil
        }
        func string(_ name: String) -> String? {
            guard let (value, source) = lookup(name) else {
                sources[name] = "default"
                return nil
            }
            sources[name] = source
            return value
        }
        func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let (text, source) = lookup(name) else {
                sources[name] = "default"
                return value
            }
            sources[name] = source
            guard let number = Int(text.trimmingBlanks()), range.contains(number) else {
                throw ConfigurationError(
                    key: name,
                    source: source,
                    message: "\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)"
                )
            }
            return number
        }
        func bool(_ name: String, default value: Bool) throws(ConfigurationError) -> Bool {
            guard let (text, source) = lookup(name) else {
                sources[name] = "default"
                return value
            }
            sources[name] = source
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError(key: name, source: source, message: "\"\(text)\" is not true or false")
            }
        }

        let url = string("database.url")
        let poolSize = try int("database.pool_size", default: 8, range: 1...200)
        let acquireTimeout = try int("database.acquire_timeout", default: 5, range: 1...120)
        let connectTimeout = try int("database.connect_timeout", default: 3, range: 2...60)
        let startupWait = try int("database.startup_wait", default: 60, range: 0...600)
        let host = string("http.host") ?? "127.0.0.1"
        let port = try int("http.port", default: 8080, range: 0...65535)
        let dataDirectory = string("data_directory") ?? defaultDataDirectory(environment: environment)
        let levelText = string("log_level") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ConfigurationError(
                key: "log_level",
                source: sources["log_level"] ?? "default",
                message: "\"\(levelText)\" is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
        let demo = try bool("demo", default: true)
        let secureCookies = try bool("http.secure_cookies", default: false)
        let drainTimeout = try int("http.drain_timeout", default: 20, range: 1...600)
        let sessionIdleMinutes = try int("http.session_idle_minutes", default: 120, range: 5...1440)
        let sessionLifetimeHours = try int("http.session_lifetime_hours", default: 12, range: 1...72)
        if let url, url.trimmingBlanks().isEmpty {
            throw ConfigurationError(
                key: "database.url",
                source: sources["database.url"] ?? "",
                message: "is empty; leave it unset for the embedded database"
            )
        }
        return DaemonConfiguration(
            databaseURL: url,
            poolSize: poolSize,
            acquireTimeout: acquireTimeout,
            drainTimeout: drainTimeout,
            sessionIdleMinutes: sessionIdleMinutes,
            sessionLifetimeHours: sessionLifetimeHours,
            connectTimeout: connectTimeout,
            startupWait: startupWait,
            http: HTTPConfiguration(host: host, port: port, secureCookies: secureCookies),
            dataDirectory: dataDirectory,
            logLevel: level,
            demo: demo,
            sources: sources
        )
    }

    /// The default data directory for this user.
    public static func defaultDataDirectory(environment: [String: String]) -> String {
        if geteuid() == 0 { return "/var/lib/kaohe" }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/kaohe" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/kaohe"
    }

    /// Reads the JSON file into dotted keys. Values may be strings, numbers or booleans.
    static func loadFile(_ filePath: String) throws(ConfigurationError) -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: filePath)) } catch {
            throw ConfigurationError(key: "config", source: filePath, message: "cannot read the file: \(error.localizedDescription)")
        }
        let root: ConfigFileValue
        do { root = try JSONDecoder().decode(ConfigFileValue.self, from: data) } catch {
            throw ConfigurationError(key: "config", source: filePath, message: "is not valid JSON")
        }
        guard case .object = root else {
            throw ConfigurationError(key: "config", source: filePath, message: "must be a JSON object")
        }
        var values: [String: String] = [:]
        func walk(_ node: ConfigFileValue, prefix: [String]) throws(ConfigurationError) {
            if case .object(let children) = node {
                for (name, child) in children { try walk(child, prefix: prefix + [name]) }
                return
            }
            let dotted = prefix.joined(separator: ".")
            guard let key = keys.values.first(where: { $0.path == prefix }) else {
                let known = keys.keys.sorted().joined(separator: ", ")
                throw ConfigurationError(key: dotted, source: "file \(filePath)", message: "is not a kaohe setting (known: \(known))")
            }
            guard let text = node.scalarText else {
                throw ConfigurationError(key: key.name, source: "file \(filePath)", message: "must be a string, number or boolean")
            }
            values[key.name] = text
        }
        try walk(root, prefix: [])
        return values
    }
}

/// A JSON value of the configuration file.
enum ConfigFileValue: Decodable {
    case object([String: ConfigFileValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: ConfigFileValue].self) {
            self = .object(value)
        } else {
            self = .other
        }
    }

    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .object, .other: nil
        }
    }
}
