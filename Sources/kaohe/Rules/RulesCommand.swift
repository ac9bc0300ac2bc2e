import ArgumentParser
// Replaced by the rules work (issue 3).
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Dry-run the assessment rules.")
}
