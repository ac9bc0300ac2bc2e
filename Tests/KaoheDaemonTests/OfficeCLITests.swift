import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// The office's commands, run as the built `kaohe` binary against a fresh database.
@Suite("Office CLI: county, committee, department, reviewer, account, import, audit")
struct OfficeCLITests {
    let logger = TestCluster.logger("test.cli")

    func migrated(_ label: String = #function) async throws -> (PostgresConfiguration, PostgresClient) {
        let database = try await TestCluster.freshDatabase(label)
        let client = PostgresClient(configuration: database, logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        return (database, client)
    }

    /// Runs `kaohe <arguments> --database-url …` and returns exit status, stdout, stderr.
    func kaohe(_ database: PostgresConfiguration, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let process = try DaemonProcess("kaohe", arguments + ["--database-url", database.conninfo, "--log-level", "warning"])
        let status = try await process.waitForExit(timeout: .seconds(120))
        return (status, process.standardOutput, process.standardError)
    }

    static func code(_ serial: Int) -> String {
        UnifiedSocialCreditCode.publicInstitution(division: "990102", serial: serial).rawValue
    }

    @Test("registry commands write and audit; bad input is a clear error and a non-zero exit")
    func registryCommands() async throws {
        let (database, client) = try await migrated()
        let bad = try await kaohe(database, ["county", "create", "--code", "99010", "--name", "某县"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("6-digit"))

        #expect(try await kaohe(database, ["county", "create", "--code", "990102", "--name", "某县"]).status == 0)
        let again = try await kaohe(database, ["county", "create", "--code", "990102", "--name", "某县"])
        #expect(again.status == 1)
        #expect(again.err.contains("already exists"))
        #expect(
            try await kaohe(database, ["committee", "add", "--county", "990102", "--id", "education", "--name", "教育专业考核委员会"]).status == 0
        )
        #expect(try await kaohe(database, ["department", "add", "--county", "990102", "--id", "edu-bureau", "--name", "县教育局"]).status == 0)
        let reviewer = try await kaohe(
            database,
            [
                "reviewer", "add", "--county", "990102", "--id", "wang.li", "--name", "王丽", "--committee", "education", "--department",
                "edu-bureau",
            ]
        )
        #expect(reviewer.status == 0)
        let badRef = try await kaohe(
            database,
            ["reviewer", "add", "--county", "990102", "--id", "li", "--name", "李", "--committee", "nosuch"]
        )
        #expect(badRef.status == 1)
        #expect(badRef.err.contains("does not exist"))
        let noCounty = try await kaohe(database, ["committee", "add", "--county", "990199", "--id", "x", "--name", "x"])
        #expect(noCounty.status == 1)
        #expect(noCounty.err.contains("990199"))

        let actions = try await client.query("SELECT action, actor FROM audit_log WHERE county = '990102' ORDER BY seq")
        #expect(
            try actions.map { try $0.decode(String.self, column: "action") } == [
                "county.create", "committee.add", "department.add", "reviewer.add",
            ]
        )
        #expect(try actions[0].decode(String.self, column: "actor").hasPrefix("cli:"))
        await client.close()
    }

    @Test("account create prints the token once; it works; list shows ids but no hashes; revoke stops it")
    func accountCommands() async throws {
        let (database, client) = try await migrated()
        try await RegistryStore(client: client).createCounty(County(code: "990102", name: "某县"), actor: "t")
        let badRole = try await kaohe(
            database,
            ["account", "create", "--county", "990102", "--account", "x", "--role", "boss", "--name", "x"]
        )
        #expect(badRole.status != 0)
        #expect(badRole.err.contains("--role"))
        let noCommittee = try await kaohe(
            database,
            ["account", "create", "--county", "990102", "--account", "x", "--role", "committee", "--name", "x"]
        )
        #expect(noCommittee.status == 1)
        #expect(noCommittee.err.contains("--committee"))

        let created = try await kaohe(
            database,
            ["account", "create", "--county", "990102", "--account", "clerk", "--role", "office", "--name", "张伟"]
        )
        #expect(created.status == 0)
        let token = try #require(created.out.firstMatch(of: /token:\s+(kh_[A-Za-z0-9_-]+)/)?.1).description
        let tokenID = try #require(created.out.firstMatch(of: /token id: ([0-9a-f-]{36})/)?.1).description
        #expect(try await AccountStore(client: client).principal(forToken: token)?.account == "clerk")

        let second = try await kaohe(database, ["account", "token", "--county", "990102", "--account", "clerk", "--label", "phone"])
        #expect(second.status == 0)
        let secondToken = try #require(second.out.firstMatch(of: /token:\s+(kh_[A-Za-z0-9_-]+)/)?.1).description

        let list = try await kaohe(database, ["account", "list", "--county", "990102"])
        #expect(list.status == 0)
        #expect(list.out.contains("clerk"))
        #expect(list.out.contains(tokenID))
        #expect(!list.out.contains(APIToken(secret: token).hash))
        #expect(!list.out.contains(token))

        #expect(try await kaohe(database, ["account", "revoke", "--county", "990102", "--token-id", tokenID]).status == 0)
        #expect(try await AccountStore(client: client).principal(forToken: token) == nil)
        #expect(try await AccountStore(client: client).principal(forToken: secondToken)?.account == "clerk")
        let twice = try await kaohe(database, ["account", "revoke", "--county", "990102", "--token-id", tokenID])
        #expect(twice.status == 1)
        #expect(try await kaohe(database, ["account", "revoke", "--county", "990102", "--token-id", "not-a-uuid"]).status != 0)
        await client.close()
    }

    @Test(
        "import units: a good file is stored; a bad checksum on line 7 names line 7 and stores nothing; audit verify proves the chain and names a tampered entry"
    )
    func importAndVerify() async throws {
        let (database, client) = try await migrated()
        let store = RegistryStore(client: client)
        try await store.createCounty(County(code: "990102", name: "某县"), actor: "t")
        try await store.addCommittee(Committee(county: "990102", id: "education", name: "教育专业考核委员会"), actor: "t")
        try await store.addDepartment(Department(county: "990102", id: "edu-bureau", name: "县教育局"), actor: "t")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kaohe-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let header = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n"
        let good = directory.appendingPathComponent("good.csv")
        try Data((header + (1...8).map { "\(Self.code($0)),单位\($0),education,县教育局,\($0)\n" }.joined()).utf8).write(to: good)
        let imported = try await kaohe(database, ["import", "units", "--county", "990102", good.path])
        #expect(imported.status == 0)
        #expect(imported.out.contains("imported 8 units"))
        #expect(!imported.err.contains("checking"))  // no progress bar when stdout is not a terminal

        var lines = (10...14).map { "\(Self.code($0)),新单位\($0),education,edu-bureau,1" }
        let valid = Self.code(15)
        lines.append(String(valid.dropLast()) + (valid.last == "0" ? "1" : "0") + ",坏,education,edu-bureau,1")
        let bad = directory.appendingPathComponent("bad.csv")
        try Data((header + lines.joined(separator: "\n") + "\n").utf8).write(to: bad)
        let rejected = try await kaohe(database, ["import", "units", "--county", "990102", bad.path])
        #expect(rejected.status == 1)
        #expect(rejected.err.contains("第7行第1列(统一社会信用代码)"))
        #expect(rejected.err.contains("line 7, column 1"))
        #expect(rejected.err.contains("第18位"))
        #expect(rejected.err.contains("uscc.checksum"))
        #expect(try await store.units(county: "990102").count == 8)

        let intact = try await kaohe(database, ["audit", "verify"])
        #expect(intact.status == 0)
        #expect(intact.out.contains("intact: 4 entries"))
        let deep = try await kaohe(database, ["audit", "verify", "--deep"])
        #expect(deep.status == 0, "\(deep.err)")
        #expect(deep.out.contains("content intact: 0 filings match their audit entries"), "\(deep.out)")
        try await client.withConnection { connection in
            try await connection.simpleQuery(
                """
                ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
                UPDATE audit_log SET details = details || '{"rows": "9"}' WHERE county = '990102' AND seq = 4;
                ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only
                """
            )
        }
        let broken = try await kaohe(database, ["audit", "verify", "--county", "990102"])
        #expect(broken.status == 1)
        #expect(broken.out.contains("county 990102 entry 4"))
        await client.close()
    }
}
