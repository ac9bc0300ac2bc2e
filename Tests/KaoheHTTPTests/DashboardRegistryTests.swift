import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 单位名册 in the browser: a file is previewed (added, changed before → after, unchanged, absent
/// kept) and only applied on confirmation, exactly the file previewed; a bad file is refused by
/// line and column with nothing kept; nobody but the office finds the page.
@Suite("Dashboard: the unit register (单位名册)")
struct DashboardRegistryTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture
    static let newUnit = "12350121MB0000777X"

    @Test("preview, then apply: one unit added, one renamed, one unchanged, one absent and kept; audited; a bad code refused by its cell")
    func previewAndApply() async throws {
        let d = try await D.make(propose: false)
        let registry = RegistryStore(client: d.f.client)
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, "/registry", as: "office"))
            #expect(page.contains("县第一中学") && page.contains("action=\"/registry/preview\""))
            for account in ["edu", "unit-a", "auditor"] { #expect(try await d.get(http, "/registry", as: account).status == .notFound) }

            let csv = """
                统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数
                \(F.unitA),县第一中学,education,edu,80
                \(F.unitB),县第二实验中学,education,edu,60
                \(Self.newUnit),县图书馆,education,edu,12

                """
            var response = try await d.upload(http, "/registry/preview", as: "office", csrf: csrf, file: ("名册.csv", Array(csv.utf8)))
            #expect(response.status == .ok)
            page = D.text(response)
            #expect(page.contains("新增 <b>1</b> 个,信息变化 <b>1</b> 个,无变化 1 个;另有 1 个已登记单位"))
            #expect(page.contains("县第二中学 → 县第二实验中学"))
            #expect(!page.contains("table=added") && !page.contains("table=changed"))  // no GET serves a preview again: no download links
            #expect(page.contains("/registry.xlsx?table=units"))
            #expect(page.contains("县图书馆"))
            #expect(try await registry.unit(county: F.county, code: UnitCode(Self.newUnit)) == nil)  // nothing written yet
            let sha = try #require(page.components(separatedBy: "name=\"sha256\" value=\"").dropFirst().first?.prefix(64))

            response = try await d.post(http, "/registry/apply", as: "office", csrf: csrf, fields: ["sha256": String(sha)])
            #expect(response.status == .seeOther)
            #expect(try await registry.unit(county: F.county, code: UnitCode(Self.newUnit))?.name == "县图书馆")
            #expect(try await registry.unit(county: F.county, code: UnitCode(F.unitB))?.name == "县第二实验中学")
            #expect(try await registry.unit(county: F.county, code: UnitCode(F.unitC)) != nil)  // absent from the file: kept
            #expect(D.text(try await d.get(http, "/registry?done=import", as: "office")).contains("已导入单位名册"))
            let audited = try await d.f.client.query(
                "SELECT details->>'source' AS source FROM audit_log WHERE county = \(F.county) AND action = 'unit.import' ORDER BY seq DESC LIMIT 1"
            ).single(String.self)
            #expect(audited == "dashboard:名册.csv")
            // The draft is gone: applying it again is refused.
            response = try await d.post(http, "/registry/apply", as: "office", csrf: csrf, fields: ["sha256": String(sha)])
            #expect(response.status == .conflict)

            // A preview older than a day is not applied (even before housekeeping deletes it).
            let renamed = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n\(F.unitA),县第一高级中学,education,edu,80\n"
            page = D.text(try await d.upload(http, "/registry/preview", as: "office", csrf: csrf, file: ("改名.csv", Array(renamed.utf8))))
            let stale = try #require(page.components(separatedBy: "name=\"sha256\" value=\"").dropFirst().first?.prefix(64))
            try await d.f.client.execute("UPDATE unit_import_drafts SET uploaded_at = now() - interval '25 hours'")
            response = try await d.post(http, "/registry/apply", as: "office", csrf: csrf, fields: ["sha256": String(stale)])
            #expect(response.status == .conflict)
            #expect(D.text(response).contains("预览已超过一天"))
            #expect(try await registry.unit(county: F.county, code: UnitCode(F.unitA))?.name == "县第一中学")

            // A code whose check character is wrong: named by line and column, nothing kept.
            let bad = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n12350121MB00007771,县文化馆,education,edu,9\n"
            response = try await d.upload(http, "/registry/preview", as: "office", csrf: csrf, file: ("bad.csv", Array(bad.utf8)))
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("第2行第1列"))
            #expect(
                try await d.f.client.query("SELECT count(*)::int AS n FROM unit_import_drafts WHERE file_name = 'bad.csv'").single(Int.self)
                    == 0
            )
            #expect(
                try await d.post(http, "/registry/apply", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: ["sha256": String(sha)]).status
                    == .notFound
            )
        }
        await d.f.client.close()
    }
}
