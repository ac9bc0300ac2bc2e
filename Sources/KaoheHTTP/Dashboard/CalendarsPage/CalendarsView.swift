import Foundation
import KaoheRules
import KaoheStore

/// 节假日安排: the years of the county's working-day calendar (built in, or loaded by the office) and
/// the form that loads a year from the State Council's notice as text — read, shown, then loaded.
struct CalendarsView: Sendable {
    var notice: FormNotice?
    var csrf: String
    /// The red line of the overview when a year the county needs is not loaded.
    var warning: String?
    var years: DataTable
    /// The form's values (kept when a text is refused or previewed).
    var year: String
    var source: String
    var text: String
    /// Why the year could not be taken, beside its field.
    var yearProblem: String?
    /// Why the text could not be read, one line each, beside it (nothing kept).
    var problems: [String] = []
    var preview: Preview?

    /// What the text was read as, and the form that loads it.
    struct Preview: Sendable {
        var year: Int
        var table: DataTable
        var workdays: String
        /// Set when the county's calendar already has the year (the load replaces it).
        var replaces: String?
        var once: String
    }

    static func build(years: [CalendarStore.Year], missing: [Int], csrf: String, today: CivilDate) -> CalendarsView {
        let rows = years.reversed().map { year in
            DataRow([
                .number(year.notice.year), DataCell(year.notice.source),
                DataCell(year.notice.holidays.map { "\($0.name) \(span($0))" }.joined(separator: ";")),
                DataCell(year.notice.makeUpWorkdays.map(day).joined(separator: "、")),
                year.builtIn
                    ? DataCell("系统内置")
                    : DataCell(
                        "\(year.loadedAt.map(ChineseTime.dateTime) ?? "")由 \(year.loadedBy ?? "") 导入",
                        exportText: year.loadedAt.map(ChineseTime.spreadsheetText)
                    ),
            ])
        }
        return CalendarsView(
            csrf: csrf,
            warning: OverviewView.calendarWarning(missing: missing),
            years: DataTable(
                id: "years",
                title: "已有的节假日安排",
                fileName: "节假日安排",
                header: ["年份", "依据", "放假", "调休上班", "来源"],
                rows: rows,
                downloadBase: nil,
                emptyText: "尚无节假日安排。"
            ),
            year: String(missing.first ?? today.year + 1),
            source: "",
            text: ""
        )
    }

    static func preview(_ notice: HolidayNotice, replacing existing: CalendarStore.Year?) -> Preview {
        Preview(
            year: notice.year,
            table: DataTable(
                id: "preview",
                title: "读到的\(notice.year)年放假安排",
                fileName: "预览",
                header: ["节日", "放假", "天数"],
                rows: notice.holidays.map { h in
                    DataRow([DataCell(h.name), DataCell(span(h)), .number(h.to.daysSinceEpoch - h.from.daysSinceEpoch + 1)])
                },
                downloadBase: nil
            ),
            workdays: notice.makeUpWorkdays.isEmpty ? "无" : notice.makeUpWorkdays.map(day).joined(separator: "、"),
            replaces: existing.map {
                $0.builtIn
                    ? "系统已内置\(notice.year)年的安排;导入后本县以导入的为准。"
                    : "本县已导入过\(notice.year)年的安排;导入后替换原有安排(审计记录保留原导入)。"
            },
            once: FormOnce.newToken()
        )
    }

    /// `2月15日–2月23日`, or `1月1日` for one day.
    static func span(_ period: HolidayPeriod) -> String {
        period.from == period.to ? day(period.from) : "\(day(period.from))–\(day(period.to))"
    }

    /// `2月14日(六)`.
    static func day(_ date: CivilDate) -> String {
        let weekday = ["一", "二", "三", "四", "五", "六", "日"][date.weekday - 1]
        return "\(date.month)月\(date.day)日(\(weekday))"
    }
}
