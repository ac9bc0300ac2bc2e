public import Foundation

/// 工作日历: which days are working days, from the State Council's holiday notices (weekends off,
/// public holidays off, 调休 make-up weekend days on). Only loaded years can be asked about; a
/// question about another year is an error, never a guess.
public struct WorkingDayCalendar: Sendable, Hashable {
    /// The notices loaded, by year.
    public private(set) var notices: [Int: HolidayNotice]
    private var holidays: Set<Int>
    private var makeUpDays: Set<Int>

    /// The years built in: 2025 and 2026.
    public static let builtInYears = [2025, 2026]

    /// A calendar of the given notices (validated).
    public init(notices: [HolidayNotice]) throws(CalendarError) {
        self.notices = [:]
        self.holidays = []
        self.makeUpDays = []
        for notice in notices { try add(notice) }
    }

    /// The years whose notice the office needs loaded on `today`: this year always, and from
    /// 1 November next year too — the State Council publishes it in November or December, and a 公示
    /// or a staff review period opened in December already counts working days into January.
    public static func yearsNeeded(on today: CivilDate) -> [Int] {
        today.month >= 11 ? [today.year, today.year + 1] : [today.year]
    }

    /// The years of `yearsNeeded(on:)` this calendar does not know.
    public func missingYears(on today: CivilDate) -> [Int] {
        Self.yearsNeeded(on: today).filter { notices[$0] == nil }
    }

    /// The built-in calendar: 2025 and 2026.
    public static func builtIn() throws(CalendarError) -> WorkingDayCalendar {
        var notices: [HolidayNotice] = []
        for year in builtInYears {
            let data: Data
            do { data = try BuiltInData.data(folder: "Calendars", name: String(year)) } catch {
                throw CalendarError(rule: "calendar-data", message: error.description)
            }
            notices.append(try notice(from: data, name: "\(year).json"))
        }
        return try WorkingDayCalendar(notices: notices)
    }

    /// Reads one year's notice from JSON bytes (another year's data file).
    public static func notice(from data: Data, name: String = "calendar.json") throws(CalendarError) -> HolidayNotice {
        do {
            return try RulesJSON.decode(HolidayNotice.self, from: data, name: name).validated()
        } catch let error as DataFileError {
            throw CalendarError(rule: "calendar-data", message: error.description)
        } catch let error as CalendarError {
            throw error
        } catch {
            throw CalendarError(rule: "calendar-data", message: "\(error)")
        }
    }

    /// Adds (or replaces) one year's notice.
    public mutating func add(_ notice: HolidayNotice) throws(CalendarError) {
        let notice = try notice.validated()
        if let old = notices[notice.year] {
            for period in old.holidays {
                for day in period.from.daysSinceEpoch...period.to.daysSinceEpoch { holidays.remove(day) }
            }
            for day in old.makeUpWorkdays { makeUpDays.remove(day.daysSinceEpoch) }
        }
        notices[notice.year] = notice
        for period in notice.holidays {
            for day in period.from.daysSinceEpoch...period.to.daysSinceEpoch { holidays.insert(day) }
        }
        for day in notice.makeUpWorkdays { makeUpDays.insert(day.daysSinceEpoch) }
    }

    /// Adds one year's notice from JSON bytes.
    public mutating func add(noticeData data: Data, name: String = "calendar.json") throws(CalendarError) {
        try add(Self.notice(from: data, name: name))
    }

    /// Whether `date` is a working day. Throws if its year's notice is not loaded.
    public func isWorkingDay(_ date: CivilDate) throws(CalendarError) -> Bool {
        guard notices[date.year] != nil else {
            throw CalendarError(
                rule: "year-not-loaded",
                message: "未载入\(date.year)年的节假日安排,请先导入该年数据 / holiday notice for \(date.year) not loaded"
            )
        }
        let day = date.daysSinceEpoch
        if makeUpDays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return !date.isWeekend
    }

    /// The `n`th working day after `date` (`date` itself not counted), n ≥ 1.
    public func workingDay(_ n: Int, after date: CivilDate) throws(CalendarError) -> CivilDate {
        guard n >= 1 else {
            throw CalendarError(rule: "working-days", message: "工作日数须至少为1 / n must be at least 1")
        }
        var current = date
        var counted = 0
        while counted < n {
            current = current.adding(days: 1)
            if try isWorkingDay(current) { counted += 1 }
        }
        return current
    }

    /// The UTC offset in seconds for dates of `year` (from its notice).
    public func utcOffsetSeconds(year: Int) throws(CalendarError) -> Int {
        guard let notice = notices[year] else {
            throw CalendarError(
                rule: "year-not-loaded",
                message: "未载入\(year)年的节假日安排,请先导入该年数据 / holiday notice for \(year) not loaded"
            )
        }
        return notice.utcOffsetSeconds
    }
}
