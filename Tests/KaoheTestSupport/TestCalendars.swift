public import Foundation
public import KaoheRules
public import Postgres

/// Working-day calendars for tests that run on the real date: a 公示 opened today, or an appeal
/// filed today, reaches into next year's calendar from late December on, and no build knows a year
/// before the State Council publishes it. These tests load a **made-up** notice (1 January only, no
/// 调休 — not a State Council notice, and said so in its `source`) for every year from this one to
/// next year that is not built in, straight into `holiday_notices` (no audit entry, so the tests'
/// audit counts stay what they assert). Tests of the calendar itself load real-looking notices
/// through `CalendarStore`.
public enum TestCalendars {
    /// The made-up notice of `year`.
    public static func madeUp(_ year: Int) -> String {
        """
        {"year": \(year), "source": "测试用虚构安排:仅元旦放假,不是国务院通知 / made up for tests, not a State Council notice",
         "timeZone": "Asia/Shanghai", "utcOffsetSeconds": 28800,
         "holidays": [{"name": "元旦", "from": "\(year)-01-01", "to": "\(year)-01-01"}], "makeUpWorkdays": []}
        """
    }

    /// Loads the made-up notices `county` needs today (none while this year and next are built in).
    public static func loadYearsAhead(_ client: PostgresClient, county: CountyCode, now: Date = Date()) async throws {
        var shanghai = Calendar(identifier: .gregorian)
        shanghai.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let year = shanghai.component(.year, from: now)
        for missing in (year...year + 1) where !WorkingDayCalendar.builtInYears.contains(missing) {
            try await client.execute(
                """
                INSERT INTO holiday_notices (county, year, notice, loaded_by)
                VALUES (\(county), \(missing), \(madeUp(missing))::jsonb, 'test:made-up')
                ON CONFLICT (county, year) DO NOTHING
                """
            )
        }
    }
}
