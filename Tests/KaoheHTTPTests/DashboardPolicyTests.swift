import Foundation
import HTTPTypes
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 考核政策 in the browser (issue 18): every account reads the cycle's policy in words; the office
/// tries a change on the filings (试算, nothing stored), sees a bound refused beside its field, and
/// saves; a part whose step has come is shown locked and not sent.
@Suite("Dashboard: the cycle's policy (考核政策)")
struct DashboardPolicyTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static func once(_ page: String) throws -> String {
        try #require(page.components(separatedBy: "name=\"_once\" value=\"").dropFirst().first?.prefix(while: { $0 != "\"" })).description
    }

    @Test(
        "read by all, tried and saved by the office: the dry run lists the unit whose grade moves, a bound is refused beside its field, the save is a new version"
    )
    func tryAndSave() async throws {
        let d = try await D.make(propose: false)
        let csrf = d.sessions["office"]!.csrf
        let path = D.base + "/policy"
        try await d.f.app().test(.router) { http in
            // A unit's clerk reads the rules, with no form.
            var page = D.text(try await d.get(http, path, as: "unit-a"))
            #expect(page.contains("优秀不超过30%,合格不低于10%,全县统一计算"))
            #expect(!page.contains("/policy/try"))
            #expect(page.contains("href=\"\(path)\""))  // in the cycle's navigation

            // The office: the form; rosters are open and the population is frozen, so those parts are locked.
            page = D.text(try await d.get(http, path, as: "office"))
            #expect(page.contains("action=\"\(path)/try\"") && page.contains("formaction=\"\(path)/save\""))
            // Two parts of the form and the scheme's upload (committees score already).
            #expect(page.components(separatedBy: "<fieldset disabled>").count == 4)
            #expect(page.contains("专考委评分已于"))
            #expect(page.contains("工作人员名册已于") && page.contains("抽样总体已于"))
            #expect(page.contains("可修改(拟定考核等次之前)"))

            // 试算: without a 合格 floor the lowest unit (C, 87) stays 良好; nothing is stored.
            var response = try await d.post(
                http,
                path + "/try",
                as: "office",
                csrf: csrf,
                fields: ["qualifiedMin": "0", "excellentMax": "30"]
            )
            #expect(response.status == .ok)
            page = D.text(response)
            #expect(page.contains("试算结果") && page.contains("3个单位参与试算,1个单位的等次会变化"), "\(page)")
            #expect(page.contains("<td>合格</td><td>良好</td>"))
            #expect(page.contains("name=\"qualifiedMin\" min=\"0\" max=\"100\" value=\"0\""))  // the form as typed
            #expect(
                try await CyclePolicyStore(client: d.f.client).current(cycle: CycleRef(county: F.county, cycle: "2026"))?.current.version
                    == 1
            )
            // A bound crossed shows in the dry run, and is refused on save beside its field.
            page = D.text(try await d.post(http, path + "/try", as: "office", csrf: csrf, fields: ["excellentMax": "40"]))
            #expect(page.contains("按此政策不能保存:单位优秀等次占比上限40%高于文件规定的30%"))
            let fresh = D.text(try await d.get(http, path, as: "office"))
            response = try await d.post(
                http,
                path + "/save",
                as: "office",
                csrf: csrf,
                fields: ["excellentMax": "40", "reason": "试一试", "_once": try Self.once(fresh), "version": "1"]
            )
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("<p class=\"field-error\">单位优秀等次占比上限40%高于文件规定的30%"), "\(page)")
            #expect(page.contains(">试一试</textarea>"))
            response = try await d.post(http, path + "/try", as: "office", csrf: csrf, fields: ["excellentMax": "三十"])
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("优秀等次占比上限应为0至100之间的整数"))
            #expect(
                try await CyclePolicyStore(client: d.f.client).current(cycle: CycleRef(county: F.county, cycle: "2026"))?.current.version
                    == 1
            )

            // Saved: a new version, in words and in the versions table, audited.
            response = try await d.post(
                http,
                path + "/save",
                as: "office",
                csrf: csrf,
                fields: [
                    "qualifiedMin": "0", "reason": "本县方案不设合格下限", "_once": try Self.once(D.text(try await d.get(http, path, as: "office"))),
                    "version": "1",
                ]
            )
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == path + "?done=save")
            page = D.text(try await d.get(http, path + "?done=save", as: "office"))
            #expect(page.contains("已保存为新版本") && page.contains("合格及以下据实确定(无下限)"))
            #expect(page.contains("本县方案不设合格下限"))
            let stored = try #require(
                try await CyclePolicyStore(client: d.f.client).current(cycle: CycleRef(county: F.county, cycle: "2026"))
            )
            #expect(stored.current.version == 2 && stored.current.policy.grading.qualifiedMinPercent.value == 0)
            let audited = try await d.f.client.query(
                "SELECT count(*) AS n FROM audit_log WHERE county = \(F.county) AND action = 'cycle.policy'"
            ).one().decode(Int64.self, column: "n")
            #expect(audited == 1)

            // Only the office saves; the auditor may try.
            #expect(
                try await d.post(http, path + "/try", as: "auditor", csrf: d.sessions["auditor"]!.csrf, fields: ["qualifiedMin": "10"])
                    .status == .ok
            )
            #expect(try await d.post(http, path + "/try", as: "unit-a", csrf: d.sessions["unit-a"]!.csrf, fields: [:]).status == .notFound)
        }
    }

    @Test(
        "a committee enters its own weights on the page (refused beside the field, saved in its name); the office uploads the county's own scheme, downloads it, and goes back to the built-in one"
    )
    func weightsAndScheme() async throws {
        let d = try await D.make(propose: false)
        let path = "/counties/\(F.county)/cycles/2027/policy"
        try await d.f.app().test(.router) { http in
            // 2027 under 篇十二's scheme, no step open yet.
            let created = try await d.f.call(http, .put, F.cycleBase + "/2027", as: "office", json: #"{"preset": "municipal-2019"}"#)
            #expect(created.status == .created, "\(String(buffer: created.body))")

            // The committee's form: each indicator with the scheme's default, each group with its range.
            var page = D.text(try await d.get(http, path, as: "edu"))
            #expect(page.contains("的指标权重") && page.contains("履行职责(50–70分)"))
            #expect(page.contains(#"name="w_key_tasks" value="25""#))
            #expect(!page.contains("本县指标体系"))  // the office's form only
            #expect(!D.text(try await d.get(http, path, as: "unit-a")).contains("w_key_tasks"))

            var fields = [
                "w_key_tasks": "30", "w_main_duties": "30", "w_budget_performance": "10", "w_reform_innovation": "8",
                "w_quality_efficiency": "7", "w_sponsor_eval": "8", "w_client_eval": "7", "reason": "本委细化权重",
            ]
            // Not a number: refused beside its field, what was typed kept.
            var bad = fields
            bad["w_main_duties"] = "三十"
            bad["_once"] = try Self.once(page)
            var response = try await d.post(http, path + "/weights", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: bad)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("请为“主要职责”填写分值"))
            #expect(page.contains(#"name="w_main_duties" value="三十""#))
            // 履行职责 75 is over its 70: refused, nothing saved.
            bad = fields
            bad["w_key_tasks"] = "35"
            bad["_once"] = try Self.once(page)
            response = try await d.post(http, path + "/weights", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: bad)
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("履行职责"))
            let ref = CycleRef(county: F.county, cycle: "2027")
            #expect(try await CyclePolicyStore(client: d.f.client).current(cycle: ref)?.current.version == 1)
            // Within the ranges: saved, in the committee's name.
            fields["_once"] = try Self.once(D.text(try await d.get(http, path, as: "edu")))
            response = try await d.post(http, path + "/weights", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: fields)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == path + "?done=weights")
            var stored = try #require(try await CyclePolicyStore(client: d.f.client).current(cycle: ref))
            #expect(stored.current.policy.committeeWeightings?["education"]?.indicatorMax["key_tasks"] == Score(points: 30))
            #expect(stored.current.setBy == "edu")
            page = D.text(try await d.get(http, path + "?done=weights", as: "office"))
            #expect(page.contains("履行职责70分、创新创优15分、综合测评15分"))

            // The office: the scheme form; a file that is not a scheme is refused beside the field.
            #expect(page.contains("本县指标体系") && page.contains(#"enctype="multipart/form-data""#))
            let csrf = d.sessions["office"]!.csrf
            response = try await d.upload(
                http,
                path + "/scheme",
                as: "office",
                csrf: csrf,
                fields: ["_once": try Self.once(page), "reason": "县实施方案"],
                files: [("scheme", "scheme.json", Array(#"{"id": "x"}"#.utf8))]
            )
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("文件不是可读的指标体系"))
            // The scheme in force, downloaded, renamed and uploaded: saved as the county's own.
            response = try await d.get(http, path + "/scheme.json", as: "office")
            #expect(response.status == .ok)
            var scheme = try RulesJSON.decode(IndicatorScheme.self, from: Data(response.body.readableBytesView), name: "scheme.json")
            #expect(scheme.id == "municipal-2019")
            scheme.id = "county-2027"
            scheme.title = "本县2027年度单位绩效考核指标"
            response = try await d.upload(
                http,
                path + "/scheme",
                as: "office",
                csrf: csrf,
                fields: ["_once": try Self.once(D.text(try await d.get(http, path, as: "office"))), "reason": "县实施方案"],
                files: [("scheme", "scheme.json", Array(RulesJSON.encode(scheme)))]
            )
            #expect(response.status == .seeOther, "\(D.text(response))")
            page = D.text(try await d.get(http, path + "?done=scheme", as: "office"))
            #expect(page.contains("本县指标体系已保存") && page.contains("为本县上传的指标体系"))
            #expect(page.contains("县自定指标体系“本县2027年度单位绩效考核指标”"))
            stored = try #require(try await CyclePolicyStore(client: d.f.client).current(cycle: ref))
            #expect(stored.current.policy.defaultScheme == "county-2027" && stored.current.version == 3)
            // Back to the built-in scheme.
            response = try await d.upload(
                http,
                path + "/scheme",
                as: "office",
                csrf: csrf,
                fields: ["_once": try Self.once(page), "builtIn": "1"],
                files: []
            )
            #expect(response.status == .seeOther)
            stored = try #require(try await CyclePolicyStore(client: d.f.client).current(cycle: ref))
            #expect(stored.current.policy.defaultScheme == "municipal-2019" && stored.current.policy.scheme == nil)
            // The office switches the staff rule to 篇五's categories: taken whole (the ratios typed
            // were the old rule's).
            page = D.text(try await d.get(http, path, as: "office"))
            #expect(page.contains(#"<option value="by-level-2014">"#))
            response = try await d.post(
                http,
                path + "/save",
                as: "office",
                csrf: csrf,
                fields: ["rosterPreset": "by-level-2014", "staff_excellent": "30", "reason": "按类别控制", "_once": try Self.once(page)]
            )
            #expect(response.status == .seeOther, "\(D.text(response))")
            stored = try #require(try await CyclePolicyStore(client: d.f.client).current(cycle: ref))
            #expect(stored.current.policy.roster.id == "by-level-2014")
            #expect(stored.current.policy.roster.excellentPercentByUnitGrade["excellent"]?.value == 25)
            #expect(D.text(try await d.get(http, path, as: "unit-a")).contains("中层干部单独计算,优秀不超过25%"))
            // A committee may not upload.
            #expect(
                try await d.upload(http, path + "/scheme", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: [:], files: []).status
                    == .forbidden
            )
        }
    }
}
