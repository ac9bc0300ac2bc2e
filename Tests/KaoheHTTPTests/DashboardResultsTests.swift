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

/// 考核结果 and 公示名单 pages: each role sees the grades of its own scope only, with the SVG chart;
/// the office's confirmation form needs the session's CSRF token and confirms through the same
/// store path as the API (audit entry included); the tables download as Excel CSV.
@Suite("Dashboard: results and publicity pages")
struct DashboardResultsTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture
    static let results = D.base + "/results"

    @Test("results page per role: office and auditor see every committee, a committee its own units, a unit itself")
    func resultsPerRole() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let office = try await d.get(http, Self.results, as: "office")
            #expect(office.status == .ok)
            var page = D.text(office)
            for name in ["县第一中学", "县第二中学", "县医院", "教育专业考核委员会", "卫健专业考核委员会"] { #expect(page.contains(name), "\(name)") }
            #expect(page.contains("<svg"))
            #expect(page.contains("<desc id=\"chart-grades-desc\">"))
            #expect(page.contains("核验评分(改判)"))  // A's re-check replaced the committee's assessment
            #expect(page.contains("action=\"\(Self.results)/confirm\""))
            #expect(page.contains("value=\"\(d.sessions["office"]!.csrf)\""))
            #expect(!page.contains("<script"))

            page = D.text(try await d.get(http, Self.results, as: "auditor"))
            #expect(page.contains("县医院") && page.contains("县第一中学"))
            #expect(!page.contains("/results/confirm"))  // the auditor changes nothing

            let edu = try await d.get(http, Self.results, as: "edu")
            #expect(edu.status == .ok)
            page = D.text(edu)
            #expect(page.contains("县第一中学") && page.contains("县第二中学"))
            #expect(!page.contains("县医院"))
            #expect(!page.contains("卫健专业考核委员会"))
            #expect(!page.contains(F.unitC))
            #expect(!page.contains("/results/confirm"))

            page = D.text(try await d.get(http, Self.results, as: "health"))
            #expect(page.contains("县医院") && !page.contains("县第一中学") && !page.contains(F.unitA))

            page = D.text(try await d.get(http, Self.results, as: "unit-b"))
            #expect(page.contains("县第二中学") && !page.contains("县第一中学") && !page.contains("县医院"))

            page = D.text(try await d.get(http, Self.results, as: "rev1"))
            #expect(page.contains("县医院") && !page.contains("县第一中学") && !page.contains("县第二中学"))

            // Another county's office: the same 404 page as a cycle that does not exist.
            #expect(try await d.get(http, Self.results, as: "other-office").status == .notFound)

            // Every table downloads as Excel CSV with the same scope.
            let csv = try await d.get(http, Self.results + ".csv?table=units", as: "edu")
            D.expectExcelCSV(csv)
            let text = D.text(csv)
            #expect(text.contains(F.unitA) && text.contains(F.unitB) && !text.contains(F.unitC))
            D.expectExcelCSV(try await d.get(http, Self.results + ".csv?table=distribution", as: "office"))
            #expect(try await d.get(http, Self.results + ".csv?table=nope", as: "office").status == .notFound)
        }
    }

    @Test("the confirmation form refuses a missing or wrong CSRF token and confirms with the right one, audited")
    func confirmForm() async throws {
        let d = try await D.make()
        let grading = GradingStore(client: d.f.client)
        try await d.f.app().test(.router) { http in
            var response = try await d.post(http, Self.results + "/confirm", as: "office", csrf: nil)
            #expect(response.status == .forbidden)
            response = try await d.post(http, Self.results + "/confirm", as: "office", csrf: "not-the-token")
            #expect(response.status == .forbidden)
            #expect(D.text(response).contains("CSRF"))
            #expect(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026"))?.state == .proposed)

            // A committee with its own valid token may not confirm.
            response = try await d.post(http, Self.results + "/confirm", as: "edu", csrf: d.sessions["edu"]!.csrf)
            #expect(response.status == .forbidden)
            #expect(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026"))?.state == .proposed)

            response = try await d.post(http, Self.results + "/confirm", as: "office", csrf: d.sessions["office"]!.csrf)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == Self.results + "?done=confirm")
            #expect(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026"))?.state == .confirmed)
            let audited = try await d.f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'grading.confirm' AND actor LIKE '%office'"
            )
            #expect(try audited.single(Int.self) == 1)

            let page = D.text(try await d.get(http, Self.results, as: "office"))
            #expect(page.contains("县事考办已确认"))
            #expect(page.contains("确认:office"))
            #expect(!page.contains("/results/confirm"))  // nothing left to confirm
        }
    }

    @Test("公示名单: printable list with the print stylesheet, scoped per role, CSV with BOM")
    func publicityList() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.results + "/publicity", as: "office"))
            #expect(page.contains("闽侯县"))
            #expect(page.contains("结果公示"))
            #expect(page.contains("不得公示"))  // still a proposal
            #expect(page.contains("/static/kaohe.css"))
            for name in ["县第一中学", "县第二中学", "县医院"] { #expect(page.contains(name)) }

            page = D.text(try await d.get(http, Self.results + "/publicity", as: "health"))
            #expect(page.contains("县医院") && !page.contains("县第一中学"))

            let csv = try await d.get(http, Self.results + "/publicity.csv", as: "office")
            D.expectExcelCSV(csv)
            #expect(D.text(csv).contains("序号,单位名称,统一社会信用代码,专业考核委员会,考核等次"))

            let css = D.text(try await http.executeRequest(uri: "/static/kaohe.css", method: .get, headers: [:], body: nil))
            #expect(css.contains("@media print"))
            #expect(css.contains(".publicity-list"))
        }
    }
}

/// Ties: the proposal's conflicts on the results page, the confirmation held back until decided.
@Suite("Dashboard: results page with a tie conflict")
struct DashboardResultsConflictTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    @Test("a tie at the 合格 floor is shown to the office with every tied unit, to a committee with its own only; confirm is held back")
    func tieConflict() async throws {
        // A is re-checked to 84.00 (overridden); B and C tie at 84.00 with it: one of the three must become 合格.
        let d = try await D.make(keyTasks: ("18", "13", "13"))
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, DashboardResultsTests.results, as: "office"))
            #expect(page.contains("合格比例下限处并列"))
            #expect(page.contains("县第一中学(\(F.unitA))") && page.contains("县医院(\(F.unitC))"))
            #expect(page.contains("不能确认"))
            #expect(!page.contains("<button type=\"submit\">确认等次建议</button>"))

            page = D.text(try await d.get(http, DashboardResultsTests.results, as: "edu"))
            #expect(page.contains("合格比例下限处并列"))
            #expect(page.contains("县第二中学(\(F.unitB))"))
            #expect(!page.contains("县医院") && !page.contains(F.unitC))
            #expect(page.contains("由县事考办决定"))

            // Confirming anyway (a stale form) is refused with the store's reason, nothing changes.
            var response = try await d.post(
                http,
                DashboardResultsTests.results + "/confirm",
                as: "office",
                csrf: d.sessions["office"]!.csrf
            )
            #expect(response.status == .conflict)
            let grading = GradingStore(client: d.f.client)
            #expect(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026"))?.state == .proposed)

            // The office's decision form: one per tie; wrong seats are refused, the right ones recorded (audited).
            page = D.text(try await d.get(http, DashboardResultsTests.results, as: "office"))
            #expect(page.contains("action=\"\(DashboardResultsTests.results)/decisions\""))
            #expect(page.contains("name=\"favoured_\(F.unitC)\""))
            #expect(!D.text(try await d.get(http, DashboardResultsTests.results, as: "edu")).contains("/results/decisions"))
            let decisions = DashboardResultsTests.results + "/decisions"
            response = try await d.post(
                http,
                decisions,
                as: "office",
                csrf: nil,
                fields: ["cut": "qualified-floor", "reference": "县考办〔2026〕3号"]
            )
            #expect(response.status == .forbidden)
            response = try await d.post(
                http,
                decisions,
                as: "office",
                csrf: d.sessions["office"]!.csrf,
                fields: ["cut": "qualified-floor", "reference": "县考办〔2026〕3号", "favoured_\(F.unitA)": "on"]
            )
            #expect(response.status == .unprocessableContent)
            #expect(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026"))?.conflicts.count == 1)
            response = try await d.post(
                http,
                decisions,
                as: "edu",
                csrf: d.sessions["edu"]!.csrf,
                fields: ["cut": "qualified-floor", "reference": "x", "favoured_\(F.unitA)": "on", "favoured_\(F.unitB)": "on"]
            )
            #expect(response.status == .forbidden)
            response = try await d.post(
                http,
                decisions,
                as: "office",
                csrf: d.sessions["office"]!.csrf,
                fields: ["cut": "qualified-floor", "reference": "县考办〔2026〕3号", "favoured_\(F.unitA)": "on", "favoured_\(F.unitB)": "on"]
            )
            #expect(response.status == .seeOther)
            let decided = try #require(try await grading.current(cycle: CycleRef(county: F.county, cycle: "2026")))
            #expect(decided.conflicts.isEmpty)
            #expect(decided.decisions.map(\.reference) == ["县考办〔2026〕3号"])
            #expect(decided.units.first { $0.code.rawValue == F.unitC }?.grade == .qualified)
            let audited = try await d.f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'grading.decide'"
            )
            #expect(try audited.single(Int.self) == 1)
            page = D.text(try await d.get(http, DashboardResultsTests.results, as: "office"))
            #expect(page.contains("<button type=\"submit\">确认等次建议</button>"))
            #expect(page.contains("县考办〔2026〕3号"))
        }
    }
}
