import Foundation
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Postgres
import Testing

/// A county of more than 500 units (issue 21): the units table, the register and the results show
/// 500 rows a page with links to the others (the filters and the order kept); the overview lists
/// the first 100 late units and says how many there are; every download still holds every row.
@Suite("Dashboard: long tables in pages")
struct DashboardPagingTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    /// Rows of a table body (`<tr>` after its `<tbody>`), in the first table of `class` on the page.
    static func rows(_ page: String, table: String) -> Int {
        guard let start = page.range(of: "<table class=\"\(table)\"") else { return 0 }
        let rest = page[start.upperBound...]
        let body = rest[..<(rest.range(of: "</table>")?.lowerBound ?? rest.endIndex)]
        return body.components(separatedBy: "<tr").count - 2  // the header row, and the text before the first
    }

    @Test(
        "1,003 units: pages of 500 with their links, out-of-range pages brought back, filters kept; downloads whole; the overview's list cut at 100"
    )
    func longTables() async throws {
        let d = try await D.make(propose: false)
        let csv =
            "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n"
            + (1...1000).map {
                "\(UnifiedSocialCreditCode.publicInstitution(division: F.county, serial: 500_000 + $0)),县第\($0)所学校,education,edu,10"
            }
            .joined(separator: "\n") + "\n"
        _ = try await RegistryStore(client: d.f.client).importUnits(county: F.county, csv: Array(csv.utf8), actor: "test")
        try await d.f.app().test(.router) { http in
            // A cycle of its own (the fixture's 2026 has its spot-check population frozen).
            try await d.f.openCycle(http, "2027")
            _ = try await CycleStore(client: d.f.client).enrol(
                cycle: CycleRef(county: F.county, cycle: "2027"),
                choosing: .everyRegisteredUnit,
                actor: "test"
            )
            let units = F.cycleBase.replacingOccurrences(of: "/api/v1", with: "") + "/2027/units"
            var page = D.text(try await d.get(http, units, as: "office"))
            #expect(page.contains("共 1003 个单位"))
            #expect(page.contains("第 1 / 3 页(第 1–500 行,共 1003 行)"))
            #expect(Self.rows(page, table: "data units") == 500)
            #expect(page.contains("href=\"\(units)?sort=code&amp;dir=asc&amp;page=2\" rel=\"next\""))
            #expect(!page.contains("rel=\"prev\""))

            page = D.text(try await d.get(http, units + "?sort=name&dir=desc&page=3", as: "office"))
            #expect(page.contains("第 3 / 3 页(第 1001–1003 行,共 1003 行)"))
            #expect(Self.rows(page, table: "data units") == 3)
            #expect(page.contains("href=\"\(units)?sort=name&amp;dir=desc&amp;page=2\" rel=\"prev\""))
            #expect(!page.contains("rel=\"next\""))
            #expect(D.text(try await d.get(http, units + "?page=99", as: "office")).contains("第 3 / 3 页"))
            #expect(D.text(try await d.get(http, units + "?page=x", as: "office")).contains("第 1 / 3 页"))

            // A filter that leaves one page: no pager.
            page = D.text(try await d.get(http, units + "?q=%E5%8E%BF%E7%AC%AC%E4%B8%80%E4%B8%AD%E5%AD%A6", as: "office"))
            #expect(page.contains("共 1 个单位"))
            #expect(!page.contains("class=\"pager\""))

            // The download holds every row.
            let download = D.text(try await d.get(http, units + ".csv?sort=name", as: "office"))
            #expect(download.split(whereSeparator: \.isNewline).count == 1004)

            // 单位名册: the same pages; its download whole.
            page = D.text(try await d.get(http, "/registry?page=2", as: "office"))
            #expect(page.contains("第 2 / 3 页(第 501–1000 行,共 1003 行)"))
            #expect(page.contains("href=\"/registry?page=3#units\" rel=\"next\""))
            #expect(
                D.text(try await d.get(http, "/registry.csv?table=units", as: "office")).split(whereSeparator: \.isNewline).count == 1004
            )

            // The overview after every deadline passed: 1,003 late units, 100 listed, all in the download.
            try await d.f.client.execute(
                "UPDATE cycle_steps SET deadline = now() - interval '1 hour' WHERE county = \(F.county) AND cycle = '2027'"
            )
            let overview = F.cycleBase.replacingOccurrences(of: "/api/v1", with: "") + "/2027"
            page = D.text(try await d.get(http, overview, as: "office"))
            #expect(page.contains("仅列出前 100 个,共 1003 个"))
            #expect(Self.rows(page, table: "data") == 100)
            let late = D.text(try await d.get(http, overview + "/overview.csv?table=late", as: "office"))
            #expect(late.split(whereSeparator: \.isNewline).count == 1004)
        }
        await d.f.client.close()
    }
}
