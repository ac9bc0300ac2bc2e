import ArgumentParser
// Replaced by the rules work (issue 3).
struct BenchRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Benchmark the rules.")
}
