import Foundation
import KaoheDaemon
import KaoheHTTP
import Logging
import Testing

@Suite("Daemon configuration")
struct ConfigurationTests {
    func file(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "kaohe-config-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("defaults: embedded database, 127.0.0.1:8080, pool of 8, info, demo on")
    func defaults() throws {
        let c = try DaemonConfiguration.resolve(flags: [:], environment: ["HOME": "/home/clerk"], configFile: nil)
        #expect(c.isEmbedded)
        #expect(c.http.host == "127.0.0.1")
        #expect(c.http.port == 8080)
        #expect(c.poolSize == 8)
        #expect(c.logLevel == .info)
        #expect(c.demo)
        #expect(c.sources["http.port"] == "default")
        #expect(c.acquireTimeout == 5 && c.connectTimeout == 3 && c.drainTimeout == 20 && c.startupWait == 60)
        #expect(c.sessionIdleMinutes == 120 && c.sessionLifetimeHours == 12)
        if geteuid() == 0 {
            #expect(c.dataDirectory == "/var/lib/kaohe")
        } else {
            #expect(c.dataDirectory == "/home/clerk/.local/share/kaohe")
        }
    }

    @Test("a flag beats the environment, which beats the file")
    func precedence() throws {
        let path = try file(
            #"{"http": {"port": 7001, "host": "0.0.0.0"}, "database": {"pool_size": 3}, "log_level": "debug", "demo": false}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try DaemonConfiguration.resolve(
            flags: ["http.port": "7003"],
            environment: ["KAOHE_HTTP_PORT": "7002", "KAOHE_DATABASE_URL": "postgres://kaohe@db/kaohe"],
            configFile: path
        )
        #expect(c.http.port == 7003)
        #expect(c.sources["http.port"] == "flag")
        #expect(c.http.host == "0.0.0.0")
        #expect(c.sources["http.host"] == "file \(path)")
        #expect(c.poolSize == 3)
        #expect(c.logLevel == .debug)
        #expect(c.demo == false)
        #expect(c.databaseURL == "postgres://kaohe@db/kaohe")
        #expect(c.sources["database.url"] == "environment KAOHE_DATABASE_URL")
        #expect(!c.isEmbedded)
    }

    @Test("KAOHE_CONFIG names the file when --config is absent")
    func configFromEnvironment() throws {
        let path = try file(#"{"http": {"port": 9100}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try DaemonConfiguration.resolve(flags: [:], environment: ["KAOHE_CONFIG": path], configFile: nil)
        #expect(c.http.port == 9100)
    }

    @Test("a bad value names its key, its source and the rule")
    func badValues() throws {
        #expect {
            try DaemonConfiguration.resolve(flags: [:], environment: ["KAOHE_HTTP_PORT": "80a"], configFile: nil)
        } throws: { error in
            let e = error as! ConfigurationError
            return e.key == "http.port" && e.source == "environment KAOHE_HTTP_PORT" && e.message.contains("0 to 65535")
        }
        #expect {
            try DaemonConfiguration.resolve(flags: ["database.pool_size": "0"], environment: [:], configFile: nil)
        } throws: { error in
            (error as! ConfigurationError).key == "database.pool_size"
        }
        #expect {
            try DaemonConfiguration.resolve(flags: ["log_level": "loud"], environment: [:], configFile: nil)
        } throws: { error in
            (error as! ConfigurationError).message.contains("trace, debug, info")
        }
        #expect {
            try DaemonConfiguration.resolve(flags: ["demo": "maybe"], environment: [:], configFile: nil)
        } throws: { error in
            (error as! ConfigurationError).key == "demo"
        }
    }

    @Test("a misspelt key in the file is an error, not a silent default")
    func unknownFileKey() throws {
        let path = try file(#"{"http": {"prot": 9000}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try DaemonConfiguration.resolve(flags: [:], environment: [:], configFile: path)
        } throws: { error in
            let e = error as! ConfigurationError
            return e.key == "http.prot" && e.message.contains("not a kaohe setting")
        }
        let broken = try file("{ not json")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.resolve(flags: [:], environment: [:], configFile: broken)
        }
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.resolve(flags: [:], environment: [:], configFile: "/nonexistent/kaohe.json")
        }
    }

    @Test("the reliability settings are read from the file and the environment, and refused out of range by key")
    func reliabilitySettings() throws {
        let path = try file(
            #"{"http": {"drain_timeout": 7, "session_idle_minutes": 30}, "database": {"acquire_timeout": 2, "startup_wait": 0}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try DaemonConfiguration.resolve(
            flags: [:],
            environment: ["KAOHE_CONFIG": path, "KAOHE_HTTP_SESSION_LIFETIME_HOURS": "24", "KAOHE_DATABASE_CONNECT_TIMEOUT": "10"],
            configFile: nil
        )
        #expect(c.drainTimeout == 7 && c.sessionIdleMinutes == 30 && c.acquireTimeout == 2)
        #expect(c.sessionLifetimeHours == 24 && c.connectTimeout == 10 && c.startupWait == 0)
        #expect {
            try DaemonConfiguration.resolve(flags: [:], environment: ["KAOHE_HTTP_SESSION_IDLE_MINUTES": "1"], configFile: nil)
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.session_idle_minutes"
        }
        #expect {
            try DaemonConfiguration.resolve(flags: [:], environment: ["KAOHE_HTTP_DRAIN_TIMEOUT": "0"], configFile: nil)
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.drain_timeout"
        }
    }
}
