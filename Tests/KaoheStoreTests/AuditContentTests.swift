import Foundation
import KaoheRules
import KaoheTestSupport
import Postgres
import Testing

@testable import KaoheStore

/// Issue 15 item 5: a filing's content and a roster's lines are under the audit chain. Forged as the
/// database superuser, the chain itself still verifies (the entries are untouched) but
/// `verifyContent` (`kaohe audit verify --deep`) names the filing.
@Suite("Filing content under the audit chain")
struct AuditContentTests {
    @Test("forging a roster line, a self-assessment's report (same length), or deleting a filing is named by verifyContent")
    func forgeriesAreNamed() async throws {
        let base = CycleFilingStoreTests()
        let client = try await base.setUp()
        try await base.openCycle(client)
        let county = CycleFilingStoreTests.county
        let store = FilingStore(client: client)
        _ = try await store.fileSelfAssessment(
            cycle: CycleRef(county: county, cycle: "2026"),
            unit: CycleFilingStoreTests.unitA,
            report: "本年度完成",
            principal: base.unitAccount
        )
        let lines = (1...40).map { i in
            RosterLine(
                line: i,
                staff: StaffRecord(staffNo: String(format: "%04d", i), score: Score(points: i == 3 ? 88 : 80), grade: .competent),
                name: "职工\(i)",
                postCategory: "专业技术",
                level: "一般"
            )
        }
        _ = try await store.fileRoster(
            cycle: CycleRef(county: county, cycle: "2026"),
            unit: CycleFilingStoreTests.unitA,
            lines: lines,
            collectiveAward: false,
            principal: base.unitAccount
        )
        _ = try await store.fileRoster(
            cycle: CycleRef(county: county, cycle: "2026"),
            unit: CycleFilingStoreTests.unitA,
            lines: Array(lines.prefix(30)),
            collectiveAward: false,
            principal: base.unitAccount
        )

        let clean = try await AuditChain.verifyContent(client: client, county: county)
        #expect(clean.broken == nil, "\(clean)")
        #expect(clean.matching == 3 && clean.unhashed == 0)
        #expect(try await AuditChain.verifyContent(client: client, county: nil).matching == 3)

        // A roster line's grade rewritten: the chain is intact, the content check names the roster.
        try await client.execute("UPDATE roster_rows SET grade = 'excellent' WHERE county = \(county) AND version = 1 AND line = 3")
        if case .broken(_, _, let reason) = try await AuditChain.verify(client: client, county: county) {
            Issue.record("chain broken: \(reason)")
        }
        let lineForged = try await AuditChain.verifyContent(client: client, county: county)
        #expect(lineForged.broken?.reason.contains("units/\(CycleFilingStoreTests.unitA)/roster version 1") == true, "\(lineForged)")
        #expect(lineForged.broken?.reason.contains("lines hash") == true)
        try await client.execute("UPDATE roster_rows SET grade = 'competent' WHERE county = \(county) AND version = 1 AND line = 3")
        #expect(try await AuditChain.verifyContent(client: client, county: county).broken == nil)

        // The report changed to another of the same length.
        try await client.execute(
            "UPDATE filings SET content = jsonb_set(content, '{report}', to_jsonb('本年度伪造'::text)) WHERE county = \(county) AND kind = 'self_assessment'"
        )
        let reportForged = try await AuditChain.verifyContent(client: client, county: county)
        #expect(reportForged.broken?.reason.contains("self-assessment version 1") == true, "\(reportForged)")
        #expect(reportForged.broken?.reason.contains("content hash") == true)
        try await client.execute(
            "UPDATE filings SET content = jsonb_set(content, '{report}', to_jsonb('本年度完成'::text)) WHERE county = \(county) AND kind = 'self_assessment'"
        )
        #expect(try await AuditChain.verifyContent(client: client, county: county).broken == nil)

        // A filing deleted (with its lines): its audit entry records a filing that is gone.
        try await client.execute("DELETE FROM roster_rows WHERE county = \(county) AND version = 2")
        try await client.execute("DELETE FROM filings WHERE county = \(county) AND kind = 'roster' AND version = 2")
        let deleted = try await AuditChain.verifyContent(client: client, county: county)
        #expect(deleted.broken?.reason.contains("is missing") == true, "\(deleted)")
        await client.close()
    }
}
