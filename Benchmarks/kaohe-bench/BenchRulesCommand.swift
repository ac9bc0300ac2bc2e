import ArgumentParser
import Glibc
import KaoheBenchWorkloads
import KaoheRules

/// `kaohe-bench rules`: grade 50,000 units and check the rosters of 1,500,000 staff (a province)
/// in one run, in integer and two-decimal fixed-point arithmetic; prints wall time and peak memory.
struct BenchRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Benchmark the rules: 50,000 units graded and 1,500,000 staff checked per run."
    )

    @Option(help: "Units in the province.")
    var units: Int = 50_000

    @Option(name: .customLong("staff-per-unit"), help: "Staff per unit.")
    var staffPerUnit: Int = 30

    @Option(help: "Timed runs (the median is printed too).")
    var runs: Int = 3

    func run() async throws {
        let scheme = try SchemeLoader.builtIn("county-2021")
        let cycle = try PolicyLoader.defaultCyclePolicy()
        let roster = try PolicyLoader.rosterPolicy(cycle.defaultRosterPolicy)
        let bench = RulesBenchmark(units: units, staffPerUnit: staffPerUnit)
        let clock = ContinuousClock()

        let generationStart = clock.now
        let province = bench.generate(scheme: scheme, roster: roster)
        let generation = clock.now - generationStart
        print("generated \(units) units, \(units * staffPerUnit) staff in \(milliseconds(generation)) ms (not timed below)")

        var timings: [Duration] = []
        for run in 1...max(1, runs) {
            let start = clock.now
            let outcome = try bench.run(province, scheme: scheme, grading: cycle.grading, roster: roster)
            let elapsed = clock.now - start
            timings.append(elapsed)
            let grades = UnitGrade.allCases.map { "\($0.chinese) \(outcome.distribution[$0] ?? 0)" }.joined(separator: ", ")
            print(
                "run \(run): \(milliseconds(elapsed)) ms — \(outcome.units) units graded (\(grades); \(outcome.conflicts) tie conflicts), \(outcome.staff) staff checked (\(outcome.violations) violations)"
            )
        }
        let median = timings.sorted()[timings.count / 2]
        print("median: \(milliseconds(median)) ms over \(timings.count) runs; peak memory (max RSS): \(peakMemoryMiB()) MiB")
    }

    private func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return String(millis)
    }

    /// Peak resident set size of this process (getrusage ru_maxrss, kilobytes on Linux).
    private func peakMemoryMiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) / 1024
    }
}
