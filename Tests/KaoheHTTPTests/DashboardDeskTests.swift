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

/// The office's desk in the browser: the spot check as a ceremony (freeze, then the seed digits and
/// the draw), grading (propose, confirm), 公示 (open, finalise), objections with the committee's
/// 复议, and staff appeals filed by the unit and decided by the office. Each form goes through the
/// store call of its API route (audited alike), files once per rendering, and on a refusal shows
/// the page again with the reason and what was typed.
@Suite("Dashboard: the office's desk")
struct DashboardDeskTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture
    static let spotCheck = D.base + "/spot-check"
    static let results = D.base + "/results"
    static let objections = D.base + "/objections"

    static func audited(_ d: D, _ action: String) async throws -> Int {
        try await d.f.client.query(
            "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = \(action)"
        ).single(Int.self) ?? 0
    }

    @Test("spot-check ceremony: a redraw is frozen with its reason, the hash shown large, then drawn with the seed digits typed")
    func ceremony() async throws {
        let d = try await D.make()
        let store = SpotCheckStore(client: d.f.client)
        let ref = CycleRef(county: F.county, cycle: "2026")
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.spotCheck, as: "office"))
            #expect(page.contains("抽查仪式"))
            #expect(page.contains("action=\"\(Self.spotCheck)/freeze\""))
            #expect(page.contains("重新抽查的理由"))  // drawn already: a freeze starts a redraw
            #expect(page.contains("冻结的抽查总体"))
            // Nobody else holds the ceremony.
            for account in ["auditor", "edu", "unit-a"] {
                #expect(!D.text(try await d.get(http, Self.spotCheck, as: account)).contains("/spot-check/freeze"), "\(account)")
            }
            #expect(try await d.post(http, Self.spotCheck + "/freeze", as: "edu", csrf: d.sessions["edu"]!.csrf).status == .forbidden)
            #expect(try await d.post(http, Self.spotCheck + "/freeze", as: "office", csrf: nil).status == .forbidden)

            // A redraw without a reason: refused on the page itself, nothing frozen.
            let drawsAudited = try await Self.audited(d, "spot_check.draw")
            var response = try await d.post(http, Self.spotCheck + "/freeze", as: "office", csrf: csrf, fields: ["reason": "  "])
            #expect(response.status == .conflict)
            page = D.text(response)
            #expect(page.contains("class=\"notice alert\""))
            #expect(page.contains("理由"))
            #expect(try await store.all(cycle: ref).count == 1)

            // Frozen with the reason, once for the same rendering however often it is sent.
            let fields = ["reason": "原抽签现场未公开宣读种子", "_once": "ceremony-freeze-token-0001"]
            response = try await d.post(http, Self.spotCheck + "/freeze", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == Self.spotCheck + "?done=freeze")
            #expect(try await d.post(http, Self.spotCheck + "/freeze", as: "office", csrf: csrf, fields: fields).status == .seeOther)
            let frozen = try #require(try await store.current(cycle: ref))
            #expect(frozen.drawNo == 2 && frozen.drawnAt == nil && frozen.redrawReason == "原抽签现场未公开宣读种子")
            #expect(try await store.all(cycle: ref).count == 2)

            page = D.text(try await d.get(http, Self.spotCheck + "?done=freeze", as: "office"))
            #expect(page.contains("已冻结抽查总体"))
            #expect(page.contains("class=\"big-hash\""))
            #expect(page.contains(String(frozen.populationHash.prefix(8)) + " "))  // grouped by eight to read out
            #expect(page.contains("action=\"\(Self.spotCheck)/draw\""))
            #expect(!page.contains("action=\"\(Self.spotCheck)/freeze\""))

            // Too few digits: refused beside the field, the digits typed shown again.
            response = try await d.post(http, Self.spotCheck + "/draw", as: "office", csrf: csrf, fields: ["seed": "12345"])
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("value=\"12345\""))
            #expect(page.contains("class=\"field-error\""))
            #expect(try await store.current(cycle: ref)?.drawnAt == nil)

            let seed = "3141 5926 5358 9793 2384 6264"
            response = try await d.post(http, Self.spotCheck + "/draw", as: "office", csrf: csrf, fields: ["seed": seed])
            #expect(response.status == .seeOther)
            let drawn = try #require(try await store.current(cycle: ref))
            #expect(drawn.drawNo == 2 && drawn.seedSource == "dice")
            #expect(drawn.selection?.seed == "314159265358979323846264")
            #expect(try await Self.audited(d, "spot_check.draw") == drawsAudited + 1)
            page = D.text(try await d.get(http, Self.spotCheck + "?done=draw", as: "office"))
            #expect(page.contains("已完成抽取"))
            #expect(page.contains("314159265358979323846264"))
        }
        await d.f.client.close()
    }

    @Test("grading and 公示 from the results page: propose, confirm, open (a day in the past refused, typed day kept), finalise; audited")
    func gradingAndPublicity() async throws {
        let d = try await D.make(propose: false, standingOn: "2026-03-04")
        let grading = GradingStore(client: d.f.client)
        let ref = CycleRef(county: F.county, cycle: "2026")
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.results, as: "office"))
            #expect(page.contains("action=\"\(Self.results)/propose\""))
            #expect(!page.contains("/results/confirm"))
            #expect(!D.text(try await d.get(http, Self.results, as: "auditor")).contains("/results/propose"))
            #expect(try await d.post(http, Self.results + "/propose", as: "edu", csrf: d.sessions["edu"]!.csrf).status == .forbidden)

            var response = try await d.post(http, Self.results + "/propose", as: "office", csrf: csrf)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == Self.results + "?done=propose")
            #expect(try await grading.current(cycle: ref)?.state == .proposed)
            page = D.text(try await d.get(http, Self.results + "?done=propose", as: "office"))
            #expect(page.contains("已生成等次建议"))
            #expect(page.contains("重新生成等次建议"))
            #expect(page.contains("action=\"\(Self.results)/confirm\""))

            response = try await d.post(http, Self.results + "/confirm", as: "office", csrf: csrf)
            #expect(response.status == .seeOther)
            #expect(try await grading.current(cycle: ref)?.state == .confirmed)
            page = D.text(try await d.get(http, Self.results, as: "office"))
            #expect(page.contains("action=\"\(Self.results)/publicity-open\""))
            #expect(!page.contains("/results/propose"))

            // Today is 4 March 2026: a window opening on the 2nd is refused, the day typed kept.
            response = try await d.post(http, Self.results + "/publicity-open", as: "office", csrf: csrf, fields: ["opensOn": "2026-03-02"])
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("不能早于今天"))
            #expect(page.contains("value=\"2026-03-02\""))
            #expect(!page.contains("today"))
            #expect(try await grading.publicity(cycle: ref) == nil)

            response = try await d.post(http, Self.results + "/publicity-open", as: "office", csrf: csrf, fields: ["opensOn": ""])
            #expect(response.status == .seeOther)
            let window = try #require(try await grading.publicity(cycle: ref))
            #expect(window.opensOn == "2026-03-04")
            page = D.text(try await d.get(http, Self.results, as: "office"))
            #expect(page.contains("公示期:2026-03-04 至 \(window.closesOn)"))
            #expect(page.contains("action=\"\(Self.results)/finalise\""))

            // The window of March has passed by the database's clock: finalising is allowed.
            response = try await d.post(http, Self.results + "/finalise", as: "office", csrf: csrf)
            #expect(response.status == .seeOther)
            #expect(try await grading.current(cycle: ref)?.state == .final)
            page = D.text(try await d.get(http, Self.results + "?done=finalise", as: "office"))
            #expect(page.contains("考核结果已定档"))
            #expect(!page.contains("/results/finalise"))
            for action in ["grading.propose", "grading.confirm", "publicity.open", "publicity.finalise"] {
                #expect(try await Self.audited(d, action) >= 1, "\(action)")
            }
        }
        await d.f.client.close()
    }

    @Test("staff appeals: the unit picks the staff member from its roster, the office decides; refusals name the field in Chinese")
    func appeals() async throws {
        // Told Thu 12 Feb 2026: the 10th working day after is Wed 4 Mar.
        let d = try await D.make(standingOn: "2026-03-04")
        let grading = GradingStore(client: d.f.client)
        let ref = CycleRef(county: F.county, cycle: "2026")
        try await d.f.app().test(.router) { http in
            #expect(try await d.f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: GradingAPITests.roster).status == .ok)
            var page = D.text(try await d.get(http, Self.objections, as: "unit-a"))
            #expect(page.contains("action=\"\(Self.objections)/appeal\""))
            #expect(page.contains("<option value=\"010\">"))  // 基本合格: may appeal
            #expect(!page.contains("<option value=\"001\">"))  // 优秀: may not
            #expect(!page.contains("name=\"filedOn\""))  // only the office records a paper date
            #expect(!D.text(try await d.get(http, Self.objections, as: "edu")).contains("/objections/appeal\""))

            // Someone not on the roster: refused beside the staff field, the reason typed kept.
            let csrf = d.sessions["unit-a"]!.csrf
            var fields = ["unit": F.unitA, "staffNo": "999", "notifiedOn": "2026-02-12", "reason": "测评分统计有误"]
            var response = try await d.post(http, Self.objections + "/appeal", as: "unit-a", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("class=\"field-error\""))
            #expect(page.contains("测评分统计有误"))
            // Another unit's appeal: the same 404 as the API.
            fields["unit"] = F.unitB
            fields["staffNo"] = "010"
            #expect(try await d.post(http, Self.objections + "/appeal", as: "unit-a", csrf: csrf, fields: fields).status == .notFound)
            // A day too late is the store's refusal, in Chinese.
            fields["unit"] = F.unitA
            fields["notifiedOn"] = "2026-02-10"
            response = try await d.post(http, Self.objections + "/appeal", as: "unit-a", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("已逾期"))
            #expect(try await grading.appeals(cycle: ref).isEmpty)

            fields["notifiedOn"] = "2026-02-12"
            response = try await d.post(http, Self.objections + "/appeal", as: "unit-a", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            let appeal = try #require(try await grading.appeals(cycle: ref).first)
            #expect(appeal.staffNo == "010" && appeal.grade == "basic" && appeal.filedOn == "2026-03-04")

            // The office: a decision form per open application; "changed" needs the new grade.
            page = D.text(try await d.get(http, Self.objections, as: "office"))
            #expect(page.contains("action=\"\(Self.objections)/decide-appeal\""))
            #expect(page.contains("测评分统计有误"))
            let office = d.sessions["office"]!.csrf
            #expect(
                try await d.post(
                    http,
                    Self.objections + "/decide-appeal",
                    as: "unit-a",
                    csrf: csrf,
                    fields: ["id": "\(appeal.id)", "outcome": "upheld"]
                )
                .status == .forbidden
            )
            response = try await d.post(
                http,
                Self.objections + "/decide-appeal",
                as: "office",
                csrf: office,
                fields: ["id": "\(appeal.id)", "outcome": "changed"]
            )
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("请选择复核后的等次"))
            // Beside this decision's grade only: the office's own 复核申请 form has a grade field too.
            let beside = D.text(response).components(separatedBy: "<p class=\"field-error\">结果为“改变等次”时,请选择复核后的等次。</p>").count - 1
            #expect(beside == 1)
            response = try await d.post(
                http,
                Self.objections + "/decide-appeal",
                as: "office",
                csrf: office,
                fields: ["id": "\(appeal.id)", "outcome": "changed", "grade": "competent", "note": "复核委员会2026年3月会议"]
            )
            #expect(response.status == .seeOther)
            let decided = try #require(try await grading.appeal(county: F.county, id: appeal.id))
            #expect(decided.outcome == "changed" && decided.decidedGrade == "competent")
            page = D.text(try await d.get(http, Self.objections + "?done=decide-appeal", as: "unit-a"))
            #expect(page.contains("已记录复核结果"))
            #expect(page.contains("改变等次"))
            #expect(try await Self.audited(d, "appeal.file") == 1)
            #expect(try await Self.audited(d, "appeal.decide") == 1)
        }
        await d.f.client.close()
    }

    @Test("objections during 公示: filed by the unit, 复议 by its own committee only; outside its scope 404")
    func objections() async throws {
        let d = try await D.make()
        let grading = GradingStore(client: d.f.client)
        let ref = CycleRef(county: F.county, cycle: "2026")
        let office = Principal(county: F.county, account: "office", role: .office)
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.objections, as: "unit-a"))
            #expect(page.contains("尚未公示"))
            #expect(!page.contains("/objections/objection\""))

            _ = try await grading.confirm(cycle: ref, principal: office)
            _ = try await grading.openPublicity(cycle: ref, opensOn: nil, principal: office)
            page = D.text(try await d.get(http, Self.objections, as: "unit-a"))
            #expect(page.contains("action=\"\(Self.objections)/objection\""))
            #expect(page.contains("<option value=\"\(F.unitA)\">"))
            #expect(!page.contains("<option value=\"\(F.unitB)\">"))

            let csrf = d.sessions["unit-a"]!.csrf
            var response = try await d.post(
                http,
                Self.objections + "/objection",
                as: "unit-a",
                csrf: csrf,
                fields: ["unit": F.unitA, "text": " "]
            )
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("异议内容应为1–10000字"))
            response = try await d.post(
                http,
                Self.objections + "/objection",
                as: "unit-a",
                csrf: csrf,
                fields: ["unit": F.unitA, "text": "核验评分时未考虑本单位补交的材料"]
            )
            #expect(response.status == .seeOther)
            let objection = try #require(try await grading.objections(cycle: ref).first)
            #expect(objection.unit.rawValue == F.unitA && objection.outcome == nil)

            // 复议: A's committee (教育) sees the form; 卫健 sees neither the objection nor may review it.
            page = D.text(try await d.get(http, Self.objections, as: "edu"))
            #expect(page.contains("action=\"\(Self.objections)/review\""))
            #expect(page.contains("核验评分时未考虑本单位补交的材料"))
            page = D.text(try await d.get(http, Self.objections, as: "health"))
            #expect(!page.contains("核验评分时未考虑本单位补交的材料"))
            #expect(
                try await d.post(
                    http,
                    Self.objections + "/review",
                    as: "health",
                    csrf: d.sessions["health"]!.csrf,
                    fields: ["id": "\(objection.id)", "outcome": "rejected"]
                ).status == .notFound
            )
            response = try await d.post(
                http,
                Self.objections + "/review",
                as: "edu",
                csrf: d.sessions["edu"]!.csrf,
                fields: ["id": "\(objection.id)", "outcome": "rejected", "grade": "good"]
            )
            #expect(response.status == .unprocessableContent)
            response = try await d.post(
                http,
                Self.objections + "/review",
                as: "edu",
                csrf: d.sessions["edu"]!.csrf,
                fields: ["id": "\(objection.id)", "outcome": "rejected", "note": "材料已在评分时核对"]
            )
            #expect(response.status == .seeOther)
            #expect(try await grading.objection(county: F.county, id: objection.id)?.outcome == "rejected")
            page = D.text(try await d.get(http, Self.objections, as: "unit-a"))
            #expect(page.contains("异议不成立"))
            #expect(try await Self.audited(d, "objection.review") == 1)
        }
        await d.f.client.close()
    }

    static let setup = D.base + "/setup"

    @Test("周期设置: the office extends one unit's roster deadline (refusals beside the field), the unit page shows it; enrolment; others 404")
    func setupPage() async throws {
        let d = try await D.make()
        let cycles = CycleStore(client: d.f.client)
        let ref = CycleRef(county: F.county, cycle: "2026")
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.setup, as: "office"))
            #expect(page.contains("action=\"\(Self.setup)/extend\""))
            #expect(page.contains("action=\"\(Self.setup)/enrol\""))
            #expect(page.contains("href=\"\(Self.setup)\""))  // in the office's navigation
            for account in ["edu", "unit-a", "auditor"] {
                #expect(try await d.get(http, Self.setup, as: account).status == .notFound, "\(account)")
                #expect(!D.text(try await d.get(http, D.base, as: account)).contains("周期设置"), "\(account)")
            }
            let later = String(ShanghaiTime.format(Date().addingTimeInterval(5 * 86_400)).prefix(10))
            var fields = ["step": "roster", "unit": F.unitB, "deadline": later + "T18:00", "reason": " "]
            var response = try await d.post(http, Self.setup + "/extend", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("请写明延期理由"))
            #expect(page.contains("value=\"\(later)T18:00\""))
            #expect(try await cycles.extensions(cycle: ref).isEmpty)
            #expect(
                try await d.post(http, Self.setup + "/extend", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: fields).status
                    == .forbidden
            )

            fields["reason"] = "单位遭受洪灾,材料损毁"
            response = try await d.post(http, Self.setup + "/extend", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            let granted = try #require(try await cycles.extensions(cycle: ref).first)
            #expect(granted.unit?.rawValue == F.unitB && granted.step == .roster)
            #expect(ShanghaiTime.format(granted.deadline) == later + "T18:00:00+08:00")
            page = D.text(try await d.get(http, Self.setup + "?done=extend", as: "office"))
            #expect(page.contains("已延期"))
            #expect(page.contains("单位遭受洪灾,材料损毁"))
            page = D.text(try await d.get(http, D.base + "/units/" + F.unitB, as: "unit-b"))
            #expect(page.contains("已为本单位延期:单位遭受洪灾,材料损毁"))
            #expect(!D.text(try await d.get(http, D.base + "/units/" + F.unitA, as: "unit-a")).contains("已为本单位延期"))

            // Enrolment: all registered units (as now) is no change; dropping one after the freeze is refused.
            response = try await d.post(http, Self.setup + "/enrol", as: "office", csrf: csrf, fields: ["mode": "all"])
            #expect(response.status == .seeOther)
            response = try await d.post(
                http,
                Self.setup + "/enrol",
                as: "office",
                csrf: csrf,
                fields: ["mode": "picked", "unit_\(F.unitA)": "on"]
            )
            #expect(response.status == .conflict)
            #expect(D.text(response).contains("抽查总体已于"))
            #expect(try await cycles.cycle(cycle: ref)?.units.count == 3)
            response = try await d.post(http, Self.setup + "/enrol", as: "office", csrf: csrf, fields: ["mode": "committees"])
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("请勾选至少一个专业考核委员会"))
        }
        await d.f.client.close()
    }

    @Test("设立考核周期 on /cycles: the office only; a bad id or date is refused beside its field with everything kept; created, then on to 周期设置")
    func createCycle() async throws {
        let d = try await D.make(propose: false)
        let cycles = CycleStore(client: d.f.client)
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, "/cycles", as: "office"))
            #expect(page.contains("action=\"/cycles/new\""))
            #expect(page.contains("name=\"roster-deadline\""))
            #expect(!D.text(try await d.get(http, "/cycles", as: "unit-a")).contains("/cycles/new"))
            #expect(
                try await d.post(http, "/cycles/new", as: "edu", csrf: d.sessions["edu"]!.csrf, fields: ["cycle": "2027"]).status
                    == .forbidden
            )

            var fields = [
                "cycle": "27", "title": "2027年度考核", "scheme": "county-2021", "policy": "tied-2023", "roster-deadline": "2028-01-31",
            ]
            var response = try await d.post(http, "/cycles/new", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("考核周期编号应为年度"))
            #expect(page.contains("value=\"2027年度考核\"") && page.contains("value=\"2028-01-31\""))

            fields["cycle"] = "2027"
            fields["roster-deadline"] = "2028-02-30"
            response = try await d.post(http, "/cycles/new", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("class=\"field-error\""))
            #expect(try await cycles.cycle(cycle: CycleRef(county: F.county, cycle: "2027")) == nil)

            fields["roster-deadline"] = "2028-01-31"
            response = try await d.post(http, "/cycles/new", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/counties/\(F.county)/cycles/2027/setup?done=created")
            let created = try #require(try await cycles.cycle(cycle: CycleRef(county: F.county, cycle: "2027")))
            #expect(created.definition.title == "2027年度考核")
            let roster = try #require(created.steps.first { $0.step == .roster })
            #expect(ShanghaiTime.format(roster.times.deadline) == "2028-01-31T23:59:59+08:00")
            page = D.text(try await d.get(http, "/counties/\(F.county)/cycles/2027/setup?done=created", as: "office"))
            #expect(page.contains("已设立考核周期"))

            response = try await d.post(http, "/cycles/new", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .conflict)
            #expect(D.text(response).contains("已经存在"))
        }
        await d.f.client.close()
    }
}
