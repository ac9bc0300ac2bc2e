import KaoheTestSupport
import Postgres
import Testing

@Suite("PostgresConfiguration")
struct ConfigurationTests {
    @Test func parsesURL() throws {
        let configuration = try PostgresConfiguration(url: "postgres://kaohe:p%40ss@db.example:6543/assess?sslmode=require")
        #expect(configuration.parameters["host"] == "db.example")
        #expect(configuration.parameters["port"] == "6543")
        #expect(configuration.parameters["user"] == "kaohe")
        #expect(configuration.parameters["password"] == "p@ss")
        #expect(configuration.parameters["dbname"] == "assess")
        #expect(configuration.parameters["sslmode"] == "require")
        #expect(configuration.redactedDescription == "dbname=assess host=db.example password=*** port=6543 sslmode=require user=kaohe")
    }

    @Test func parsesKeyValuesAndUnixSockets() throws {
        let configuration = try PostgresConfiguration(url: "host=/var/run/postgresql dbname=kaohe user=office")
        #expect(configuration == .unixSocket(directory: "/var/run/postgresql", user: "office", database: "kaohe").withPort(nil))
        let socket = PostgresConfiguration.unixSocket(directory: "/tmp/x", port: 5433, user: "u", database: "a")
        #expect(socket.withDatabase("b").parameters["dbname"] == "b")
        #expect(socket.parameters["port"] == "5433")
    }

    @Test func rejectsNonsense() {
        let error = #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "postgres://host/db?nonsense_option=1") }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message?.contains("nonsense_option") == true)
        #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "") }
    }
}

@Suite("Session settings")
struct SessionSettingsTests {
    @Test("settings go to libpq's options, before the operator's own, which so win")
    func options() throws {
        let plain = PostgresConfiguration.unixSocket(directory: "/tmp/x", user: "u", database: "d")
        #expect(
            plain.withSessionSettings(["jit": "off", "plan_cache_mode": "force_custom_plan"]).parameters["options"]
                == "-c jit=off -c plan_cache_mode=force_custom_plan"
        )
        let operators = try PostgresConfiguration(url: "postgres://u@h/d?options=-c%20jit%3Don")
        #expect(operators.withSessionSettings(["jit": "off"]).parameters["options"] == "-c jit=off -c jit=on")
        #expect(plain.withSessionSettings([:]) == plain)
    }

    @Test("a session opened with them has them; an operator's option for the same setting wins")
    func live() async throws {
        let fresh = try await TestCluster.freshDatabase("session-settings")
        func show(_ configuration: PostgresConfiguration, _ name: String) async throws -> String {
            let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
            defer { Task { await connection.close() } }
            return try await connection.query(PostgresQuery(unsafeSQL: "SHOW \(name)")).one().decode(String.self, column: name)
        }
        #expect(try await show(fresh, "plan_cache_mode") == "auto")
        let ours = fresh.withSessionSettings(["jit": "off", "plan_cache_mode": "force_custom_plan"])
        #expect(try await show(ours, "plan_cache_mode") == "force_custom_plan")
        #expect(try await show(ours, "jit") == "off")
        var operators = fresh
        operators.parameters["options"] = "-c plan_cache_mode=force_generic_plan"
        #expect(
            try await show(operators.withSessionSettings(["plan_cache_mode": "force_custom_plan"]), "plan_cache_mode")
                == "force_generic_plan"
        )
    }
}

extension PostgresConfiguration {
    fileprivate func withPort(_ port: String?) -> PostgresConfiguration {
        var copy = self
        copy.parameters["port"] = port
        return copy
    }
}
