import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

@testable import KaoheHTTP

/// Issue 18, calendars: the office loads a year's holiday notice over the API the day it appears,
/// and the county's 公示 windows count working days by it at once.
@Suite("Working-day calendars over the API")
struct CalendarAPITests {
    typealias F = FilingAPIFixture

    static let calendars = "/api/v1/counties/\(F.county)/calendars"

    /// A made-up 2030 notice (no build knows 2030): 春节 Sat 2 Feb – Sun 10 Feb, 调休 Saturday `makeUp`.
    static func notice(year: Int = 2030, makeUp: String = "2030-02-16") -> String {
        """
        {"year": \(year), "source": "测试用虚构的2030年安排", "timeZone": "Asia/Shanghai", "utcOffsetSeconds": 28800,
         "holidays": [{"name": "元旦", "from": "2030-01-01", "to": "2030-01-01"}, {"name": "春节", "from": "2030-02-02", "to": "2030-02-10"}],
         "makeUpWorkdays": ["\(makeUp)"]}
        """
    }

    @Test(
        "refusals name the field and rule and store nothing; a loaded year is listed, audited and moves a 公示 across its holidays and 调休 Saturday"
    )
    func loadAndUse() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            // Refused: the path's year is not the notice's; a 调休 day on a Wednesday; not a number; a committee.
            var response = try await f.call(http, .put, Self.calendars + "/2031", as: "office", json: Self.notice())
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "calendar.year-mismatch")
            response = try await f.call(http, .put, Self.calendars + "/2030", as: "office", json: Self.notice(makeUp: "2030-02-13"))
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "calendar.calendar-data")
            #expect(try F.problem(response).detail.contains("2030-02-13不是周末"))
            response = try await f.call(http, .put, Self.calendars + "/2030", as: "office", json: #"{"year": 2030}"#)
            #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
            #expect(try await f.call(http, .put, Self.calendars + "/next", as: "office", json: Self.notice()).status == .notFound)
            #expect(try await f.call(http, .put, Self.calendars + "/2030", as: "edu", json: Self.notice()).status == .forbidden)
            #expect(try await f.client.query("SELECT 1 AS one FROM holiday_notices WHERE year = 2030").first == nil)

            // Loaded, listed, audited.
            response = try await f.call(http, .put, Self.calendars + "/2030", as: "office", json: Self.notice())
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try F.json(response)["builtIn"] as? Bool == false)
            response = try await f.call(http, .get, Self.calendars, as: "auditor")
            let years = try F.json(response)["years"] as? [[String: Any]] ?? []
            #expect(years.contains { $0["year"] as? Int == 2026 && $0["builtIn"] as? Bool == true })
            #expect(
                years.contains {
                    $0["year"] as? Int == 2030 && $0["builtIn"] as? Bool == false
                        && ($0["loadedBy"] as? String)?.hasSuffix("/office") == true
                }
            )
            let audited = try await f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'calendar.load' AND object = 'calendars/2030'"
            ).one().decode(Int.self, column: "n")
            #expect(audited == 1)

            // The county's 公示 counts by it: opened Wednesday 2030-02-13, 5 working days are 14, 15,
            // the 调休 Saturday 16, 18 and 19.
            try await GradingAPITests.confirmed(f, http)
            response = try await f.call(http, .post, GradingAPITests.publicity + "/open", as: "office", json: #"{"opensOn": "2030-02-13"}"#)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(try F.json(response)["closesOn"] as? String == "2030-02-19")
        }
        await f.client.close()
    }

    /// 2027's notice as the office would type it. The State Council's real notice for 2027 is not
    /// out as this is written (nor in any package this machine can reach), so this one is MADE UP,
    /// shaped like recent ones: 春节 from 除夕, Friday 5 February, to Friday 12 February (8 days),
    /// with Saturday 13 February a 调休 working day.
    static let madeUp2027 = """
        {"year": 2027, "source": "测试用虚构的2027年安排(国务院2027年放假通知尚未发布)", "timeZone": "Asia/Shanghai", "utcOffsetSeconds": 28800,
         "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}, {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"}],
         "makeUpWorkdays": ["2027-02-13"]}
        """

    @Test("2027 entered through the API moves a 公示 opened on 3 February across the Spring Festival and its 调休 Saturday")
    func springFestival2027() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            let response = try await f.call(http, .put, Self.calendars + "/2027", as: "office", json: Self.madeUp2027)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            // Opened Wednesday 3 February: Thursday 4 is the 1st working day; 5–12 are the festival;
            // Saturday 13 (调休) is the 2nd; Sunday 14 is off; 15, 16 and 17 are the 3rd to 5th.
            // (Counted by the weekdays alone it would close on Wednesday 10 February.)
            try await GradingAPITests.confirmed(f, http)
            let opened = try await f.call(
                http,
                .post,
                GradingAPITests.publicity + "/open",
                as: "office",
                json: #"{"opensOn": "2027-02-03"}"#
            )
            #expect(opened.status == .created, "\(String(buffer: opened.body))")
            #expect(try F.json(opened)["closesOn"] as? String == "2027-02-17")
        }
        await f.client.close()
    }
}
