import ArgumentParser
import Foundation
import KaoheBenchWorkloads
import KaoheDaemon
import KaoheHTTP
import KaoheRules
import KaoheStore
import Logging
import Postgres
import Prometheus

/// `kaohe-bench proposal`: the office's grading proposal (`POST …/grading/proposal`) of a county of
/// 2,000, 10,000 and 50,000 units (issue 21: a province proposed in under 5 s).
///
/// For each size, in a private cluster of its own (or `--database-url`, one size): the county of
/// `MonitorBenchCounty` — every unit's committee assessment and roster, filed through the stores
/// eight at a time, no proposal yet — then kaohed's HTTP application in this process.
///
/// Timed through HTTP with the office's token, each from writing the request to the last byte:
/// - **first**: the cold proposal, every grade new and every roster checked for the first time under a grade (from the findings its filing kept);
/// - **again**: `--runs` proposals with nothing changed (after the first five runs on the
///   connection PostgreSQL may use a generic plan: the warm figure);
/// - **after a change**: one unit's new assessment, then a proposal (`--runs` times, a different
///   unit each time).
/// The answer is the summary and the first 1,000 units (`?limit=` default); its size is printed.
///
/// Under the county's default policy unless `--policy-changes` gives a merge patch on it, saved as
/// the cycle's policy before the first proposal (issue 18: a province graded under a non-default
/// policy, e.g. `'{"defaultCohortScope": "committee", "grading": {"excellentMaxPercent": 25},
/// "recheck": {"pointsThreshold": 8}}'`).
struct BenchProposalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposal",
        abstract: "Benchmark the grading proposal of counties of 2,000, 10,000 and 50,000 units through the HTTP application.",
        discussion:
            "Without --database-url a private PostgreSQL cluster is started for each size in a temporary directory (and removed afterwards). Build in release for figures that mean something."
    )

    @Option(
        help:
            "Use this database instead of private clusters (one size only). It is migrated; county \(MonitorBenchCounty.county) must not exist yet."
    )
    var databaseURL: String?
    @Option(parsing: .upToNextOption, help: "County sizes, in units.") var units: [Int] = [2000, 10_000, 50_000]
    @Option(help: "Staff in each unit's roster.") var staffPerUnit = 10
    @Option(help: "Timed proposals after the first, of each kind.") var runs = 7
    @Option(help: "Counties built beside the one measured (990102, …), so that it is measured in a database that holds others.")
    var otherCounties = 2
    @Option(help: "Units in each of the other counties.") var otherCountyUnits = 2000
    @Option(help: "A JSON merge patch on the default policy, saved as the cycle's policy before the first proposal.")
    var policyChanges: String?

    static func say(_ line: String) { BenchMonitorCommand.say(line) }

    mutating func validate() throws {
        guard !units.isEmpty, units.allSatisfy({ $0 > 0 }), staffPerUnit > 0, runs > 0, otherCounties >= 0, otherCountyUnits > 0 else {
            throw ValidationError(
                "--units, --staff-per-unit, --runs and --other-county-units must be positive, --other-counties not negative"
            )
        }
        guard databaseURL == nil || units.count == 1 else { throw ValidationError("--database-url takes one size (--units N)") }
    }

    mutating func run() async throws {
        var logger = Logger(label: "kaohe.bench.proposal")
        logger.logLevel = .warning
        let (runs, staffPerUnit, databaseURL, policyChanges) = (runs, staffPerUnit, databaseURL, policyChanges)
        let neighbours = MonitorBenchCounty(units: otherCountyUnits, staffPerUnit: staffPerUnit).neighbours(otherCounties)
        Self.say("the grading proposal through the HTTP application (target: under 5 s at 50,000 units):")
        let metrics = Bootstrap.process(logLevel: .warning)
        for size in units {
            try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.say) { configuration, _, _ in
                try await Self.measure(
                    units: size,
                    neighbours: neighbours,
                    staffPerUnit: staffPerUnit,
                    runs: runs,
                    policyChanges: policyChanges,
                    configuration: configuration,
                    metrics: metrics,
                    logger: logger
                )
            }
        }
    }

    static func measure(
        units: Int,
        neighbours: [MonitorBenchCounty],
        staffPerUnit: Int,
        runs: Int,
        policyChanges: String? = nil,
        configuration: PostgresConfiguration,
        metrics: PrometheusCollectorRegistry,
        logger: Logger
    ) async throws {
        let client = PostgresClient(configuration: configuration, logger: logger)
        let migrations = try MigrationCatalog.bundled()
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
        let county = MonitorBenchCounty(units: units, staffPerUnit: staffPerUnit)
        let clock = ContinuousClock()
        let setupStart = clock.now
        try await BenchMonitorCommand.buildNeighbours(neighbours, client: client)
        Self.say("  setting up \(units) units, \(units * staffPerUnit) staff (assessments and rosters, no proposal) …")
        let built = try await county.build(client: client, concurrently: 8, propose: false) { done in
            if done % 10_000 == 0 { Self.say("    \(done) units filed") }
        }
        Self.say("  setup took \(String(format: "%.0f", (clock.now - setupStart).seconds)) s")
        let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
        let ref = MonitorBenchCounty.cycleRef
        if let policyChanges {
            let policies = CyclePolicyStore(client: client)
            guard let current = try await policies.current(cycle: ref) else { throw ValidationError("no cycle \(ref.cycle)") }
            let policy = try PolicyChange.changes(Data(policyChanges.utf8)).applied(to: current.current.policy)
            let saved = try await policies.put(
                cycle: ref,
                policy: policy,
                reason: "kaohe-bench proposal",
                actor: "bench",
                account: "office"
            )
            Self.say(
                "  under the cycle's policy version \(saved.version): \(PolicyWords(saved.policy).lines.prefix(4).map(\.text).joined(separator: ";"))"
            )
        }
        let path = "/api/v1/counties/\(ref.county)/cycles/\(ref.cycle)/grading/proposal"
        let token = built.officeToken
        let filings = FilingStore(client: client)
        let committee = Principal(
            county: ref.county,
            account: MonitorBenchCounty.committees[0],
            role: .committee,
            committee: MonitorBenchCounty.committees[0]
        )
        try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) { port in
            let post = Array(
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nContent-Length: 0\r\n\r\n".utf8
            )
            let first = try await BenchMonitorCommand.time(
                port: port,
                request: post,
                runs: 1,
                expecting: [200],
                what: "the first proposal",
                warmUp: 0
            )
            let again = try await BenchMonitorCommand.time(
                port: port,
                request: post,
                runs: runs,
                expecting: [200],
                what: "a proposal again",
                warmUp: 0
            )
            var changed: [Double] = []
            for n in 0..<runs {
                // A unit of the first committee re-scored (a new version), then the proposal.
                let unit = built.codes[4 * n]
                _ = try await filings.fileAssessment(
                    cycle: ref,
                    unit: unit,
                    sheet: MonitorBenchCounty.sheet(keyTasksHundredths: 1999 - n),
                    principal: committee
                )
                changed += try await BenchMonitorCommand.time(
                    port: port,
                    request: post,
                    runs: 1,
                    expecting: [200],
                    what: "a proposal",
                    warmUp: 0
                )
                .milliseconds
            }
            Self.say(
                "  \(units) units, \(units * staffPerUnit) staff — answer \(first.bytes) bytes (the summary and the first 1,000 units):"
            )
            Self.say(
                "    first (cold: every grade new, every roster checked for the first time): \(String(format: "%.0f", first.milliseconds[0])) ms"
            )
            Self.say("    again, nothing changed [\(runs)×]: \(BenchMonitorCommand.summary(again.milliseconds))")
            Self.say("    after one unit re-scored [\(runs)×]: \(BenchMonitorCommand.summary(changed))")
        }
    }
}
