import ArgumentParser

/// `kaohe rules …`: dry-run the assessment rules on JSON, so the office can try a policy before it
/// goes live. JSON on stdin, JSON on stdout; bad input → a message on stderr and exit code 2.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Dry-run the assessment rules (试算): grade, draw, roster, workdays.",
        subcommands: [RulesGradeCommand.self, RulesDrawCommand.self, RulesRosterCommand.self, RulesWorkdaysCommand.self]
    )
}
