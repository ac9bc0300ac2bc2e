import Foundation
import HTTPTypes
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Postgres
import Testing

/// 节假日安排 in the browser (issue 18): the office pastes a year's notice, sees what was read, and
/// loads it; a text that cannot be read is refused line by line with the text kept; nobody but the
/// office finds the page.
@Suite("Dashboard: holiday notices (节假日安排)")
struct DashboardCalendarsTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    /// A **made-up** 2028 notice (no such notice exists yet), as the State Council words one:
    /// 元旦 Sat 1 – Mon 3 January; 春节 Tue 25 January – Tue 1 February, 调休 Sat 22 January and Sat 5 February.
    static let madeUp2028 = """
        虚构的2028年安排（测试用，不是国务院通知）
        一、元旦：1月1日（周六）至3日（周一）放假，共3天。
        二、春节：1月25日（周二）至2月1日（周二）放假调休，共8天。1月22日（周六）、2月5日（周六）上班。
        """

    @Test("paste, preview, load: the years listed, a bad line refused by number with the text kept, the load audited; others get 404")
    func pasteAndLoad() async throws {
        let d = try await D.make(propose: false)
        let csrf = d.sessions["office"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, "/calendars", as: "office"))
            #expect(page.contains("导入节假日安排") && page.contains("action=\"/calendars/preview\""))
            #expect(page.contains("国务院办公厅关于2026年部分节假日安排的通知") && page.contains("系统内置"))
            #expect(page.contains("春节 2月15日(日)–2月23日(一)"))
            #expect(page.contains("href=\"/calendars\""))  // the header's link
            for account in ["edu", "unit-a", "auditor"] { #expect(try await d.get(http, "/calendars", as: account).status == .notFound) }

            // A date that does not exist, and a 调休 day on a weekday: refused in words, nothing stored, the text kept.
            let bad = "元旦：1月1日至3日\n春节：2月30日至3月2日"
            var response = try await d.post(http, "/calendars/preview", as: "office", csrf: csrf, fields: ["year": "2028", "text": bad])
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("第2行:日期“2月30日”不存在"))
            #expect(page.contains("春节：2月30日至3月2日</textarea>"))
            response = try await d.post(
                http,
                "/calendars/preview",
                as: "office",
                csrf: csrf,
                fields: ["year": "2028", "text": "春节：1月25日至2月1日，2月2日上班"]
            )
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("调休上班日:2028-02-02不是周末,无需调休"))
            #expect(!D.text(response).contains("makeUpWorkdays"))

            // The notice pasted: shown as read, with the form that loads it.
            let fields = ["year": "2028", "source": "虚构通知(测试)", "text": Self.madeUp2028]
            response = try await d.post(http, "/calendars/preview", as: "office", csrf: csrf, fields: fields)
            #expect(response.status == .ok)
            page = D.text(response)
            #expect(page.contains("读到的2028年放假安排"))
            #expect(page.contains("<td>春节</td><td>1月25日(二)–2月1日(二)</td><td class=\"num\">8</td>"))
            #expect(page.contains("调休上班:1月22日(六)、2月5日(六)"))
            #expect(page.contains("action=\"/calendars/apply\""))
            let stored = try await CalendarStore(client: d.f.client).years(county: F.county)
            #expect(!stored.contains { $0.notice.year == 2028 })  // a preview stores nothing

            var apply = fields
            apply["_once"] = try #require(
                page.components(separatedBy: "name=\"_once\" value=\"").dropFirst().first?.prefix(while: { $0 != "\"" })
            ).description
            response = try await d.post(http, "/calendars/apply", as: "office", csrf: csrf, fields: apply)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/calendars?done=load")
            let loaded = try #require(try await CalendarStore(client: d.f.client).years(county: F.county).first { $0.notice.year == 2028 })
            #expect(loaded.notice.source == "虚构通知(测试)")
            #expect(loaded.notice.makeUpWorkdays.map(\.description) == ["2028-01-22", "2028-02-05"])
            #expect(loaded.loadedBy == "office" || loaded.loadedBy?.hasSuffix("office") == true)
            let audited = try await d.f.client.query(
                "SELECT count(*)::int FROM audit_log WHERE county = \(F.county) AND action = 'calendar.load' AND object = 'calendars/2028'"
            ).single(Int.self)
            #expect(audited == 1)
            // The same submission again (a double click) loads nothing twice.
            #expect(try await d.post(http, "/calendars/apply", as: "office", csrf: csrf, fields: apply).status == .seeOther)
            let again = try await d.f.client.query(
                "SELECT count(*)::int FROM audit_log WHERE county = \(F.county) AND action = 'calendar.load' AND object = 'calendars/2028'"
            ).single(Int.self)
            #expect(again == 1)
            page = D.text(try await d.get(http, "/calendars?done=load", as: "office"))
            #expect(page.contains("已导入节假日安排"))
            #expect(page.contains("虚构通知(测试)"))
        }
        await d.f.client.close()
    }
}
