public import Foundation
public import KaoheRules
public import Postgres

/// 工作日历 as data the office owns (Schema/0013): each year's holiday notice, loaded for a county
/// the day the State Council publishes it, overlaid on the years built into KaoheRules (2025, 2026).
/// Every working-day computation of the county's cycles (the 公示 window, the staff review
/// deadline) reads `calendar(on:county:)`, so a loaded year takes effect at once, without a build.
public struct CalendarStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// One year of a county's calendar and where it came from.
    public struct Year: Sendable, Hashable {
        /// The notice.
        public var notice: HolidayNotice
        /// Built into this build of kaohe (true), or loaded by the office (false).
        public var builtIn: Bool
        /// When and by whom it was loaded (nil when built in).
        public var loadedAt: Date?
        /// The account that loaded it.
        public var loadedBy: String?
    }

    /// Loads (or replaces) one year's notice for `county`, validated, with its audit entry. A notice
    /// that fails validation is refused naming what is wrong (422 `calendar.calendar-data`); a year
    /// outside 2000–2099 is refused (`calendar.year`). Returns the year as stored.
    public func load(county: CountyCode, notice given: HolidayNotice, actor: String) async throws -> Year {
        let notice: HolidayNotice
        do { notice = try given.validated() } catch {
            throw CycleError(.invalid, error.message, field: "/holidays", rule: "calendar.\(error.rule)")
        }
        guard (2000...2099).contains(notice.year) else {
            throw CycleError(.invalid, "年份应在2000–2099之间 / the year must be 2000–2099", field: "/year", rule: "calendar.year")
        }
        let json = String(decoding: RulesJSON.encode(notice), as: UTF8.self)
        return try await client.withTransaction { connection in
            guard try await connection.query("SELECT 1 AS one FROM counties WHERE county = \(county)").first != nil else {
                throw CycleError(.notFound, "县(市、区) \(county) 不存在 / county \(county) not found", rule: "county.exists")
            }
            let replaced =
                try await connection.query(
                    "SELECT 1 AS one FROM holiday_notices WHERE county = \(county) AND year = \(notice.year)"
                ).first != nil
            let row = try await connection.query(
                """
                INSERT INTO holiday_notices (county, year, notice, loaded_by)
                VALUES (\(county), \(notice.year), \(json)::jsonb, \(actor))
                ON CONFLICT (county, year) DO UPDATE
                    SET notice = EXCLUDED.notice, loaded_at = now(), loaded_by = EXCLUDED.loaded_by
                RETURNING loaded_at
                """
            ).one()
            try await FilingAudit.record(
                on: connection,
                county: county,
                actor: actor,
                action: .calendarLoad,
                object: "calendars/\(notice.year)",
                details: [
                    "year": String(notice.year),
                    "source": notice.source,
                    "holidays": notice.holidays.map { "\($0.name) \($0.from)–\($0.to)" }.joined(separator: "; "),
                    "makeUpWorkdays": notice.makeUpWorkdays.map(\.description).joined(separator: " "),
                    "replaced": replaced
                        ? (WorkingDayCalendar.builtInYears.contains(notice.year) ? "built-in or loaded" : "loaded") : "none",
                ]
            )
            return Year(notice: notice, builtIn: false, loadedAt: try row.decode(Date.self, column: "loaded_at"), loadedBy: actor)
        }
    }

    /// Every year of `county`'s calendar, built in or loaded, by year (a loaded year hides the
    /// built-in one).
    public func years(county: CountyCode) async throws -> [Year] {
        try await client.withConnection { connection in
            var years: [Int: Year] = [:]
            for (year, notice) in try Self.builtIn().notices {
                years[year] = Year(notice: notice, builtIn: true)
            }
            for loaded in try await Self.loaded(on: connection, county: county) { years[loaded.notice.year] = loaded }
            return years.keys.sorted().map { years[$0]! }
        }
    }

    /// The years `county` needs loaded on `now`'s day in Asia/Shanghai and has not (see
    /// `WorkingDayCalendar.yearsNeeded(on:)`): what the office's overview warns of.
    public func missingYears(county: CountyCode, now: Date) async throws -> [Int] {
        let today = try CivilDate(parsing: String(ShanghaiTime.format(now).prefix(10)))
        return try await client.withConnection { try await Self.calendar(on: $0, county: county) }.missingYears(on: today)
    }

    /// Every county whose calendar misses a year it needs on `now`'s day (as `missingYears`), by
    /// county: what `/readyz` reports beside its status. One query for every county's loaded years.
    public func missingYearsByCounty(now: Date) async throws -> [CountyCode: [Int]] {
        let today = try CivilDate(parsing: String(ShanghaiTime.format(now).prefix(10)))
        let needed = WorkingDayCalendar.yearsNeeded(on: today).filter { !WorkingDayCalendar.builtInYears.contains($0) }
        guard !needed.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT c.county, coalesce(string_agg(h.year::text, ','), '') AS loaded
            FROM counties c LEFT JOIN holiday_notices h ON h.county = c.county AND h.year = ANY (\(PostgresArray(needed))::int[])
            GROUP BY c.county
            """
        )
        var missing: [CountyCode: [Int]] = [:]
        for row in rows {
            let loaded = Set(try row.decode(String.self, column: "loaded").split(separator: ",").compactMap { Int($0) })
            let lacking = needed.filter { !loaded.contains($0) }
            if !lacking.isEmpty { missing[try row.decode(CountyCode.self, column: "county")] = lacking }
        }
        return missing
    }

    /// The working-day calendar of `county`: the built-in years with the county's loaded notices over them.
    public static func calendar(on connection: PostgresConnection, county: CountyCode) async throws -> WorkingDayCalendar {
        var calendar = try builtIn()
        for loaded in try await loaded(on: connection, county: county) {
            do { try calendar.add(loaded.notice) } catch {
                throw CycleError(.invalid, "\(loaded.notice.year)年节假日数据有误 / stored calendar invalid: \(error.message)")
            }
        }
        return calendar
    }

    /// The built-in years, read from the bundle once.
    private static let builtInCalendar = Result<WorkingDayCalendar, any Error> { try WorkingDayCalendar.builtIn() }

    static func builtIn() throws -> WorkingDayCalendar {
        do { return try builtInCalendar.get() } catch {
            throw CycleError(.invalid, "内置工作日历无法读取 / built-in calendar unreadable: \(error)")
        }
    }

    static func loaded(on connection: PostgresConnection, county: CountyCode) async throws -> [Year] {
        try await connection.query(
            "SELECT notice::text AS notice, loaded_at, loaded_by FROM holiday_notices WHERE county = \(county) ORDER BY year"
        ).map { row in
            let text = try row.decode(String.self, column: "notice")
            let notice: HolidayNotice
            do { notice = try WorkingDayCalendar.notice(from: Data(text.utf8)) } catch {
                throw CycleError(.invalid, "已存节假日数据有误 / stored calendar invalid: \(error)")
            }
            return Year(
                notice: notice,
                builtIn: false,
                loadedAt: try row.decode(Date.self, column: "loaded_at"),
                loadedBy: try row.decode(String.self, column: "loaded_by")
            )
        }
    }
}
