import ArgumentParser

/// `kaohe-bench`: the benchmarks, apart from the product. Each prints figures (speed, memory),
/// never a pass or fail: targets are read off the figures (Benchmarks/README.md), not asserted in
/// tests. Build in release: `swift run -c release kaohe-bench <name>`.
@main
struct KaoheBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaohe-bench",
        abstract: "Measure kaohe's speed and memory and print the figures.",
        subcommands: [
            BenchPgCommand.self, BenchRulesCommand.self, BenchIngestCommand.self, BenchMonitorCommand.self, BenchPagesCommand.self,
            BenchProposalCommand.self, BenchCountiesCommand.self,
        ]
    )
}
