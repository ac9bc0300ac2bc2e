import ArgumentParser
// Replaced by the Postgres work (issue 2).
struct BenchPgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pg", abstract: "Benchmark the Postgres module.")
}
