import ArgumentParser
import Foundation
import KaoheRules

/// `kaohe rules workdays`: the Nth working day after a date (e.g. the end of a publicity window).
struct RulesWorkdaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workdays",
        abstract: "The date N working days after a date (公示期 end), from the holiday notices."
    )

    @Option(help: "The opening day, YYYY-MM-DD.")
    var from: String

    @Option(help: "Working days to count.")
    var days: Int = 5

    @Option(name: .customLong("calendar"), help: "Another year's holiday notice JSON file (repeatable).")
    var calendars: [String] = []

    func run() async throws {
        var extra: [(name: String, data: Data)] = []
        for path in calendars { extra.append((path, try RulesIO.readFile(path, option: "--calendar"))) }
        do {
            RulesIO.write(try WorkdaysDryRun.run(from: from, days: days, extraCalendars: extra))
        } catch {
            throw RulesIO.fail(error)
        }
    }
}
