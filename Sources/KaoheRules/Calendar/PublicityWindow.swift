public import Foundation

/// 公示期: results are published for at least N working days (5, 篇十); the window closes at
/// the end (23:59:59, Asia/Shanghai) of the Nth working day after the day it opens.
/// Opened Thu 12 Feb 2026, 5 working days: 13 Feb, Sat 14 Feb (调休), 24, 25, 26 Feb → closes 26 Feb.
public struct PublicityWindow: Sendable, Hashable, Codable {
    /// The day it opens.
    public var opensOn: CivilDate
    /// Working days it lasts.
    public var workingDays: Int
    /// The last day.
    public var closesOn: CivilDate
    /// UTC offset of the time zone (28800 for Asia/Shanghai).
    public var utcOffsetSeconds: Int

    /// Computes the window from the calendar.
    public init(opensOn: CivilDate, workingDays: Int, calendar: WorkingDayCalendar) throws(CalendarError) {
        self.opensOn = opensOn
        self.workingDays = workingDays
        self.closesOn = try calendar.workingDay(workingDays, after: opensOn)
        self.utcOffsetSeconds = try calendar.utcOffsetSeconds(year: closesOn.year)
    }

    /// The closing instant, seconds since 1970-01-01T00:00:00Z: 23:59:59 local on `closesOn`.
    public var closesAtEpochSeconds: Int64 {
        Int64(closesOn.daysSinceEpoch) * 86_400 + 86_399 - Int64(utcOffsetSeconds)
    }

    /// The closing instant.
    public var closesAt: Date { Date(timeIntervalSince1970: TimeInterval(closesAtEpochSeconds)) }

    /// `2026-02-26T23:59:59+08:00`.
    public var closesAtText: String {
        let offset = utcOffsetSeconds
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600
        let minutes = abs(offset) % 3600 / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(closesOn)T23:59:59\(sign)\(two(hours)):\(two(minutes))"
    }

    /// Whether the window is still open at `instant` (seconds since the epoch).
    public func isOpen(atEpochSeconds instant: Int64) -> Bool { instant <= closesAtEpochSeconds }
}
