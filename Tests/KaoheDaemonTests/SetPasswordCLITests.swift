import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// `kaohe account set-password`, run as the built binary with the password on standard input.
@Suite struct SetPasswordCLITests {
    let logger = TestCluster.logger("test.set-password")

    /// Runs `kaohe account set-password … --database-url …` with `PASSWORD\n` on standard input.
    func setPassword(
        _ database: PostgresConfiguration,
        _ password: String,
        _ arguments: [String]
    ) async throws -> (status: Int32, out: String, err: String) {
        let process = try DaemonProcess(
            "kaohe",
            ["account", "set-password"] + arguments + ["--database-url", database.conninfo, "--log-level", "warning"],
            input: Data((password + "\n").utf8)
        )
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.standardOutput, process.standardError)
    }

    @Test func setsAWebPasswordFromStandardInputAndRefusesAShortOne() async throws {
        let database = try await TestCluster.freshDatabase(#function)
        let client = PostgresClient(configuration: database, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        try await RegistryStore(client: client).createCounty(County(code: "990102", name: "某县"), actor: "test")
        _ = try await AccountStore(client: client).create(Principal(county: "990102", account: "zhang", role: .office), displayName: "张伟")
        let account = ["--county", "990102", "--account", "zhang"]

        let short = try await setPassword(database, "short", account + ["--password-stdin"])
        #expect(short.status == 1)
        #expect(short.err.contains("at least 10 characters"))
        let noFlag = try await setPassword(database, "long enough password", account)
        #expect(noFlag.status != 0)
        #expect(noFlag.err.contains("--password-stdin"))
        let unknown = try await setPassword(
            database,
            "long enough password",
            ["--county", "990102", "--account", "nobody", "--password-stdin"]
        )
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("nobody"))

        let ok = try await setPassword(database, "long enough password", account + ["--password-stdin"])
        #expect(ok.status == 0, "\(ok.err)")
        let hash = try await client.query("SELECT password_hash FROM accounts WHERE account = 'zhang'").single(String.self)
        #expect(hash?.hasPrefix("$2b$12$") == true, "bcrypt, cost 12")
        let sessions = WebSessionStore(client: client)
        #expect(try await sessions.login(county: "990102", account: "zhang", password: "long enough password") != nil)
        #expect(try await sessions.login(county: "990102", account: "zhang", password: "short") == nil)
        let actions = try await client.query("SELECT action FROM audit_log WHERE county = '990102' ORDER BY seq").map {
            try $0.decode(String.self, column: "action")
        }
        #expect(actions.contains("account.password.set"))
        await client.close()
    }
}
