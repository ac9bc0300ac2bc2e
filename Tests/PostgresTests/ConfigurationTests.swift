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

extension PostgresConfiguration {
    fileprivate func withPort(_ port: String?) -> PostgresConfiguration {
        var copy = self
        copy.parameters["port"] = port
        return copy
    }
}
