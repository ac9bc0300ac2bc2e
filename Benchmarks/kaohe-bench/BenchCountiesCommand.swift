import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheHTTP
import KaoheRules
import KaoheStore
import Logging
import Postgres

/// `kaohe-bench counties`: many counties filing rosters at once through the API (issue 21: 50
/// counties × 40 units, 32 clients, measured at 33,538 rows/s before; no lower now).
///
/// Setup, not timed: `--counties` counties (990200, 990201, …), each as `ingest` makes its county —
/// `--units` units with their accounts and tokens, cycle 2026 open — and every unit's roster
/// request (about `--staff-per-unit` lines, 2 % of them below their grade's threshold) made before
/// the clock starts. Timed: `--rounds` rounds of every unit of every county filing its roster
/// (each a new version), the units of all counties interleaved, sent by `--concurrency` keep-alive
/// clients, each answer a 200; then every county's versions and lines are counted. Prints rows/s
/// and requests/s for each of `--runs` runs and their medians.
struct BenchCountiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counties",
        abstract: "Benchmark many counties filing rosters at once through the HTTP application.",
        discussion:
            "Without --database-url a private PostgreSQL cluster is started in a temporary directory (and removed afterwards). Build in release for figures that mean something."
    )

    @Option(help: "Use this database instead of a private cluster. It is migrated; counties 990200… must not exist yet.")
    var databaseURL: String?
    @Option(help: "Counties filing at once.") var counties = 50
    @Option(help: "Units in each county.") var units = 40
    @Option(help: "Lines in each roster, on average (±60 %).") var staffPerUnit = 50
    @Option(help: "Rosters each unit files in a run (each a new version).") var rounds = 10
    @Option(help: "HTTP clients in flight (one keep-alive connection each).") var concurrency = 32
    @Option(help: "Timed runs; medians are reported.") var runs = 3

    static func say(_ line: String) { BenchMonitorCommand.say(line) }

    mutating func run() async throws {
        guard counties > 0, counties <= 99, units > 0, staffPerUnit > 0, rounds > 0, concurrency > 0, runs > 0 else {
            throw ValidationError("--counties (1–99), --units, --staff-per-unit, --rounds, --concurrency and --runs must be positive")
        }
        var logger = Logger(label: "kaohe.bench.counties")
        logger.logLevel = .warning
        let (counties, units, staffPerUnit, rounds, concurrency, runs) = (counties, units, staffPerUnit, rounds, concurrency, runs)
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.say) { configuration, _, _ in
            let metrics = Bootstrap.process(logLevel: .warning)
            var options = PostgresClient.Options()
            options.acquireTimeout = .seconds(60)
            let client = PostgresClient(configuration: configuration, options: options, logger: logger)
            let migrations = try MigrationCatalog.bundled()
            try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
            let plan = RosterPlan(
                units: units,
                staff: units * staffPerUnit,
                violatingPercent: 2,
                bounds: try PolicyLoader.rosterPolicy(BenchIngestCommand.rosterPolicy).bounds
            )
            Self.say("setting up \(counties) counties of \(units) units (990200 …), every unit's account and token, cycle 2026 …")
            var setups: [BenchIngestCommand.Setup] = []
            for index in 0..<counties {
                setups.append(
                    try await BenchIngestCommand.setUp(client: client, plan: plan, county: CountyCode(rawValue: String(990_200 + index)))
                )
            }
            let codes = setups.map(\.county)
            let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
            let results = try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) { port in
                // Unit by unit across the counties (unit 1 of every county, then unit 2, …), so the
                // clients file for many counties at every moment; the same bytes each round.
                let perCounty = setups.map { HTTPRosterClients.requests(plan: plan, setup: $0, port: port) }
                var round: [[UInt8]] = []
                var who: [String] = []
                for unit in 0..<units {
                    for county in setups.indices {
                        round.append(perCounty[county][unit])
                        who.append("\(setups[county].county)/\(setups[county].codes[unit])")
                    }
                }
                let requests = Array([[[UInt8]]](repeating: round, count: rounds).joined())
                let labels = BenchIngestCommand.Setup(
                    county: setups[0].county,
                    codes: Array([[String]](repeating: who, count: rounds).joined()),
                    tokens: []
                )
                let rows = plan.staff * counties * rounds
                var results: [(rows: Double, requests: Double)] = []
                let clock = ContinuousClock()
                for run in 1...runs {
                    let start = clock.now
                    try await HTTPRosterClients.fileAll(requests: requests, setup: labels, port: port, concurrency: concurrency)
                    let seconds = (clock.now - start).seconds
                    // Every filing stored, each with all its lines.
                    let stored = try await client.query(
                        """
                        SELECT (SELECT count(*) FROM filings WHERE county = ANY (\(PostgresArray(codes))::text[]) AND kind = 'roster')::bigint AS filings,
                               (SELECT count(*) FROM roster_rows WHERE county = ANY (\(PostgresArray(codes))::text[]))::bigint AS lines
                        """
                    ).one()
                    let (filings, lines) = (try stored.decode(Int.self, column: "filings"), try stored.decode(Int.self, column: "lines"))
                    guard filings == requests.count * run, lines == rows * run else {
                        throw ValidationError(
                            "after run \(run): \(filings) rosters and \(lines) lines stored, expected \(requests.count * run) and \(rows * run)"
                        )
                    }
                    results.append((Double(rows) / seconds, Double(requests.count) / seconds))
                    Self.say(
                        "run \(run)/\(runs): \(requests.count) rosters, \(rows) lines in \(String(format: "%.1f", seconds)) s — \(BenchPgCommand.format(Double(rows) / seconds)) rows/s, \(String(format: "%.0f", Double(requests.count) / seconds)) rosters/s"
                    )
                }
                return results
            }
            Self.say(
                "median of \(runs): \(BenchPgCommand.format(median(results.map(\.rows)))) rows/s, \(String(format: "%.0f", median(results.map(\.requests)))) rosters/s (\(counties) counties × \(units) units × \(rounds) rounds, \(concurrency) clients; before: 33,538 rows/s)"
            )
        }
    }
}
