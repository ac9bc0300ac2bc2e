import ArgumentParser
import Dispatch
import Foundation
import KaoheBenchWorkloads
import KaoheDaemon
import KaoheHTTP
import KaoheRules
import KaoheStore
import Logging
import NIOCore
import Postgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kaohe-bench ingest`: a county's roster filing season, in one run (issue 4 item 11).
///
/// Setup, not timed: a county with committees and `--units` units (valid unified social credit
/// codes), one unit account with a token each, cycle 2026 whose roster step is open, and kaohed's
/// HTTP application running in this process (`buildApplication` on 127.0.0.1, a free port, in a
/// ServiceGroup with the pool, as kaohed runs it).
///
/// Timed, each `--runs` times: (a) every unit PUTs its roster as `text/csv` (UTF-8 with BOM, the
/// 13 columns of the roster template) over real HTTP/1.1 on loopback, from `--concurrency` clients
/// with keep-alive connections; (b) the same staff rows — identical columns and values — loaded
/// into the same table `roster_rows` by `psql -c "\copy … from '<file>'"` from a file in COPY text
/// format. Both start from bytes ready to send: the rosters' requests are made once before the
/// first run, the COPY file before each \copy. Rows/s, medians, the ratio API/COPY against the
/// ≥ 0.5 target and the peak RSS are printed.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark roster filing through the HTTP API against psql \\copy into the same table.",
        discussion: """
            Without --database-url a private PostgreSQL cluster is started in a temporary directory \
            (and removed afterwards). The HTTP server runs in this process; the peak RSS printed is \
            this process's (server, pool and clients together, with every roster's request held \
            in memory: about 110 MB for the default million lines, made before the clock starts as \
            psql's COPY file is written before its clock starts). psql is taken from the PostgreSQL \
            binaries directory.
            """
    )

    @Option(
        help:
            "Use this database instead of a private cluster (postgres:// URL or key=value conninfo). It is migrated; county \(Self.county) must not exist yet."
    )
    var databaseURL: String?

    @Option(help: "Units that file a roster.")
    var units = 20_000

    @Option(help: "Staff rows across all rosters (about staff/units per roster, varying ±60%).")
    var staff = 1_000_000

    /// 2 by default: a first filing with a slip here and there (about one violation a roster).
    @Option(
        help:
            "Percent of staff lines whose score is below their grade's threshold (each stores one violation with the roster); the other lines follow their grade."
    )
    var violatingPercent = 2

    @Option(help: "How many times to run each measurement; medians are reported.")
    var runs = 3

    /// 32 by default: enough to keep a 2-core server busy (with 8, it idles about a sixth of the
    /// time between one client's requests; filings are written in batches, which fill with more
    /// clients). Out of a county's thousands of units, 32 uploading at once is an ordinary moment
    /// of the last day before a deadline.
    @Option(help: "HTTP clients in flight (one keep-alive connection each).")
    var concurrency = 32

    @Flag(
        name: .customLong("idempotency-keys"),
        help:
            "Send every roster with an Idempotency-Key (a new one each run): the exactly-once path, one transaction per filing with its key."
    )
    var idempotencyKeys = false

    @Option(help: "Connections in the server's pool (kaohed's default is 8).")
    var poolSize = 8

    /// 基准县: the county the bench creates (not a real division code).
    static let county: CountyCode = "990188"
    static let cycle: CycleID = "2026"
    /// The cycle as one value.
    static var cycleRef: CycleRef { CycleRef(county: county, cycle: cycle) }
    static let rosterPolicy = "tied-2023"

    static let rosterColumns = """
        county, cycle, unit_code, kind, version, line, staff_no, name, post_category, level, score, grade, \
        sanction, under_investigation, probation, leave_months, unassigned_months, refused, quarters
        """

    mutating func run() async throws {
        guard runs > 0, units > 0, concurrency > 0, poolSize > 0 else {
            throw ValidationError("--runs, --units, --concurrency and --pool-size must be positive")
        }
        guard (0...100).contains(violatingPercent) else { throw ValidationError("--violating-percent must be 0–100") }
        guard staff >= units else { throw ValidationError("--staff must be at least --units (every roster needs a line)") }
        guard staff / units <= 50_000 else {
            throw ValidationError("at most 50,000 staff per unit on average (a roster holds at most 100,000 lines)")
        }
        var logger = Logger(label: "kaohe.bench.ingest")
        logger.logLevel = .warning
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: say) {
            configuration,
            binaries,
            workDirectory in
            try await measure(configuration: configuration, binaries: binaries, workDirectory: workDirectory, logger: logger)
        }
    }

    private func measure(configuration: PostgresConfiguration, binaries: String, workDirectory: String, logger: Logger) async throws {
        // As kaohed does: metrics into a Prometheus registry (so the middleware's cost is real),
        // logging to standard error at warning (no line per request).
        let metrics = Bootstrap.process(logLevel: .warning)
        var options = PostgresClient.Options()
        options.maximumConnections = poolSize
        options.acquireTimeout = .seconds(60)
        let client = PostgresClient(configuration: configuration, options: options, logger: logger)
        let migrations = try MigrationCatalog.bundled()

        let clock = ContinuousClock()
        let setupStart = clock.now
        say(
            "setting up: migrations, county \(Self.county), \(units.formatted()) units, \(units.formatted()) unit accounts, cycle \(Self.cycle) …"
        )
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
        let plan = RosterPlan(
            units: units,
            staff: staff,
            violatingPercent: violatingPercent,
            bounds: try PolicyLoader.rosterPolicy(Self.rosterPolicy).bounds
        )
        let violations = plan.violations
        let setup = try await Self.setUp(client: client, plan: plan)
        let version = try await client.query("SHOW server_version").single(String.self) ?? "?"
        let settings =
            try await client.query(
                "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level')"
            ).single(String.self) ?? ""
        say("setup took \(String(format: "%.1f", (clock.now - setupStart).seconds)) s")

        // kaohed's HTTP application in this process, with the pool, in one ServiceGroup.
        let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
        let (results, serverDescription) = try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) {
            port in
            let serverDescription = "in-process (buildApplication, Hummingbird on 127.0.0.1:\(port), pool of \(poolSize))"
            say("server: \(serverDescription)")
            let results = try await measureRuns(
                client: client,
                plan: plan,
                violations: violations,
                setup: setup,
                port: port,
                binaries: binaries,
                workDirectory: workDirectory
            )
            return (results, serverDescription)
        }
        report(results, plan: plan, violations: violations, postgres: version, settings: settings, server: serverDescription)
    }

    struct RunResult {
        var apiRowsPerSecond: Double
        var apiSeconds: Double
        var copyRowsPerSecond: Double
        var copySeconds: Double
    }

    private func measureRuns(
        client: PostgresClient,
        plan: RosterPlan,
        violations: Int,
        setup: Setup,
        port: Int,
        binaries: String,
        workDirectory: String
    ) async throws -> [RunResult] {
        let conninfo = BenchPgCommand.conninfo(client.configuration)
        let copyFile = workDirectory + "/roster_rows.tsv"
        // TRUNCATE only when the table holds nothing but the bench county (always so on a private
        // cluster); otherwise delete the county's rows and vacuum.
        let othersHaveRows =
            try await client.query(
                "SELECT EXISTS (SELECT 1 FROM roster_rows WHERE county <> \(Self.county)) AS others"
            ).single(Bool.self) ?? true
        func clean() async throws {
            if othersHaveRows {
                try await client.execute("DELETE FROM roster_rows WHERE county = \(Self.county)")
                try await client.withConnection { try await $0.simpleQuery("VACUUM roster_rows") }
            } else {
                try await client.execute("TRUNCATE roster_rows")
            }
            try await client.withConnection { try await $0.simpleQuery("CHECKPOINT") }
        }

        var requests = HTTPRosterClients.requests(plan: plan, setup: setup, port: port)
        var results: [RunResult] = []
        for run in 1...runs {
            if idempotencyKeys {
                requests = []
                requests = HTTPRosterClients.requests(
                    plan: plan,
                    setup: setup,
                    port: port,
                    keyPrefix: "bench-\(run)-\(UInt32.random(in: 0...UInt32.max))"
                )
            }
            try await clean()
            let clock = ContinuousClock()

            // (a) the HTTP API.
            let apiStart = clock.now
            try await HTTPRosterClients.fileAll(requests: requests, setup: setup, port: port, concurrency: concurrency)
            let apiSeconds = (clock.now - apiStart).seconds
            let apiVersion =
                try await client.query(
                    "SELECT max(version) FROM filings WHERE county = \(Self.county) AND cycle = \(Self.cycle) AND kind = 'roster'"
                ).single(Int.self) ?? 0
            let apiDigest = try await Self.digest(client: client, version: apiVersion)
            guard apiDigest.rows == plan.staff else {
                throw ValidationError("the API stored \(apiDigest.rows) rows under version \(apiVersion), expected \(plan.staff)")
            }
            let stored =
                try await client.query(
                    """
                    SELECT coalesce(sum(jsonb_array_length(content -> 'violations')), 0)::bigint FROM filings
                    WHERE county = \(Self.county) AND cycle = \(Self.cycle) AND kind = 'roster' AND version = \(apiVersion)
                    """
                ).single(Int.self) ?? -1
            guard stored == violations else {
                throw ValidationError(
                    "the API stored \(stored) violations with the rosters, expected \(violations) (one per line below its grade's threshold)"
                )
            }
            let apiSample = try await Self.sample(client: client, version: apiVersion)
            say(
                "run \(run)/\(runs): HTTP API    \(BenchPgCommand.format(Double(plan.staff) / apiSeconds)) rows/s (\(String(format: "%.1f", apiSeconds)) s)"
            )

            // (b) psql \copy of the same rows, under a filing version of their own (same constraints).
            try await clean()
            let copyVersion = apiVersion + 1
            try await client.execute(
                """
                INSERT INTO filings (county, cycle, unit_code, kind, version, filed_by, deadline, late, content)
                SELECT county, cycle, unit_code, kind, \(copyVersion), filed_by, deadline, late, content FROM filings
                WHERE county = \(Self.county) AND cycle = \(Self.cycle) AND kind = 'roster' AND version = \(apiVersion)
                """
            )
            try RosterPlan.writeCopyFile(
                copyFile,
                plan: plan,
                codes: setup.codes,
                cycle: Self.cycleRef,
                version: copyVersion
            )
            try await client.withConnection { try await $0.simpleQuery("CHECKPOINT") }
            let copyStart = clock.now
            let (status, output) = await BenchPgCommand.runTool(
                binaries + "/psql",
                [
                    "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                    "-c", "\\copy roster_rows (\(Self.rosterColumns)) from '\(copyFile)'",
                ]
            )
            let copySeconds = (clock.now - copyStart).seconds
            guard status == 0 else { throw ValidationError("psql \\copy failed (exit \(status)): \(output)") }
            let copyDigest = try await Self.digest(client: client, version: copyVersion)
            guard copyDigest == apiDigest else {
                let copied = try await Self.sample(client: client, version: copyVersion)
                throw ValidationError(
                    "the COPY rows differ from the API's: \(copyDigest) vs \(apiDigest); first rows copied \(copied), stored through the API \(apiSample)"
                )
            }
            try? FileManager.default.removeItem(atPath: copyFile)
            say(
                "run \(run)/\(runs): psql \\copy \(BenchPgCommand.format(Double(plan.staff) / copySeconds)) rows/s (\(String(format: "%.1f", copySeconds)) s)"
            )
            results.append(
                RunResult(
                    apiRowsPerSecond: Double(plan.staff) / apiSeconds,
                    apiSeconds: apiSeconds,
                    copyRowsPerSecond: Double(plan.staff) / copySeconds,
                    copySeconds: copySeconds
                )
            )
        }
        return results
    }

    private func report(_ results: [RunResult], plan: RosterPlan, violations: Int, postgres: String, settings: String, server: String) {
        let api = median(results.map(\.apiRowsPerSecond))
        let copy = median(results.map(\.copyRowsPerSecond))
        let ratio = api / copy
        say("")
        say("kaohe-bench ingest — PostgreSQL \(postgres) (\(settings)), unix socket")
        say(
            "\(plan.units.formatted()) rosters, \(plan.staff.formatted()) staff rows (\(plan.smallest)–\(plan.largest) per roster), \(violations.formatted()) violations stored with them (--violating-percent \(violatingPercent)), \(concurrency) HTTP clients, text/csv; server \(server)"
        )
        // Same columns as the summary below: rows/s of each path, their ratio, then seconds taken.
        say(BenchPgCommand.row("run", "API rows/s", "\\copy rows/s", "ratio", "API s", "\\copy s"))
        for (index, result) in results.enumerated() {
            say(
                BenchPgCommand.row(
                    "\(index + 1)",
                    BenchPgCommand.format(result.apiRowsPerSecond),
                    BenchPgCommand.format(result.copyRowsPerSecond),
                    String(format: "%.2f", result.apiRowsPerSecond / result.copyRowsPerSecond),
                    String(format: "%.1f", result.apiSeconds),
                    String(format: "%.1f", result.copySeconds)
                )
            )
        }
        say(
            BenchPgCommand.row(
                "median",
                BenchPgCommand.format(api),
                BenchPgCommand.format(copy),
                String(format: "%.2f", ratio),
                String(format: "%.1f", median(results.map(\.apiSeconds))),
                String(format: "%.1f", median(results.map(\.copySeconds)))
            )
        )
        say("")
        say(BenchPgCommand.row("measurement", "API", "psql \\copy", "ratio", "target", "met"))
        say(
            BenchPgCommand.row(
                "roster rows/s (HTTP API vs \\copy)",
                BenchPgCommand.format(api),
                BenchPgCommand.format(copy),
                String(format: "%.2f", ratio),
                "≥ 0.50",
                ratio >= 0.5 ? "yes" : "NO"
            )
        )
        say("peak RSS of this kaohe process (server, pool, clients): \(Self.peakRSSMebibytes()) MiB")
    }

    // MARK: Setup

    /// What the clients need: each unit's code and its account's token, by unit index.
    struct Setup: Sendable {
        var county: CountyCode
        var codes: [String]
        var tokens: [String]
    }

    /// Makes `county` (the bench county unless told) with `plan`'s units, their accounts and
    /// tokens, and cycle 2026 with every unit enrolled.
    static func setUp(client: PostgresClient, plan: RosterPlan, county: CountyCode = Self.county) async throws -> Setup {
        let registry = RegistryStore(client: client)
        guard try await registry.county(county) == nil else {
            throw ValidationError("county \(county) already exists in this database; run the bench on a fresh one")
        }
        let sectors = [
            ("education", "教育"), ("health", "卫生健康"), ("agriculture", "农业农村"), ("culture", "文化旅游"),
            ("transport", "交通运输"), ("natural-resources", "自然资源"), ("civil-affairs", "民政"), ("general", "综合"),
        ]
        let committees = sectors.map(\.0)
        try await registry.enrol(
            county: County(code: county, name: "基准县"),
            committees: sectors.map { Committee(county: county, id: $0.0, name: "\($0.1)专业考核委员会") },
            departments: sectors.map { Department(county: county, id: "\($0.0)-bureau", name: "县\($0.1)局") },
            units: []
        )
        // The unit register through the import path (validated, COPYed).
        var codes: [String] = []
        codes.reserveCapacity(plan.units)
        var csv = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n"
        for index in 0..<plan.units {
            let code = unitCode(index, county: county)
            codes.append(code)
            let committee = committees[index % committees.count]
            csv += "\(code),基准县第\(index + 1)事业单位,\(committee),\(committee)-bureau,\(plan.size(of: index))\n"
        }
        let imported = try await registry.importUnits(county: county, csv: Array(csv.utf8), actor: "cli:bench")
        guard imported.inserted == plan.units else { throw ValidationError("imported \(imported.inserted) units, expected \(plan.units)") }

        // The office (creates the cycle), through the store; the unit accounts in bulk: one COPY
        // each into accounts and api_tokens, storing only the tokens' SHA-256 (APIToken.hash).
        let accounts = AccountStore(client: client)
        let office = Principal(county: county, account: "office", role: .office)
        _ = try await accounts.create(office, displayName: "县事考办", actor: "cli:bench")
        var tokens: [String] = []
        tokens.reserveCapacity(plan.units)
        try await client.withTransaction { connection in
            _ = try await connection.copyFrom("COPY accounts (county, account, display_name, role, unit_code) FROM STDIN") { writer in
                for index in 0..<plan.units {
                    writer.append(row: [county.rawValue, "unit-\(index + 1)", "基准县第\(index + 1)事业单位", "unit", codes[index]])
                    if writer.needsFlush { try await writer.flush() }
                }
            }
            var hashes: [String] = []
            hashes.reserveCapacity(plan.units)
            for _ in 0..<plan.units {
                let token = APIToken.generate()
                tokens.append(token.secret)
                hashes.append(token.hash)
            }
            _ = try await connection.copyFrom("COPY api_tokens (county, token_id, account, token_hash, label) FROM STDIN") { writer in
                for index in 0..<plan.units {
                    writer.append(row: [county.rawValue, UUID().uuidString.lowercased(), "unit-\(index + 1)", hashes[index], "bench"])
                    if writer.needsFlush { try await writer.flush() }
                }
            }
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: "cli:bench",
                action: .accountCreate,
                object: "accounts:unit-1…unit-\(plan.units)",
                details: ["role": "unit", "count": String(plan.units)]
            )
        }

        // Cycle 2026: every step opened a day ago, deadline in 30 days; all units enrolled.
        let now = Date()
        let times = StepTimes(
            opensAt: now.addingTimeInterval(-86_400),
            deadline: now.addingTimeInterval(30 * 86_400),
            closesAt: now.addingTimeInterval(37 * 86_400)
        )
        let cycles = CycleStore(client: client)
        _ = try await cycles.put(
            county: county,
            definition: CycleDefinition(
                cycle: cycle,
                kind: .annual,
                title: "2026年度事业单位绩效考核(基准测试)",
                scheme: "county-2021",
                policy: rosterPolicy,
                steps: Dictionary(uniqueKeysWithValues: FilingStep.allCases.map { ($0, times) })
            ),
            actor: office.actor,
            account: office.account
        )
        _ = try await cycles.enrol(
            cycle: CycleRef(county: county, cycle: cycle),
            units: codes.map(UnitCode.init(rawValue:)),
            actor: office.actor
        )
        // Statistics for what the setup filled, as autovacuum would have them in a county that has
        // been running. Not for the still-empty filings and roster tables: analysed empty, they tell
        // the planner "no rows", the foreign-key check of every roster line (roster_rows →
        // filings) is then cached by each pooled connection as a sequential scan of filings, and
        // the run slows quadratically until autovacuum's next pass (up to a minute) re-plans it.
        // A real county's tables are never analysed empty: autovacuum skips a table until 50 rows
        // changed, and an unanalysed table is planned as at least 10 pages (index scans).
        try await client.withConnection {
            try await $0.simpleQuery(
                "VACUUM ANALYZE counties, committees, departments, units, accounts, api_tokens, cycles, cycle_steps, cycle_units"
            )
        }
        return Setup(county: county, codes: codes, tokens: tokens)
    }

    /// A public institution's code: `12` + the division code + a 9-character organisation code +
    /// the GB 32100 check symbol.
    static func unitCode(_ index: Int, county: CountyCode = Self.county) -> String {
        let serial = String(1_000_000_000 + index).dropFirst()
        let first17 = "12" + county.rawValue + serial
        return first17 + String(UnifiedSocialCreditCode.checkSymbol(forFirst17: first17)!)
    }

    /// Rows and an order-independent checksum of the bench county's rows of one version, over every
    /// column but the version (so the API's and COPY's rows can be compared).
    static func digest(client: PostgresClient, version: Int) async throws -> Digest {
        let rows = try await client.query(
            """
            SELECT count(*) AS rows,
                   coalesce(sum(hashtextextended(concat_ws('|', county, cycle, unit_code, kind, line, staff_no, name, post_category, level,
                                score, grade, sanction, under_investigation, probation, leave_months, unassigned_months, refused,
                                quarters), 0)), 0)::text AS checksum
            FROM roster_rows WHERE county = \(county) AND cycle = \(cycle) AND version = \(version)
            """
        )
        guard let row = rows.first else { return Digest(rows: 0, checksum: "") }
        return Digest(rows: try row.decode(Int.self, column: "rows"), checksum: try row.decode(String.self, column: "checksum"))
    }

    /// The first rows of a version, as text, to show what differs.
    static func sample(client: PostgresClient, version: Int) async throws -> [String] {
        try await client.query(
            """
            SELECT row(line, staff_no, name, post_category, level, score, grade, sanction, under_investigation, probation,
                       leave_months, unassigned_months, refused, quarters)::text AS line
            FROM roster_rows WHERE county = \(county) AND cycle = \(cycle) AND version = \(version) ORDER BY unit_code, line LIMIT 3
            """
        ).map { try $0.decode(String.self, column: "line") }
    }

    struct Digest: Equatable, CustomStringConvertible {
        var rows: Int
        var checksum: String
        var description: String { "\(rows) rows, checksum \(checksum)" }
    }

    /// Peak resident set size of this process.
    static func peakRSSMebibytes() -> Int {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if canImport(Darwin)
        return Int(usage.ru_maxrss) / (1024 * 1024)
        #else
        return Int(usage.ru_maxrss) / 1024
        #endif
    }
}

/// Prints a line at once, also when stdout is a file or a pipe (print would hold it in its buffer
/// until exit, hiding a long run's progress).
private func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
