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
}
