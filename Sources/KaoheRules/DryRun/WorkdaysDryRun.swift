public import Foundation

/// `kaohe rules workdays`: the date the Nth working day after `from` falls on, and the closing
/// instant of a publicity window of that length.
public enum WorkdaysDryRun {
    /// Runs it on the built-in calendar plus any extra year files.
    public static func run(from: String, days: Int, extraCalendars: [(name: String, data: Data)] = []) throws(DryRunError) -> Data {
        RulesJSON.encode(try compute(from: from, days: days, extraCalendars: extraCalendars))
    }

    /// The result as a value.
    public static func compute(
        from: String,
        days: Int,
        extraCalendars: [(name: String, data: Data)] = []
    )
        throws(DryRunError) -> WorkdaysDryRunOutput
    {
        let start: CivilDate
        do { start = try CivilDate(parsing: from) } catch {
            throw DryRunError(field: "--from", rule: error.rule, message: error.message)
        }
        guard days >= 1 else {
            throw DryRunError(field: "--days", rule: "working-days", message: "工作日数须至少为1 / --days must be at least 1")
        }
        var calendar: WorkingDayCalendar
        do {
            calendar = try WorkingDayCalendar.builtIn()
            for file in extraCalendars { try calendar.add(noticeData: file.data, name: file.name) }
        } catch {
            throw DryRunError(field: "--calendar", rule: error.rule, message: error.message)
        }
        do {
            let window = try PublicityWindow(opensOn: start, workingDays: days, calendar: calendar)
            return WorkdaysDryRunOutput(from: start, days: days, date: window.closesOn, closesAt: window.closesAtText)
        } catch {
            throw DryRunError(field: "--from", rule: error.rule, message: error.message)
        }
    }
}

/// Output of `kaohe rules workdays`.
public struct WorkdaysDryRunOutput: Sendable, Codable, Hashable {
    /// The opening day.
    public var from: CivilDate
    /// Working days counted.
    public var days: Int
    /// The Nth working day after `from`.
    public var date: CivilDate
    /// End of that day, `YYYY-MM-DDT23:59:59+08:00`.
    public var closesAt: String
}
