import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe calendar …`: a county's working-day calendar (工作日历) — the built-in years and the
/// holiday notices the office has loaded.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Load a year's holiday notice (放假安排) for a county, or list the years its calendar knows.",
        subcommands: [CalendarLoadCommand.self, CalendarListCommand.self]
    )
}

/// `kaohe calendar load --county C FILE`: loads (or replaces) one year, validated and audited —
/// from JSON, or with `--year` from the notice's text (`HolidayNoticeText`).
struct CalendarLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract:
            "Load one year's holiday notice: a JSON file (the shape of Sources/KaoheRules/Resources/Calendars/2026.json), or with --year the notice's text (pasted from the State Council's notice, or typed one holiday a line).",
        discussion:
            "The text form: one holiday a line, `春节：2月15日至23日放假调休，共9天。2月14日、2月28日上班。` as the notice says it, or in short `春节：2月15日至2月23日，2月14日、2月28日上班`; lines without a date are skipped. Refused, naming the line or what is wrong, when a line cannot be read, a holiday or 调休 day is not in the notice's year, a 调休 day is not a weekend or is also a holiday, or a period runs backwards. Takes effect at once for every working-day computation of the county (公示 windows, staff review deadlines)."
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "The notice's year: FILE is then the notice's text, not JSON.") var year: Int?
    @Option(help: "With --year: where the text comes from (the notice's title or number).")
    var source = "国务院办公厅关于部分节假日安排的通知"
    @Argument(help: "The notice, as JSON (or as text, with --year).") var file: String

    func run() async throws {
        let data = try RulesIO.readFile(file, option: "FILE")
        let notice: HolidayNotice
        do throws(CalendarError) {
            if let year {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw CalendarError(rule: "calendar-text", message: "文件不是 UTF-8 文本 / FILE is not UTF-8 text")
                }
                notice = try HolidayNoticeText.parse(text, year: year, source: source)
            } else {
                notice = try WorkingDayCalendar.notice(from: data, name: file)
            }
        } catch {
            throw OfficeCommandContext.failure("calendar load", error.message + " [calendar.\(error.rule)]")
        }
        let year = try await OfficeCommandContext.runStep(options, command: "calendar load") { client in
            try await CalendarStore(client: client).load(county: county, notice: notice, actor: OfficeCommandContext.actor)
        }
        print(
            "loaded \(year.notice.year): \(year.notice.holidays.count) holiday periods, \(year.notice.makeUpWorkdays.count) make-up working days (\(year.notice.source))"
        )
        for holiday in year.notice.holidays { print("  \(holiday.name)\t\(holiday.from) – \(holiday.to)") }
        if !year.notice.makeUpWorkdays.isEmpty {
            print("  调休上班\t" + year.notice.makeUpWorkdays.map(\.description).joined(separator: " "))
        }
    }
}

/// `kaohe calendar list --county C`: every year the county's calendar knows and where it came from.
struct CalendarListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The years of the county's calendar.")

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode

    func run() async throws {
        let years = try await OfficeCommandContext.runStep(options, command: "calendar list") { client in
            try await CalendarStore(client: client).years(county: county)
        }
        for year in years {
            let origin =
                year.builtIn
                ? "built in"
                : "loaded \(year.loadedAt.map { ShanghaiTime.format($0) } ?? "?") by \(year.loadedBy ?? "?")"
            print(
                "\(year.notice.year)\t\(origin)\t\(year.notice.holidays.count) holidays, \(year.notice.makeUpWorkdays.count) make-up days\t\(year.notice.source)"
            )
        }
    }
}
