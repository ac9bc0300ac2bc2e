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

/// 专考委考核评分表 on the unit page: the unit's committee scores it in the browser from the cycle's
/// scheme, through the store function the API uses; refusals sit beside their fields, everything
/// typed is kept, nothing is stored.
@Suite("Dashboard: committee score sheet")
struct DashboardAssessmentFormTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static let page = D.base + "/units/" + F.unitA
    static let action = page + "/assessment"

    /// A complete sheet for the county-2021 scheme: 89 points and 1.5 added; one point rated 中.
    static let valid: [String: String] = [
        "scores.key_tasks": "18", "scores.main_duties": "28", "scores.registration": "9", "scores.innovation": "4",
        "scores.excellence": "6", "scores.staff_eval": "3", "scores.client_eval": "4", "scores.leader_eval": "9",
        "scores.dept_organisation": "2", "scores.dept_staffing": "2", "scores.dept_hrss": "2", "scores.dept_finance": "2",
        "qualitative.political": "good", "qualitative.cadre": "good", "qualitative.organisation": "fair",
        "qualitative.conduct": "good", "additions[0].points": "1.5", "additions[0].reason": "获市级表彰",
    ]

    func versions(_ d: D) async throws -> Int {
        try await d.f.client.query(
            "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'assessment'"
        ).one().decode(Int.self, column: "n")
    }

    @Test("the committee fills the scheme's form, the server totals it, and the form comes back filled with it")
    func scores() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["edu"]!.csrf
            let form = D.text(try await d.get(http, Self.page, as: "edu"))
            #expect(form.contains("<h2>专考委考核评分表</h2>"))
            #expect(form.contains(#"name="scores.key_tasks""#) && form.contains("重点任务(满分 20 分)") && form.contains("履行职责(满分 60 分)"))
            #expect(form.contains(#"name="notAssigned.key_tasks""#) && form.contains("未承担(分值计入“主要职责”)"))
            #expect(form.contains(#"name="qualitative.political""#) && form.contains(">差</option>"))
            // Not for the unit, another committee or the office.
            for account in ["unit-a", "office"] {
                #expect(!D.text(try await d.get(http, Self.page, as: account)).contains("专考委考核评分表"), "\(account)")
            }
            let before = try await versions(d)

            var fields = Self.valid
            fields["_once"] = FormOnceToken.make()
            let response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location == Self.page + "?filed=assessment&version=\(before + 1)#assessment")
            // Sent again (a reload): filed once.
            #expect(try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields).headers[.location] == location)
            #expect(try await versions(d) == before + 1)

            let filed = D.text(try await d.get(http, location, as: "edu"))
            #expect(filed.contains("已报送专考委考核评分第 \(before + 1) 版:综合得分 90.50(定量 89.00,加分 1.50,减分 0.00)。"))
            // The form again, with the sheet just filed.
            #expect(filed.contains(#"name="scores.key_tasks" value="18""#) && filed.contains(#"name="additions[0].points" value="1.5""#))
            #expect(filed.contains(#"<option value="fair" selected>中</option>"#))
            #expect(filed.contains(#"value="获市级表彰""#))
            // The same sheet as the API reads it.
            let latest = try F.json(try await d.f.call(http, .get, F.unitPath("assessment"), as: "office"))
            let content = try #require(latest["content"] as? [String: Any])
            let assessed = try #require(content["assessed"] as? [String: Any])
            #expect("\(assessed["total"] ?? "")" == "90.5" || "\(assessed["total"] ?? "")" == "90.50")
        }
        await d.f.client.close()
    }

    @Test("计算合计: the server's totals of what was typed, shown above 报送, the form kept, nothing filed; a bad score is named instead")
    func preview() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["edu"]!.csrf
            #expect(D.text(try await d.get(http, Self.page, as: "edu")).contains("计算合计(不报送)"))
            let before = try await versions(d)
            var fields = Self.valid
            fields["preview"] = "1"
            var response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .ok)
            var page = D.text(response)
            #expect(page.contains("合计预览(尚未报送):综合得分 90.50 = 定量 89.00 + 加分 1.50 − 减分 0.00;定性“差”项 0 个。"))
            #expect(page.contains(#"name="scores.key_tasks" value="18""#) && page.contains(#"value="获市级表彰""#))
            #expect(try await versions(d) == before)

            fields["scores.key_tasks"] = "25"
            response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(!page.contains("合计预览"))
            #expect(page.contains("超过满分"))
            #expect(try await versions(d) == before)
            // Another committee's preview is refused as its filing would be.
            #expect(
                try await d.post(
                    http,
                    D.base + "/units/" + F.unitC + "/assessment",
                    as: "edu",
                    csrf: csrf,
                    fields: Self.valid.merging(["preview": "1"]) { a, _ in a }
                ).status == .notFound
            )
        }
        await d.f.client.close()
    }

    @Test(
        "创先争优 itemised by award: the score left blank is their sum; a level over its cap, an achievement twice or no level refused by its row"
    )
    func awards() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["edu"]!.csrf
            let form = D.text(try await d.get(http, Self.page, as: "edu"))
            #expect(form.contains("创先争优获奖明细(计入“创先争优”:国家级不超过 10 分、省级不超过 6 分、市级不超过 3 分、县级不超过 1 分"))
            #expect(form.contains(#"name="awards[3].level""#) && form.contains(#"<option value="provincial">省级</option>"#))
            let before = try await versions(d)
            var fields = Self.valid
            fields["scores.excellence"] = ""
            fields["awards[0].achievement"] = "全省文明单位"
            fields["awards[0].level"] = "provincial"
            fields["awards[0].points"] = "5"
            fields["awards[2].achievement"] = "县先进集体"
            fields["awards[2].level"] = "county"
            fields["awards[2].points"] = "1"

            // 计算合计: 5 + 1 = 6 counted, as in the lump-sum sheet; the score shown filled in.
            var preview = fields
            preview["preview"] = "1"
            var response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: preview)
            #expect(response.status == .ok)
            var page = D.text(response)
            #expect(page.contains("合计预览(尚未报送):综合得分 90.50 = 定量 89.00"))
            #expect(page.contains(#"name="scores.excellence" value="6""#))

            // Refused, each by its row: a row without a level is unreadable (the scheme is not asked)…
            var refused = fields
            refused["awards[3].achievement"] = "县先进集体"
            refused["awards[3].level"] = ""
            refused["awards[3].points"] = "1"
            response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: refused)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            func row(_ field: String) throws -> String {
                try #require(page.components(separatedBy: #"<div class="field">"#).first { $0.contains(#"name="\#(field)""#) })
            }
            #expect(try row("awards[3].achievement").contains("请选择奖励级别"))
            #expect(try row("awards[3].achievement").contains(#"value="县先进集体""#))
            #expect(page.contains("<li>创先争优获奖第 4 项:请选择奖励级别"))
            // …then the scheme's refusals (县级 over its cap of 1, the same achievement twice), on the
            // rows they name, the blank row between closed up; in words, no ids.
            refused["awards[3].level"] = "county"
            page = D.text(try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: refused))
            let capped = try row("awards[1].achievement")
            #expect(capped.contains(#"value="县先进集体""#) && capped.contains("县级奖励合计2.00分,超过上限1.00分"), "\(capped)")
            let twice = try row("awards[2].achievement")
            #expect(twice.contains(#"value="县先进集体""#) && twice.contains("同一事项“县先进集体”不得重复计分"), "\(twice)")
            #expect(try row("awards[3].achievement").contains(#"value="""#))
            #expect(page.contains("<li>创先争优获奖明细:县级奖励合计2.00分,超过上限1.00分</li>"))
            #expect(!page.contains("duplicate-achievement") && !page.contains("<li>awards"))
            #expect(try await versions(d) == before)

            // Filed: the API's sheet holds the awards; the form comes back with them.
            fields["_once"] = FormOnceToken.make()
            response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            let latest = try F.json(try await d.f.call(http, .get, F.unitPath("assessment"), as: "office"))
            let sheet = try #require((latest["content"] as? [String: Any])?["sheet"] as? [String: Any])
            let awards = try #require(sheet["awards"] as? [[String: Any]])
            #expect(awards.map { $0["achievement"] as? String } == ["全省文明单位", "县先进集体"])
            #expect(awards.map { $0["level"] as? String } == ["provincial", "county"])
            #expect("\((sheet["scores"] as? [String: Any])?["excellence"] ?? "")".hasPrefix("6"))
            page = D.text(try await d.get(http, try #require(response.headers[.location]), as: "edu"))
            #expect(try row("awards[1].achievement").contains(#"value="县先进集体""#))
            #expect(try row("awards[1].achievement").contains(#"<option value="county" selected>县级</option>"#))
        }
        await d.f.client.close()
    }

    @Test("a score above its maximum, no number or a rating left out: each message beside its field, what was typed kept, nothing stored")
    func refusals() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["edu"]!.csrf
            let before = try await versions(d)
            var fields = Self.valid
            fields["scores.key_tasks"] = "25"
            fields["scores.main_duties"] = "二十八"
            fields["qualitative.conduct"] = ""
            fields["additions[1].points"] = "2"
            // Not a number: refused before the scheme looks at the rest.
            var response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            var page = D.text(response)
            #expect(page.contains(#"id="assessment-errors""#) && page.contains("未能报送评分,未保存任何内容"))
            #expect(page.contains(##"<p class="alert"><a href="#assessment">评分未能报送,原因见下方“专考委考核评分表”。</a></p>"##))
            let duties = try #require(
                page.components(separatedBy: #"<div class="field">"#).first { $0.contains(#"name="scores.main_duties""#) }
            )
            #expect(duties.contains(#"value="二十八""#) && duties.contains(#"<span class="field-error">“二十八”不是有效的分数"#))
            #expect(page.contains(#"name="scores.key_tasks" value="25""#))

            // Numbers now: the scheme's refusals, each beside its field.
            fields["scores.main_duties"] = "28"
            response = try await d.post(http, Self.action, as: "edu", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            let row = try #require(page.components(separatedBy: #"<div class="field">"#).first { $0.contains(#"name="scores.key_tasks""#) })
            #expect(row.contains(#"value="25""#) && row.contains(#"<span class="field-error">指标“重点任务”得分25.00超过满分20.00</span>"#))
            #expect(page.contains("<li>作风纪律建设:缺少定性要点“作风纪律建设”的评价(好/中/差)</li>"))
            #expect(page.contains("<li>加分第 2 项:加分事项须写明理由</li>"))
            #expect(!page.contains("“key_tasks”") && !page.contains("“conduct”"))
            #expect(!page.contains("above-max") && !page.contains("score above"))
            #expect(try await versions(d) == before)

            // Only the unit's committee may score it.
            #expect(
                try await d.post(http, Self.action, as: "unit-a", csrf: d.sessions["unit-a"]!.csrf, fields: Self.valid).status == .forbidden
            )
            #expect(
                try await d.post(http, Self.action, as: "office", csrf: d.sessions["office"]!.csrf, fields: Self.valid).status == .forbidden
            )
            #expect(try await d.post(http, Self.action, as: "edu", csrf: nil, fields: Self.valid).status == .forbidden)
            #expect(
                try await d.post(http, D.base + "/units/" + F.unitC + "/assessment", as: "edu", csrf: csrf, fields: Self.valid).status
                    == .notFound
            )
            #expect(try await versions(d) == before)
        }
        await d.f.client.close()
    }

    @Test("the assigned reviewer files its re-check from the same form and reads the comparison with the committee's score")
    func recheck() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["rev1"]!.csrf
            // rev1 is assigned to unit C (the fixture's draw).
            let unitC = D.base + "/units/" + F.unitC
            let form = D.text(try await d.get(http, unitC, as: "rev1"))
            #expect(form.contains("<h2>核验评分表(实地二次评价)</h2>") && form.contains(#"action="\#(unitC)/recheck""#))
            #expect(form.contains(#"name="scores.key_tasks""#) && form.contains(">报送核验评分</button>"))
            #expect(!form.contains("<h2>专考委考核评分表</h2>"))
            func rechecks() async throws -> Int {
                try await d.f.client.query(
                    "SELECT count(*) AS n FROM rechecks WHERE county = \(F.county) AND unit_code = \(F.unitC)"
                ).one().decode(Int.self, column: "n")
            }
            let before = try await rechecks()
            var fields = Self.valid
            fields["_once"] = FormOnceToken.make()
            let response = try await d.post(http, unitC + "/recheck", as: "rev1", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix(unitC + "?filed=recheck&version=") && location.hasSuffix("#recheck"))
            #expect(try await rechecks() == before + 1)
            let filed = D.text(try await d.get(http, location, as: "rev1"))
            #expect(filed.contains("已报送核验评分第 ") && filed.contains("综合得分 90.50,专考委评分 ") && filed.contains(",相差 "))

            // Only a reviewer, and only for a unit it was assigned.
            #expect(
                try await d.post(http, unitC + "/recheck", as: "health", csrf: d.sessions["health"]!.csrf, fields: Self.valid).status
                    == .forbidden
            )
            #expect(
                try await d.post(http, unitC + "/recheck", as: "office", csrf: d.sessions["office"]!.csrf, fields: Self.valid).status
                    == .forbidden
            )
            #expect(
                try await d.post(http, D.base + "/units/" + F.unitA + "/recheck", as: "rev1", csrf: csrf, fields: Self.valid).status
                    == .notFound
            )
            #expect(try await rechecks() == before + 1)
        }
        await d.f.client.close()
    }
}
