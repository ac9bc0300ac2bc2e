import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 单位详情 page: filings with history, scores, re-check and override, spot check, grade, quota
/// and audit entries, for every role that may see the unit; any other unit is the 404 page.
@Suite("Dashboard: unit page")
struct DashboardUnitPageTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static func unit(_ code: String) -> String { D.base + "/units/" + code }

    @Test("the unit page per role, its audit entries, and 404 outside the scope")
    func unitPage() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            // A roster for unit A, so the quota has something to show.
            let roster = try await d.f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: GradingAPITests.roster)
            #expect(roster.status == .ok, "\(String(buffer: roster.body))")

            let own = try await d.get(http, Self.unit(F.unitA), as: "unit-a")
            #expect(own.status == .ok)
            let page = D.text(own)
            #expect(page.contains("县第一中学"))
            #expect(page.contains("教育专业考核委员会"))
            #expect(page.contains("县教育局"))
            #expect(page.contains("专考委考核"))  // the assessment filing in the history
            #expect(page.contains("89.00"))  // the committee's total
            #expect(page.contains("84.00"))  // the re-check's total
            #expect(page.contains("按核验结果计分"))  // overridden
            #expect(page.contains("第 1 次抽查抽中本单位"))
            #expect(page.contains("优秀名额"))
            #expect(page.contains("审计记录"))
            #expect(page.contains("recheck"))  // the re-check's audit entry names the unit's object
            #expect(!page.contains("县医院"))

            // The audit entries are the unit's own: none of unit C's.
            let entries = try await DashboardStore(client: d.f.client).auditEntries(county: F.county, cycle: "2026", unit: F.unitA)
            #expect(!entries.isEmpty)
            #expect(entries.allSatisfy { $0.object.contains(F.unitA) || $0.details["unit"] == F.unitA })
            #expect(entries.map(\.seq) == entries.map(\.seq).sorted(by: >))
            let cEntries = try await DashboardStore(client: d.f.client).auditEntries(county: F.county, cycle: "2026", unit: F.unitC)
            #expect(Set(entries.map(\.seq)).isDisjoint(with: cEntries.map(\.seq)))

            for account in ["office", "auditor", "edu"] {
                #expect(try await d.get(http, Self.unit(F.unitA), as: account).status == .ok, "\(account)")
            }
            // Outside the scope: the same 404 page as a unit that does not exist.
            for (account, code) in [
                ("unit-a", F.unitB), ("unit-b", F.unitA), ("edu", F.unitC), ("health", F.unitA), ("rev1", F.unitA),
                ("office", "911111111111111111"),
            ] {
                let response = try await d.get(http, Self.unit(code), as: account)
                #expect(response.status == .notFound, "\(account) \(code)")
                #expect(!D.text(response).contains("县第"))
            }
            // The reviewer sees the unit it is assigned.
            let reviewer = try await d.get(http, Self.unit(F.unitC), as: "rev1")
            #expect(reviewer.status == .ok)
            #expect(D.text(reviewer).contains("核验员甲"))

            // Tables as CSV, same scope.
            D.expectExcelCSV(try await d.get(http, Self.unit(F.unitA) + "/tables.csv?table=filings", as: "unit-a"))
            let audit = try await d.get(http, Self.unit(F.unitA) + "/tables.csv?table=audit", as: "office")
            D.expectExcelCSV(audit)
            #expect(D.text(audit).contains("序号,时间,操作者,操作,对象,详情"))
            #expect(try await d.get(http, Self.unit(F.unitA) + "/tables.csv?table=audit", as: "unit-b").status == .notFound)
        }
    }
}
