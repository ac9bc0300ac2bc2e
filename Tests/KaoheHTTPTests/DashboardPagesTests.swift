import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import NIOCore
import Postgres
import Testing

/// The overview and units pages for every role: the right units, and nothing outside the role's scope.
@Suite struct DashboardPagesTests {
    /// Unit A and B (education), C (health); the other county's unit is 连江一中.
    static let names = ["A": "县第一中学", "B": "县第二中学", "C": "县医院"]
    static let otherCountyUnit = "连江一中"

    /// Which units each account's pages show.
    static let scopes: [(account: String, sees: Set<String>)] = [
        ("office", ["A", "B", "C"]), ("auditor", ["A", "B", "C"]), ("edu", ["A", "B"]), ("health", ["C"]),
        ("unit-a", ["A"]), ("unit-b", ["B"]), ("reviewer", []),
    ]

    @Test func overviewAndUnitsShowEachRoleItsUnitsOnly() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            for (account, sees) in Self.scopes {
                var browser = Browser()
                #expect(try await browser.login(http, account: account).status == .seeOther, "\(account)")
                for path in [DashboardFixture.cyclePath, DashboardFixture.cyclePath + "/units"] {
                    let response = try await browser.get(http, path)
                    #expect(response.status == .ok, "\(account) \(path)")
                    let html = String(buffer: response.body)
                    for (unit, name) in Self.names {
                        #expect(
                            html.contains(name) == sees.contains(unit),
                            "\(account) \(path): \(name) shown? expected \(sees.contains(unit))"
                        )
                    }
                    #expect(!html.contains(Self.otherCountyUnit))
                    #expect(!html.contains(FilingAPIFixture.unitC) || sees.contains("C"), "\(account) \(path): unit C's code leaked")
                }
            }
        }
    }

    @Test func overviewShowsProgressDeadlinesAndLateUnits() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            try await browser.login(http, account: "office")
            let html = String(buffer: try await browser.get(http, DashboardFixture.cyclePath).body)
            #expect(html.contains("<svg class=\"bar\""))
            // Self-assessment: A filed late, B and C late unfiled: 3 late of 3.
            #expect(html.contains("自评：已报送 0，待完善 0，逾期 3，未报送 0，共 3"))
            #expect(html.contains("逾期单位 <span class=\"count\">3</span>"))
            #expect(html.contains("今天已截止") || html.contains("已截止 1 天"))
            #expect(html.contains("年") && html.contains("月") && html.contains("日"))
            #expect(!html.contains("<script"))

            // Its tables download as CSV; a committee's file holds only its units.
            let late = try await browser.get(http, DashboardFixture.cyclePath + "/overview.csv?table=late")
            #expect(late.status == .ok)
            #expect(Array(late.body.readableBytesView).prefix(3) == [0xEF, 0xBB, 0xBF])
            let lateText = String(buffer: late.body)
            #expect(lateText.contains("县第一中学") && lateText.contains("县医院"))
            var edu = Browser()
            try await edu.login(http, account: "edu")
            let eduLate = String(buffer: try await edu.get(http, DashboardFixture.cyclePath + "/overview.csv?table=late").body)
            #expect(eduLate.contains("县第一中学") && !eduLate.contains("县医院"))
            #expect(try await browser.get(http, DashboardFixture.cyclePath + "/overview.csv?table=nothing").status == .notFound)
        }
    }

    @Test("the office is warned on the overview when a holiday notice it needs is not loaded; a committee is not")
    func overviewWarnsOfAMissingCalendarYear() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var office = Browser()
            try await office.login(http, account: "office")
            var edu = Browser()
            try await edu.login(http, account: "edu")
            // The fixtures load this year and next (made up where no build knows them): nothing to warn of.
            #expect(!String(buffer: try await office.get(http, DashboardFixture.cyclePath).body).contains("的节假日安排（国务院办公厅通知）"))
            // Without them, next year's notice is missing (needed from 1 November; from 2027 this year's too).
            try await f.client.execute("DELETE FROM holiday_notices WHERE county = \(DashboardFixture.county)")
            let html = String(buffer: try await office.get(http, DashboardFixture.cyclePath).body)
            #expect(html.contains("的节假日安排（国务院办公厅通知）") && html.contains(#"class="alert" role="alert""#), "\(html)")
            #expect(html.contains("请县事考办在“节假日安排”页导入") && html.contains(#"href="/calendars""#))
            #expect(!String(buffer: try await edu.get(http, DashboardFixture.cyclePath).body).contains("节假日安排"))
        }
    }

    @Test func unitsTableFiltersSearchesAndSorts() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            try await browser.login(http, account: "office")
            let base = DashboardFixture.cyclePath + "/units"
            func names(_ query: String) async throws -> [String] {
                let html = String(buffer: try await browser.get(http, base + query).body)
                let body = html.components(separatedBy: "<tbody>").last ?? ""
                return ["县第一中学", "县第二中学", "县医院"].compactMap { name in body.range(of: name).map { (name, $0.lowerBound) } }
                    .sorted { $0.1 < $1.1 }.map(\.0)
            }
            #expect(Set(try await names("?committee=education")) == ["县第一中学", "县第二中学"])
            #expect(try await names("?q=医院") == ["县医院"])
            #expect(try await names("?q=" + FilingAPIFixture.unitB.lowercased()) == ["县第二中学"])
            #expect(try await names("?status=not_started") == [])
            #expect(
                try await names("?sort=code&dir=asc")
                    == ["县第二中学", "县医院", "县第一中学"].sorted { a, b in
                        let code = ["县第一中学": FilingAPIFixture.unitA, "县第二中学": FilingAPIFixture.unitB, "县医院": FilingAPIFixture.unitC]
                        return code[a]! < code[b]!
                    }
            )
            let byNameDesc = try await names("?sort=name&dir=desc")
            #expect(byNameDesc == Array(try await names("?sort=name&dir=asc").reversed()))
            // Filters keep the committee a committee account cannot see out of its dropdown.
            var edu = Browser()
            try await edu.login(http, account: "edu")
            let eduHTML = String(buffer: try await edu.get(http, base + "?committee=health").body)
            #expect(!eduHTML.contains("卫健专业考核委员会"))
            #expect(!eduHTML.contains("县医院"))
        }
    }

    @Test func unitsCSVHasTheBOMAndTheFilteredRows() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var browser = Browser()
            try await browser.login(http, account: "office")
            let response = try await browser.get(http, DashboardFixture.cyclePath + "/units.csv?committee=education&sort=name")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("代码,单位名称,专业考核委员会,主管部门"))
            #expect(text.contains("县第一中学") && text.contains("县第二中学") && !text.contains("县医院"))
            // A committee's CSV never holds another committee's units, whatever the query says.
            var health = Browser()
            try await health.login(http, account: "health")
            let theirs = String(buffer: try await health.get(http, DashboardFixture.cyclePath + "/units.csv?committee=education").body)
            #expect(!theirs.contains("县第一中学"))
        }
    }

    @Test func otherCountiesAndMissingCyclesAreNotFoundPages() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var other = Browser()
            try await other.login(http, county: FilingAPIFixture.otherCounty, account: "other-office")
            var notFound: [String] = []
            for path in [
                DashboardFixture.cyclePath, DashboardFixture.cyclePath + "/units", DashboardFixture.cyclePath + "/units.csv",
                "/counties/\(FilingAPIFixture.otherCounty)/cycles/2026",
            ] {
                let response = try await other.get(http, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(!html.contains("闽侯县") && !html.contains("县第一中学"))
                notFound.append(html.replacingOccurrences(of: #"请求编号 [^（]*"#, with: "", options: .regularExpression))
            }
            // Another county's cycle answers exactly like a cycle that does not exist.
            #expect(Set(notFound).count == 1)
        }
    }

    @Test func stylesheetIsServedWithoutLogin() async throws {
        let f = try await DashboardFixture.make()
        try await f.app().test(.router) { http in
            var anonymous = Browser()
            let css = try await anonymous.get(http, "/static/kaohe.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let text = String(buffer: css.body)
            #expect(text.contains("@media print"))
            #expect(text.contains("\"PingFang SC\", \"Microsoft YaHei\", \"Noto Sans CJK SC\""))
        }
    }
}
