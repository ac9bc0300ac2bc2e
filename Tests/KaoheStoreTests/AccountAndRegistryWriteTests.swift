import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

@Suite("Accounts, tokens and registry writes")
struct AccountAndRegistryWriteTests {
    let logger = TestCluster.logger("test.accounts")

    func migratedClient(_ label: String = #function) async throws -> PostgresClient {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        return client
    }

    func actions(_ client: PostgresClient, county: CountyCode) async throws -> [String] {
        try await client.query("SELECT action FROM audit_log WHERE county = \(county) ORDER BY seq").map {
            try $0.decode(String.self, column: "action")
        }
    }

    @Test("county, committee, department and reviewer writes each append their audit entry")
    func registryWritesAreAudited() async throws {
        let client = try await migratedClient()
        let store = RegistryStore(client: client)
        try await store.createCounty(County(code: "990102", name: "某县"), actor: "cli:root")
        try await store.addCommittee(Committee(county: "990102", id: "education", name: "教育专业考核委员会"), actor: "cli:root")
        try await store.addDepartment(Department(county: "990102", id: "edu-bureau", name: "县教育局"), actor: "cli:root")
        try await store.addReviewer(
            ReviewerRecord(county: "990102", id: "wang.li", name: "王丽", committee: "education", department: "edu-bureau"),
            actor: "cli:root"
        )
        #expect(try await actions(client, county: "990102") == ["county.create", "committee.add", "department.add", "reviewer.add"])
        #expect(
            try await store.reviewers(county: "990102") == [
                ReviewerRecord(county: "990102", id: "wang.li", name: "王丽", committee: "education", department: "edu-bureau")
            ]
        )
        #expect(try await store.committees(county: "990102").map(\.id) == ["education"])
        #expect(try await AuditChain.verify(client: client, county: nil) == .intact(entries: 4))
        await client.close()
    }

    @Test("bad input is refused with the field named, before any SQL; missing references are clear errors")
    func registryValidation() async throws {
        let client = try await migratedClient()
        let store = RegistryStore(client: client)
        func code(_ body: () async throws -> Void) async -> (StoreError.Code, String?)? {
            do {
                try await body()
                return nil
            } catch let error as StoreError { return (error.code, error.field) } catch { return nil }
        }
        #expect(await code { try await store.createCounty(County(code: "99010", name: "x"), actor: "t") }! == (.invalidValue, "county"))
        #expect(await code { try await store.createCounty(County(code: "990102", name: ""), actor: "t") }! == (.invalidValue, "name"))
        try await store.createCounty(County(code: "990102", name: "某县"), actor: "t")
        #expect(await code { try await store.createCounty(County(code: "990102", name: "某县"), actor: "t") }!.0 == .duplicate)
        #expect(
            await code { try await store.addCommittee(Committee(county: "990102", id: "Edu cation", name: "x"), actor: "t") }! == (
                .invalidValue, "committee"
            )
        )
        #expect(
            await code { try await store.addCommittee(Committee(county: "990199", id: "edu", name: "x"), actor: "t") }! == (
                .notFound, "county"
            )
        )
        #expect(
            await code {
                try await store.addReviewer(ReviewerRecord(county: "990102", id: "li", name: "李", committee: "nosuch"), actor: "t")
            }!.0 == .invalidReference
        )
        #expect(try await actions(client, county: "990102") == ["county.create"])
        await client.close()
    }

    @Test("enrol appends one county.enrol entry")
    func enrolIsAudited() async throws {
        let client = try await migratedClient()
        try await RegistryStore(client: client).enrol(
            county: County(code: "990101", name: "示例县"),
            committees: [],
            departments: [],
            units: [],
            actor: "demo"
        )
        #expect(try await actions(client, county: "990101") == ["county.enrol"])
        await client.close()
    }

    @Test("accounts: token shown once, stored only as its hash; another token; revocation; listing without hashes; all audited")
    func accountLifecycle() async throws {
        let client = try await migratedClient()
        try await RegistryStore(client: client).createCounty(County(code: "990101", name: "示例县"), actor: "t")
        try await RegistryStore(client: client).addCommittee(Committee(county: "990101", id: "education", name: "教育"), actor: "t")
        let accounts = AccountStore(client: client)
        let clerk = Principal(county: "990101", account: "clerk", role: .office)
        let first = try await accounts.create(clerk, displayName: "张伟", tokenLabel: "laptop", actor: "cli:root")
        #expect(first.token.secret.hasPrefix("kh_"))
        let stored = try await client.query("SELECT token_hash FROM api_tokens WHERE token_id = \(first.tokenID)").single(String.self)
        #expect(stored == first.token.hash)
        #expect(try await client.query("SELECT count(*) FROM api_tokens WHERE token_hash = \(first.token.secret)").single(Int.self) == 0)
        #expect(try await accounts.principal(forToken: first.token.secret) == clerk)

        let second = try await accounts.issueToken(county: "990101", account: "clerk", label: "phone", actor: "cli:root")
        #expect(try await accounts.principal(forToken: second.token.secret) == clerk)
        #expect(try await accounts.revoke(county: "990101", tokenID: first.tokenID, actor: "cli:root"))
        #expect(try await accounts.principal(forToken: first.token.secret) == nil)
        #expect(try await accounts.principal(forToken: second.token.secret) == clerk)
        #expect(try await accounts.revoke(county: "990101", tokenID: first.tokenID) == false)
        #expect(try await accounts.revoke(county: "990102", tokenID: second.tokenID) == false)

        let committee = Principal(county: "990101", account: "edu", role: .committee, committee: "education")
        _ = try await accounts.create(committee, displayName: "教育专考委")
        let list = try await accounts.list(county: "990101")
        #expect(list.map(\.principal.account) == ["clerk", "edu"])
        #expect(list[0].tokens.map(\.id) == [first.tokenID, second.tokenID])
        #expect(list[0].tokens.map(\.isLive) == [false, true])
        #expect(list[0].tokens.map(\.label) == ["laptop", "phone"])
        #expect(!"\(list)".contains(first.token.hash))

        #expect(
            try await actions(client, county: "990101") == [
                "county.create", "committee.add", "account.create", "token.issue", "token.revoke", "account.create",
            ]
        )
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 6))
        await client.close()
    }

    @Test("an account's scope must fit its role; unknown accounts get no token")
    func accountValidation() async throws {
        let client = try await migratedClient()
        try await RegistryStore(client: client).createCounty(County(code: "990101", name: "示例县"), actor: "t")
        let accounts = AccountStore(client: client)
        func code(_ body: () async throws -> Void) async -> (StoreError.Code, String?)? {
            do {
                try await body()
                return nil
            } catch let error as StoreError { return (error.code, error.field) } catch { return nil }
        }
        #expect(
            await code { _ = try await accounts.create(Principal(county: "990101", account: "c", role: .committee), displayName: "x") }!
                == (.invalidValue, "committee")
        )
        #expect(
            await code {
                _ = try await accounts.create(Principal(county: "990101", account: "o", role: .office, unitCode: "x"), displayName: "x")
            }! == (.invalidValue, "unit")
        )
        #expect(
            await code { _ = try await accounts.create(Principal(county: "990101", account: "Bad Id", role: .office), displayName: "x") }!
                == (.invalidValue, "account")
        )
        #expect(
            await code {
                _ = try await accounts.create(
                    Principal(county: "990101", account: "c", role: .committee, committee: "nosuch"),
                    displayName: "x"
                )
            }!.0 == .invalidReference
        )
        #expect(await code { _ = try await accounts.issueToken(county: "990101", account: "nobody") }!.0 == .notFound)
        #expect(try await accounts.list(county: "990101").isEmpty)
        await client.close()
    }
}
