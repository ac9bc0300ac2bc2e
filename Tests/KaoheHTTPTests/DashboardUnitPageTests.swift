import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Spreadsheets
import Testing

@testable import KaoheHTTP

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
            // The audit table reads in Chinese: actions by name (the stored id in the tooltip), details
            // as 名称：值 — no `filing.roster` or `version=1` where a clerk reads.
            let auditTable = try #require(page.range(of: "id=\"audit\"").map { String(page[$0.lowerBound...]) })
            #expect(auditTable.contains(">报送考核名册</td>") && auditTable.contains("title=\"filing.roster\""))
            #expect(auditTable.contains(">报送核验结果</td>"))
            #expect(auditTable.contains(">2026年度 考核名册</td>") && auditTable.contains(">2026年度 核验结果</td>"))
            #expect(auditTable.contains("版本：1") && auditTable.contains("名册行数："))
            #expect(!auditTable.contains(">filing.") && !auditTable.contains("version=") && !auditTable.contains("rows="))

            // The audit entries are the unit's own: none of unit C's.
            let entries = try await DashboardStore(client: d.f.client).auditEntries(
                cycle: CycleRef(county: F.county, cycle: "2026"),
                unit: UnitCode(F.unitA)
            )
            #expect(!entries.isEmpty)
            #expect(entries.allSatisfy { $0.object.contains(F.unitA) || $0.details["unit"] == F.unitA })
            #expect(entries.map(\.seq) == entries.map(\.seq).sorted(by: >))
            let cEntries = try await DashboardStore(client: d.f.client).auditEntries(
                cycle: CycleRef(county: F.county, cycle: "2026"),
                unit: UnitCode(F.unitC)
            )
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

            // The latest roster, with the importer's columns: its downloads can be corrected and uploaded again.
            let rosterCSV = "工号,姓名,测评分,拟定等次,季度结果\n0003,张三,88.5,合格,优秀、称职\n"
            let filed = try await d.f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Array(rosterCSV.utf8),
                contentType: "text/csv"
            )
            #expect(filed.status == .ok)
            let version = try #require(try F.json(filed)["version"] as? Int)
            let unitPage = D.text(try await d.get(http, Self.unit(F.unitA), as: "unit-a"))
            #expect(unitPage.contains("考核名册(第 \(version) 版)") && unitPage.contains("tables.xlsx?table=roster"))
            let csv = D.text(try await d.get(http, Self.unit(F.unitA) + "/tables.csv?table=roster", as: "unit-a"))
            #expect(csv.contains("工号,姓名,岗位类别,层级,测评分,拟定等次,处分,立案调查,试用期,病事假月数,未聘月数,拒不参加,季度结果"))
            #expect(csv.contains(#""=""0003""",张三,,,88.50,合格,无,否,否,0,0,否,优秀、称职"#))
            let workbook = try await d.get(http, Self.unit(F.unitA) + "/tables.xlsx?table=roster", as: "unit-a")
            let rows = try XLSXReader.firstSheet(Array(buffer: workbook.body))
            #expect(rows.last?.cells == ["0003", "张三", "", "", "88.5", "合格", "无", "否", "否", "0", "0", "否", "优秀、称职", "", ""])
            // Uploaded again as it was downloaded: the same line.
            let again = try await d.f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Array(buffer: workbook.body),
                contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            let lines = try await d.f.client.query(
                "SELECT staff_no, score::text AS score, quarters::text AS quarters FROM roster_rows WHERE county = \(F.county) AND unit_code = \(F.unitA) AND version = \(version + 1)"
            )
            #expect(try lines.map { try $0.decode(String.self, column: "staff_no") } == ["0003"])
            #expect(try lines.map { try $0.decode(String.self, column: "score") } == ["88.50"])
        }
    }
}

@Suite("Audit entries in words")
struct AuditWordingTests {
    @Test("objects, actions and details read in Chinese; what kaohe does not know stays as stored")
    func wording() {
        #expect(AuditWording.object("cycles/2026/units/12990101450079190U/roster") == "2026年度 考核名册")
        #expect(AuditWording.object("cycles/2026-Q1/objections/7") == "2026-Q1季度 第7号异议")
        #expect(AuditWording.object("cycles/2026/steps/self-assessment") == "2026年度 “自评”报送")
        #expect(AuditWording.object("cycles/2026") == "2026年度 考核周期")
        #expect(AuditWording.object("accounts/u-01") == "accounts/u-01")
        #expect(AuditWording.object("cycles/2026/units/X/unknown-thing") == "cycles/2026/units/X/unknown-thing")
        #expect(AuditWording.action("objection.review") == "异议复议")
        #expect(AuditWording.action("later.action") == "later.action")
        let details = AuditWording.details([
            "late": "false", "version": "3", "contentHash": String(repeating: "a", count: 64), "oldGrade": "good", "newGrade": "excellent",
        ])
        #expect(details == "版本：3；逾期报送：否；原等次：良好；新等次：优秀；内容哈希：aaaaaaaaaaaa…")
    }
}
