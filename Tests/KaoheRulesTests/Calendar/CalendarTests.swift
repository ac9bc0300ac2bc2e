import Foundation
import KaoheRules
import Testing

@Suite("工作日历 and 公示期")
struct CalendarTests {
    private func date(_ text: String) -> CivilDate { try! CivilDate(parsing: text) }

    @Test("publicity opened Thu 12 Feb 2026 closes at the end of 26 Feb 2026")
    func publicityExample() throws {
        let calendar = try WorkingDayCalendar.builtIn()
        #expect(date("2026-02-12").weekday == 4)
        let window = try PublicityWindow(opensOn: date("2026-02-12"), workingDays: 5, calendar: calendar)
        #expect(window.closesOn == date("2026-02-26"))
        #expect(window.closesAtText == "2026-02-26T23:59:59+08:00")
        // 2026-02-26T15:59:59Z
        #expect(window.closesAtEpochSeconds == 1_772_121_599)
        #expect(window.closesAt == Date(timeIntervalSince1970: 1_772_121_599))
        #expect(window.isOpen(atEpochSeconds: 1_772_121_599) && !window.isOpen(atEpochSeconds: 1_772_121_600))
    }

    @Test("the years the office needs loaded: this year, and from 1 November next year too")
    func yearsNeeded() throws {
        #expect(WorkingDayCalendar.yearsNeeded(on: date("2026-10-31")) == [2026])
        #expect(WorkingDayCalendar.yearsNeeded(on: date("2026-11-01")) == [2026, 2027])
        #expect(WorkingDayCalendar.yearsNeeded(on: date("2027-01-04")) == [2027])
        let builtIn = try WorkingDayCalendar.builtIn()
        #expect(builtIn.missingYears(on: date("2026-06-01")).isEmpty)
        #expect(builtIn.missingYears(on: date("2025-12-31")).isEmpty)
        #expect(builtIn.missingYears(on: date("2026-12-06")) == [2027])
        #expect(builtIn.missingYears(on: date("2027-12-01")) == [2027, 2028])
    }

    @Test("weekends, holidays and 调休 make-up days")
    func workingDays() throws {
        let calendar = try WorkingDayCalendar.builtIn()
        #expect(try calendar.isWorkingDay(date("2026-02-14")))  // Saturday, make-up day
        #expect(try !calendar.isWorkingDay(date("2026-02-16")))  // Spring Festival Monday
        #expect(try !calendar.isWorkingDay(date("2026-02-21")))  // Saturday in the holiday
        #expect(try calendar.isWorkingDay(date("2026-02-24")))
        #expect(try !calendar.isWorkingDay(date("2026-03-07")))  // ordinary Saturday
        #expect(try calendar.isWorkingDay(date("2025-09-28")))  // Sunday, make-up day
        #expect(try !calendar.isWorkingDay(date("2025-10-08")))
        #expect(try calendar.isWorkingDay(date("2025-10-11")))
        #expect(try !calendar.isWorkingDay(date("2025-01-01")))
        // 1–3 Jan off, Sunday 4 Jan is a make-up working day.
        #expect(try calendar.workingDay(1, after: date("2025-12-31")) == date("2026-01-04"))
        #expect(try calendar.workingDay(10, after: date("2026-09-24")) == date("2026-10-15"))
    }

    @Test("a year not loaded is an error; another year's file can be loaded from data")
    func otherYears() throws {
        var calendar = try WorkingDayCalendar.builtIn()
        #expect { try calendar.isWorkingDay(date("2027-03-01")) } throws: { ($0 as? CalendarError)?.rule == "year-not-loaded" }
        let json = """
            {"year":2027,"source":"test","timeZone":"Asia/Shanghai","utcOffsetSeconds":28800,
             "holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-03"}],"makeUpWorkdays":["2027-01-09"]}
            """
        try calendar.add(noticeData: Data(json.utf8), name: "2027.json")
        #expect(try calendar.isWorkingDay(date("2027-03-01")))
        #expect(try calendar.isWorkingDay(date("2027-01-09")))
        #expect(try !calendar.isWorkingDay(date("2027-01-01")))
        let weekdayMakeUp = json.replacingOccurrences(of: "2027-01-09", with: "2027-01-06")
        #expect(throws: CalendarError.self) { try calendar.add(noticeData: Data(weekdayMakeUp.utf8)) }
    }

    @Test("civil date arithmetic round-trips")
    func civilDates() throws {
        for days in stride(from: -600_000, through: 800_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(try CivilDate(parsing: date.description) == date)
        }
        #expect(date("2024-02-29").adding(days: 1) == date("2024-03-01"))
        #expect(throws: CalendarError.self) { try CivilDate(parsing: "2026-02-29") }
        #expect(throws: CalendarError.self) { try CivilDate(parsing: "2026/02/12") }
    }
}
