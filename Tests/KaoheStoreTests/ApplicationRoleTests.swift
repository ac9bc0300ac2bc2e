import Foundation
import KaoheRules
import KaoheTestSupport
import Postgres
import Testing

@testable import KaoheStore

/// Issue 15 item 6: the role kaohed serves as owns nothing — it files, but it cannot switch off the
/// audit log's append-only trigger, rewrite or truncate the log, or change the schema.
@Suite("The application role")
struct ApplicationRoleTests {
    @Test(
        "kaohe_app files and verifies the chain, but cannot disable the audit trigger, update, delete or truncate the log, or alter a table"
    )
    func ownsNothing() async throws {
        let base = CycleFilingStoreTests()
        let owner = try await base.setUp()
        try await base.openCycle(owner)
        let role = ApplicationRole(name: "kaohe_app_roletest")
        try await role.create(on: owner)
        try await role.create(on: owner)  // twice: nothing happens
        try await role.grant(on: owner)
        try await role.grant(on: owner)

        let app = PostgresClient(configuration: owner.configuration.withUser(role.name), logger: TestCluster.logger("test.role"))
        let who = try await app.query("SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super")
            .one()
        #expect(try who.decode(String.self, column: "who") == role.name)
        #expect(try who.decode(Bool.self, column: "super") == false)

        // What kaohed does works.
        let filed = try await FilingStore(client: app).fileSelfAssessment(
            cycle: CycleRef(county: CycleFilingStoreTests.county, cycle: "2026"),
            unit: CycleFilingStoreTests.unitA,
            report: "自评",
            principal: base.unitAccount
        )
        #expect(filed.version == 1)
        let verdict = try await AuditChain.verify(client: app, county: CycleFilingStoreTests.county)
        if case .broken = verdict { Issue.record("chain: \(verdict)") }
        #expect(
            try await MigrationRunner(client: app, migrations: try MigrationCatalog.bundled(), logger: TestCluster.logger()).status()
                .isCurrent
        )

        // What it must not do is refused by the server: insufficient privilege (42501) or not the owner.
        for statement in [
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "UPDATE audit_log SET actor = 'forged'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "ALTER TABLE filings ADD COLUMN forged text",
            "DROP TABLE roster_rows",
            "UPDATE kaohe_migrations SET checksum = 'x'",
        ] {
            await #expect(throws: PostgresError.self, "\(statement)") {
                try await app.execute(PostgresQuery(unsafeSQL: statement))
            }
            let state = await Self.sqlState(app, statement)
            #expect(state == "42501", "\(statement): \(state ?? "-")")
        }
        // A table a later migration adds is outside the role's grants until they are redone: kaohed
        // names it and refuses to start (ApplicationRole.missingPrivileges).
        #expect(try await ApplicationRole.missingPrivileges(on: app).isEmpty)
        try await owner.execute("CREATE TABLE later_migration (id int)")
        #expect(try await ApplicationRole.missingPrivileges(on: app) == ["later_migration"])
        #expect(try await ApplicationRole.missingPrivileges(on: owner).isEmpty)
        try await role.grant(on: owner)
        #expect(try await ApplicationRole.missingPrivileges(on: app).isEmpty)
        await app.close()
        await owner.close()
    }

    @Test("kaohe_app refreshes the grading tables' statistics through analyze_grading_tables once a grading wrote 200 rows, not before")
    func gradingStatistics() async throws {
        let base = CycleFilingStoreTests()
        let owner = try await base.setUp()
        let role = ApplicationRole(name: "kaohe_app_statistics")
        try await role.create(on: owner)
        try await role.grant(on: owner)
        let app = PostgresClient(configuration: owner.configuration.withUser(role.name), logger: TestCluster.logger("test.role"))
        func reltuples(_ table: String) async throws -> Double {
            try await owner.query("SELECT reltuples::float8 AS n FROM pg_class WHERE relname = \(table)").one().decode(
                Double.self,
                column: "n"
            )
        }
        // Never analyzed: -1. Below the threshold nothing runs; at it, the function does, as the
        // schema's owner (ANALYZE by kaohe_app itself would be skipped: it owns no table).
        #expect(try await reltuples("unit_grades") == -1)
        #expect(try await reltuples("roster_checks") == -1)
        try await app.withConnection { try await GradingStore.analyzeAfter(grades: 199, checks: 199, on: $0) }
        #expect(try await reltuples("unit_grades") == -1)
        #expect(try await reltuples("roster_checks") == -1)
        try await app.withConnection { try await GradingStore.analyzeAfter(grades: 200, checks: 0, on: $0) }
        #expect(try await reltuples("unit_grades") == 0)
        #expect(try await reltuples("roster_checks") == -1)
        try await app.withConnection { try await GradingStore.analyzeAfter(grades: 0, checks: 5000, on: $0) }
        #expect(try await reltuples("roster_checks") == 0)
        await app.close()
        await owner.close()
    }

    static func sqlState(_ client: PostgresClient, _ statement: String) async -> String? {
        do {
            try await client.execute(PostgresQuery(unsafeSQL: statement))
            return nil
        } catch let error as PostgresError {
            return error.sqlState?.rawValue
        } catch {
            return nil
        }
    }
}
