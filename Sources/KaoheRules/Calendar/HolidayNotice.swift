/// 国务院办公厅节假日安排通知: one year's public holidays and make-up working days (调休), as data
/// (`Resources/Calendars/<year>.json`); later years are loaded when published.
public struct HolidayNotice: Sendable, Hashable, Codable {
    /// The year.
    public var year: Int
    /// The notice it was taken from.
    public var source: String
    /// IANA time zone of the dates (`Asia/Shanghai`).
    public var timeZone: String
    /// Its fixed offset from UTC in seconds (28800; China has no daylight saving time).
    public var utcOffsetSeconds: Int
    /// Holiday periods (放假), inclusive.
    public var holidays: [HolidayPeriod]
    /// Weekend days that are working days (调休上班).
    public var makeUpWorkdays: [CivilDate]

    /// Creates a notice.
    public init(
        year: Int,
        source: String,
        timeZone: String,
        utcOffsetSeconds: Int,
        holidays: [HolidayPeriod],
        makeUpWorkdays: [CivilDate]
    ) {
        self.year = year
        self.source = source
        self.timeZone = timeZone
        self.utcOffsetSeconds = utcOffsetSeconds
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Checks every date lies in the year, periods are ordered, make-up days fall on weekends
    /// and are not holidays.
    public func validated() throws(CalendarError) -> HolidayNotice {
        var problems: [String] = []
        var holidayDays = Set<Int>()
        for (index, period) in holidays.enumerated() {
            if period.from > period.to { problems.append("holidays[\(index)]: 起止日期颠倒 / from after to") }
            if period.from.year != year || period.to.year != year {
                problems.append("holidays[\(index)]: 日期不在\(year)年 / not in \(year)")
            }
            if period.to.daysSinceEpoch - period.from.daysSinceEpoch <= 366 {
                for day in period.from.daysSinceEpoch...Swift.max(period.from.daysSinceEpoch, period.to.daysSinceEpoch) {
                    holidayDays.insert(day)
                }
            }
        }
        for (index, date) in makeUpWorkdays.enumerated() {
            if date.year != year { problems.append("makeUpWorkdays[\(index)]: \(date)不在\(year)年 / not in \(year)") }
            if !date.isWeekend { problems.append("makeUpWorkdays[\(index)]: \(date)不是周末,无需调休 / not a weekend day") }
            if holidayDays.contains(date.daysSinceEpoch) {
                problems.append("makeUpWorkdays[\(index)]: \(date)同时是假日 / also a holiday")
            }
        }
        if !(-14 * 3600...14 * 3600).contains(utcOffsetSeconds) {
            problems.append("utcOffsetSeconds: 时区偏移不合理 / offset out of range")
        }
        guard problems.isEmpty else {
            throw CalendarError(
                rule: "calendar-data",
                message: "\(year)年节假日数据有误 / calendar data invalid: " + problems.joined(separator: "; ")
            )
        }
        return self
    }
}

/// 放假: a holiday period, inclusive of both ends.
public struct HolidayPeriod: Sendable, Hashable, Codable {
    /// 元旦, 春节, …
    public var name: String
    /// First day off.
    public var from: CivilDate
    /// Last day off.
    public var to: CivilDate

    /// Creates a period.
    public init(name: String, from: CivilDate, to: CivilDate) {
        self.name = name
        self.from = from
        self.to = to
    }
}
