import ArgumentParser
import Dispatch
import Foundation
import KaoheDaemon
import KaoheHTTP
import KaoheRules
import KaoheStore
import Logging
import NIOCore
import Postgres
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kaohe bench ingest`: a county's roster filing season, in one run (issue 4 item 11).
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
/// format. Rows/s, medians, the ratio API/COPY against the ≥ 0.5 target and the peak RSS are printed.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark roster filing through the HTTP API against psql \\copy into the same table.",
        discussion: """
            Without --database-url a private PostgreSQL cluster is started in a temporary directory \
            (and removed afterwards). The HTTP server runs in this process; the peak RSS printed is \
            this process's (server, pool and clients together). psql is taken from the PostgreSQL \
            binaries directory.
            """
    )

    @Option(help: "Use this database instead of a private cluster (postgres:// URL or key=value conninfo). It is migrated; county \(Self.county) must not exist yet.")
    var databaseURL: String?

    @Option(help: "Units that file a roster.")
    var units = 20_000

    @Option(help: "Staff rows across all rosters (about staff/units per roster, varying ±60%).")
    var staff = 1_000_000

    @Option(help: "How many times to run each measurement; medians are reported.")
    var runs = 3

    @Option(help: "HTTP clients in flight (one keep-alive connection each).")
    var concurrency = 8

    @Option(help: "Connections in the server's pool (kaohed's default is 8).")
    var poolSize = 8

    /// 基准县: the county the bench creates (not a real division code).
    static let county = "990188"
    static let cycle = "2026"

    static let rosterColumns = """
        county, cycle, unit_code, kind, version, line, staff_no, name, post_category, level, score, grade, \
        sanction, under_investigation, probation, leave_months, unassigned_months, refused, quarters
        """

    mutating func run() async throws {
        guard runs > 0, units > 0, concurrency > 0, poolSize > 0 else {
            throw ValidationError("--runs, --units, --concurrency and --pool-size must be positive")
        }
        guard staff >= units else { throw ValidationError("--staff must be at least --units (every roster needs a line)") }
        guard staff / units <= 50_000 else { throw ValidationError("at most 50,000 staff per unit on average (a roster holds at most 100,000 lines)") }
        var logger = Logger(label: "kaohe.bench.ingest")
        logger.logLevel = .warning
        let binaries = try EmbeddedCluster.locateBinaries(nil)
        let workDirectory = FileManager.default.temporaryDirectory.path + "/kaohe-bench-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workDirectory) }

        var cluster: EmbeddedCluster?
        var signalSources: [any DispatchSourceSignal] = []
        defer { signalSources.forEach { $0.cancel() } }
        let configuration: PostgresConfiguration
        if let databaseURL {
            configuration = try PostgresConfiguration(url: databaseURL)
        } else {
            var clusterConfiguration = EmbeddedCluster.Configuration(dataDirectory: workDirectory + "/pg")
            clusterConfiguration.database = "bench"
            let started = EmbeddedCluster(configuration: clusterConfiguration, logger: logger)
            cluster = started
            print("starting a private PostgreSQL cluster in \(clusterConfiguration.dataDirectory) …")
            signalSources = BenchPgCommand.stopOnInterrupt(started, workDirectory: workDirectory)
            configuration = try await started.start()
        }
        do {
            try await measure(configuration: configuration, binaries: binaries, workDirectory: workDirectory, logger: logger)
        } catch {
            try? await cluster?.stop()
            throw error
        }
        try await cluster?.stop()
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
        print("setting up: migrations, county \(Self.county), \(units.formatted()) units, \(units.formatted()) unit accounts, cycle \(Self.cycle) …")
        try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
        let plan = RosterPlan(units: units, staff: staff)
        let setup = try await Self.setUp(client: client, plan: plan)
        let version = try await client.query("SHOW server_version").single(String.self) ?? "?"
        let settings = try await client.query(
            "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level')"
        ).single(String.self) ?? ""
        print("setup took \(String(format: "%.1f", (clock.now - setupStart).seconds)) s")

        // kaohed's HTTP application in this process, with the pool, in one ServiceGroup.
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            configuration: HTTPConfiguration(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(client: client, migrations: migrations, metrics: metrics),
            logger: logger,
            onServerRunning: { address in portContinuation.yield(address?.port ?? 0) }
        )
        let group = ServiceGroup(configuration: .init(services: [client, app], logger: logger))
        let server = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var portIterator = ports.makeAsyncIterator()
        guard let port = await portIterator.next(), port > 0 else {
            try await server.value
            throw ValidationError("the HTTP server did not start")
        }
        let serverDescription = "in-process (buildApplication, Hummingbird on 127.0.0.1:\(port), pool of \(poolSize))"
        print("server: \(serverDescription)")

        do {
            let results = try await measureRuns(
                client: client, plan: plan, setup: setup, port: port, binaries: binaries, workDirectory: workDirectory
            )
            await group.triggerGracefulShutdown()
            try await server.value
            report(results, plan: plan, postgres: version, settings: settings, server: serverDescription)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            throw error
        }
    }

    struct RunResult {
        var apiRowsPerSecond: Double
        var apiSeconds: Double
        var copyRowsPerSecond: Double
        var copySeconds: Double
    }

    private func measureRuns(
        client: PostgresClient, plan: RosterPlan, setup: Setup, port: Int, binaries: String, workDirectory: String
    ) async throws -> [RunResult] {
        let conninfo = BenchPgCommand.conninfo(client.configuration)
        let copyFile = workDirectory + "/roster_rows.tsv"
        // TRUNCATE only when the table holds nothing but the bench county (always so on a private
        // cluster); otherwise delete the county's rows and vacuum.
        let othersHaveRows = try await client.query(
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

        var results: [RunResult] = []
        for run in 1...runs {
            try await clean()
            let clock = ContinuousClock()

            // (a) the HTTP API.
            let apiStart = clock.now
            try await HTTPRosterClients.fileAll(plan: plan, setup: setup, port: port, concurrency: concurrency)
            let apiSeconds = (clock.now - apiStart).seconds
            let apiVersion = try await client.query(
                "SELECT max(version) FROM filings WHERE county = \(Self.county) AND cycle = \(Self.cycle) AND kind = 'roster'"
            ).single(Int.self) ?? 0
            let apiDigest = try await Self.digest(client: client, version: apiVersion)
            guard apiDigest.rows == plan.staff else {
                throw ValidationError("the API stored \(apiDigest.rows) rows under version \(apiVersion), expected \(plan.staff)")
            }
            let apiSample = try await Self.sample(client: client, version: apiVersion)
            print("run \(run)/\(runs): HTTP API    \(BenchPgCommand.format(Double(plan.staff) / apiSeconds)) rows/s (\(String(format: "%.1f", apiSeconds)) s)")

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
            try RosterPlan.writeCopyFile(copyFile, plan: plan, codes: setup.codes, county: Self.county, cycle: Self.cycle, version: copyVersion)
            try await client.withConnection { try await $0.simpleQuery("CHECKPOINT") }
            let copyStart = clock.now
            let (status, output) = await BenchPgCommand.runTool(binaries + "/psql", [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                "-c", "\\copy roster_rows (\(Self.rosterColumns)) from '\(copyFile)'",
            ])
            let copySeconds = (clock.now - copyStart).seconds
            guard status == 0 else { throw ValidationError("psql \\copy failed (exit \(status)): \(output)") }
            let copyDigest = try await Self.digest(client: client, version: copyVersion)
            guard copyDigest == apiDigest else {
                let copied = try await Self.sample(client: client, version: copyVersion)
                throw ValidationError("the COPY rows differ from the API's: \(copyDigest) vs \(apiDigest); first rows copied \(copied), stored through the API \(apiSample)")
            }
            try? FileManager.default.removeItem(atPath: copyFile)
            print("run \(run)/\(runs): psql \\copy \(BenchPgCommand.format(Double(plan.staff) / copySeconds)) rows/s (\(String(format: "%.1f", copySeconds)) s)")
            results.append(RunResult(
                apiRowsPerSecond: Double(plan.staff) / apiSeconds, apiSeconds: apiSeconds,
                copyRowsPerSecond: Double(plan.staff) / copySeconds, copySeconds: copySeconds
            ))
        }
        return results
    }

    private func report(_ results: [RunResult], plan: RosterPlan, postgres: String, settings: String, server: String) {
        let api = median(results.map(\.apiRowsPerSecond))
        let copy = median(results.map(\.copyRowsPerSecond))
        let ratio = api / copy
        print("")
        print("kaohe bench ingest — PostgreSQL \(postgres) (\(settings)), unix socket")
        print("\(plan.units.formatted()) rosters, \(plan.staff.formatted()) staff rows (\(plan.smallest)–\(plan.largest) per roster), \(concurrency) HTTP clients, text/csv; server \(server)")
        // Same columns as the summary below: rows/s of each path, their ratio, then seconds taken.
        print(BenchPgCommand.row("run", "API rows/s", "\\copy rows/s", "ratio", "API s", "\\copy s"))
        for (index, result) in results.enumerated() {
            print(BenchPgCommand.row(
                "\(index + 1)", BenchPgCommand.format(result.apiRowsPerSecond), BenchPgCommand.format(result.copyRowsPerSecond),
                String(format: "%.2f", result.apiRowsPerSecond / result.copyRowsPerSecond),
                String(format: "%.1f", result.apiSeconds), String(format: "%.1f", result.copySeconds)
            ))
        }
        print(BenchPgCommand.row(
            "median", BenchPgCommand.format(api), BenchPgCommand.format(copy), String(format: "%.2f", ratio),
            String(format: "%.1f", median(results.map(\.apiSeconds))), String(format: "%.1f", median(results.map(\.copySeconds)))
        ))
        print("")
        print(BenchPgCommand.row("measurement", "API", "psql \\copy", "ratio", "target", "met"))
        print(BenchPgCommand.row(
            "roster rows/s (HTTP API vs \\copy)", BenchPgCommand.format(api), BenchPgCommand.format(copy),
            String(format: "%.2f", ratio), "≥ 0.50", ratio >= 0.5 ? "yes" : "NO"
        ))
        print("peak RSS of this kaohe process (server, pool, clients): \(Self.peakRSSMebibytes()) MiB")
    }

    // MARK: Setup

    /// What the clients need: each unit's code and its account's token, by unit index.
    struct Setup: Sendable {
        var codes: [String]
        var tokens: [String]
    }

    static func setUp(client: PostgresClient, plan: RosterPlan) async throws -> Setup {
        let registry = RegistryStore(client: client)
        guard try await registry.county(county) == nil else {
            throw ValidationError("county \(county) already exists in this database; run the bench on a fresh one")
        }
        let sectors = [("education", "教育"), ("health", "卫生健康"), ("agriculture", "农业农村"), ("culture", "文化旅游"),
                       ("transport", "交通运输"), ("natural-resources", "自然资源"), ("civil-affairs", "民政"), ("general", "综合")]
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
            let code = unitCode(index)
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
                    writer.append(row: [county, "unit-\(index + 1)", "基准县第\(index + 1)事业单位", "unit", codes[index]])
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
                    writer.append(row: [county, UUID().uuidString.lowercased(), "unit-\(index + 1)", hashes[index], "bench"])
                    if writer.needsFlush { try await writer.flush() }
                }
            }
            try await AuditChain.append(
                on: connection, county: county, actor: "cli:bench", action: "account.create",
                object: "accounts:unit-1…unit-\(plan.units)", details: ["role": "unit", "count": String(plan.units)]
            )
        }

        // Cycle 2026: every step opened a day ago, deadline in 30 days; all units enrolled.
        let now = Date()
        let times = StepTimes(opensAt: now.addingTimeInterval(-86_400), deadline: now.addingTimeInterval(30 * 86_400), closesAt: now.addingTimeInterval(37 * 86_400))
        let cycles = CycleStore(client: client)
        _ = try await cycles.put(
            county: county,
            definition: CycleDefinition(
                cycle: cycle, kind: .annual, title: "2026年度事业单位绩效考核(基准测试)", scheme: "county-2021", policy: "tied-2023",
                steps: Dictionary(uniqueKeysWithValues: FilingStep.allCases.map { ($0, times) })
            ),
            actor: office.actor, account: office.account
        )
        _ = try await cycles.enrol(county: county, cycle: cycle, units: codes, actor: office.actor)
        try await client.withConnection { try await $0.simpleQuery("VACUUM ANALYZE") }
        return Setup(codes: codes, tokens: tokens)
    }

    /// A public institution's code: `12` + the division code + a 9-character organisation code +
    /// the GB 32100 check symbol.
    static func unitCode(_ index: Int) -> String {
        let serial = String(1_000_000_000 + index).dropFirst()
        let first17 = "12" + county + serial
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

// MARK: - The rosters

/// The staff rows of every unit, generated on demand from (unit, line) so that the HTTP clients
/// and the COPY file see identical values without holding a million rows in memory.
struct RosterPlan: Sendable {
    let units: Int
    let staff: Int
    /// Lines per unit: about staff/units, ±60% in pairs so the total is exact.
    let sizes: [Int]

    init(units: Int, staff: Int) {
        self.units = units
        self.staff = staff
        let base = staff / units
        let spread = base * 3 / 5
        var sizes = [Int](repeating: base, count: units)
        if spread > 0 {
            for pair in 0..<(units / 2) {
                let delta = (pair &* 7_919) % (2 * spread + 1) - spread
                sizes[2 * pair] += delta
                sizes[2 * pair + 1] -= delta
            }
        }
        for index in 0..<(staff % units) { sizes[index] += 1 }
        self.sizes = sizes
    }

    func size(of unit: Int) -> Int { sizes[unit] }
    var smallest: Int { sizes.min() ?? 0 }
    var largest: Int { sizes.max() ?? 0 }

    /// One generated staff line, in the domain's terms.
    struct Line {
        var staffNo: String
        var name: String
        var postCategory: String
        var level: String
        var score: Score
        var grade: StaffGrade
        var sanction: Sanction
        var underInvestigation: Bool
        var probation: Bool
        var leaveMonths: Int
        var unassignedMonths: Int
        var refused: Bool
        var quarters: [QuarterResult]
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈").map(String.init)
    static let givenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
                             "平", "刚", "桂英", "建华", "文", "华", "红梅", "志强", "海燕", "晓东", "丽娟", "国平", "春梅", "振华", "玉兰"]
    static let postCategories = ["专业技术", "管理", "工勤技能", "专业技术", "专业技术"]
    static let levels = ["初级", "中级", "副高级", "正高级", "八级职员", "九级职员", "技术工二级", "中级", "初级"]
    static let quarterPatterns: [[QuarterResult]] = [
        [], [], [], [.good, .competent, .competent, .good], [.excellent, .good, .good, .competent], [.competent, .competent, .competent, .competent],
    ]

    static func line(unit: Int, line: Int) -> Line {
        var hash = UInt64(truncatingIfNeeded: unit &* 1_000_003 &+ line) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        func pick(_ bound: Int) -> Int {
            let value = Int(hash % UInt64(bound))
            hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            hash ^= hash >> 31
            return value
        }
        let gradeDraw = pick(100)
        let grade: StaffGrade = switch gradeDraw {
        case 0..<12: .excellent
        case 12..<95: .competent
        case 95..<98: .basic
        case 98: .undetermined
        default: .incompetent
        }
        let number = String(1_000_000 + line).dropFirst()
        return Line(
            staffNo: "GH" + number,
            name: surnames[pick(surnames.count)] + givenNames[pick(givenNames.count)],
            postCategory: postCategories[pick(postCategories.count)],
            level: levels[pick(levels.count)],
            score: Score(hundredths: Int64(6_000 + pick(4_001))),
            grade: grade,
            sanction: pick(200) == 0 ? .warning : .none,
            underInvestigation: pick(500) == 0,
            probation: pick(30) == 0,
            leaveMonths: pick(25) == 0 ? 2 : 0,
            unassignedMonths: pick(100) == 0 ? 1 : 0,
            refused: pick(1_000) == 0,
            quarters: quarterPatterns[pick(quarterPatterns.count)]
        )
    }

    static let csvHeader = Array("\u{FEFF}工号,姓名,岗位类别,层级,测评分,拟定等次,处分,立案调查,试用期,病事假月数,未聘月数,拒不参加,季度结果\r\n".utf8)

    /// The unit's roster as a county office uploads it: Excel's "CSV UTF-8" (BOM, CRLF), terms in Chinese.
    func csv(unit: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: Self.csvHeader)
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: ","))
        }
        for number in 1...sizes[unit] {
            let line = Self.line(unit: unit, line: number)
            field(line.staffNo)
            field(line.name)
            field(line.postCategory)
            field(line.level)
            field(line.score.description)
            field(line.grade.chinese)
            field(line.sanction == .none ? "" : line.sanction.chinese)
            field(line.underInvestigation ? "是" : "否")
            field(line.probation ? "是" : "否")
            field(String(line.leaveMonths))
            field(String(line.unassignedMonths))
            field(line.refused ? "是" : "否")
            bytes.append(contentsOf: line.quarters.map(Self.quarterChinese).joined(separator: "、").utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
    }

    static func quarterChinese(_ result: QuarterResult) -> String {
        switch result {
        case .excellent: "优秀"
        case .good: "良好"
        case .competent: "称职"
        case .incompetent: "不称职"
        }
    }

    /// Every unit's rows as `roster_rows` stores them, in COPY text format, streamed to `path`.
    /// (No generated value holds a tab, newline or backslash, so nothing needs escaping.)
    static func writeCopyFile(_ path: String, plan: RosterPlan, codes: [String], county: String, cycle: String, version: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 21)
        let prefix = Array("\(county)\t\(cycle)\t".utf8)
        let kindAndVersion = Array("\troster\t\(version)\t".utf8)
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\t"))
        }
        func flag(_ value: Bool) {
            bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            bytes.append(UInt8(ascii: "\t"))
        }
        for unit in 0..<plan.units {
            for number in 1...plan.sizes[unit] {
                let line = Self.line(unit: unit, line: number)
                bytes.append(contentsOf: prefix)
                bytes.append(contentsOf: codes[unit].utf8)
                bytes.append(contentsOf: kindAndVersion)
                field(String(number + 1))  // the API stores the CSV line number; the header is line 1
                field(line.staffNo)
                field(line.name)
                field(line.postCategory)
                field(line.level)
                field(line.score.description)
                field(line.grade.rawValue)
                field(line.sanction.rawValue)
                flag(line.underInvestigation)
                flag(line.probation)
                field(String(line.leaveMonths))
                field(String(line.unassignedMonths))
                flag(line.refused)
                bytes.append(contentsOf: line.quarters.map(\.rawValue).joined(separator: ",").utf8)
                bytes.append(UInt8(ascii: "\n"))
            }
            if bytes.count >= 1 << 20 {
                try handle.write(contentsOf: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: bytes)
    }
}

// MARK: - The HTTP clients

/// `--concurrency` clients, each on a thread of its own with one keep-alive HTTP/1.1 connection
/// over a plain POSIX socket (blocking I/O never touches the cooperative pool the server runs on).
/// Units are handed out from a shared counter; each client builds the unit's CSV, PUTs it and
/// reads the whole response, which must be 200.
enum HTTPRosterClients {
    final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let failure = Mutex<String?>(nil)
    }

    static func fileAll(plan: RosterPlan, setup: BenchIngestCommand.Setup, port: Int, concurrency: Int) async throws {
        let shared = Shared()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for _ in 0..<concurrency {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    do {
                        try work(plan: plan, setup: setup, port: port, shared: shared)
                    } catch {
                        shared.failure.withLock { $0 = $0 ?? "\(error)" }
                        shared.next.store(plan.units, ordering: .relaxed)
                    }
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
        if let failure = shared.failure.withLock({ $0 }) { throw ValidationError("HTTP client: \(failure)") }
    }

    static func work(plan: RosterPlan, setup: BenchIngestCommand.Setup, port: Int, shared: Shared) throws {
        var connection = try LoopbackConnection(port: port)
        defer { connection.close() }
        var body: [UInt8] = []
        body.reserveCapacity(64 * 1024)
        var request: [UInt8] = []
        request.reserveCapacity(64 * 1024)
        while true {
            let unit = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard unit < plan.units else { return }
            plan.csv(unit: unit, into: &body)
            request.removeAll(keepingCapacity: true)
            let head = "PUT /api/v1/counties/\(BenchIngestCommand.county)/cycles/\(BenchIngestCommand.cycle)/units/\(setup.codes[unit])/roster HTTP/1.1\r\n"
                + "Host: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(setup.tokens[unit])\r\n"
                + "Content-Type: text/csv; charset=utf-8\r\nContent-Length: \(body.count)\r\n\r\n"
            request.append(contentsOf: head.utf8)
            request.append(contentsOf: body)
            if !connection.isOpen { connection = try LoopbackConnection(port: port) }
            try connection.send(request)
            let (status, responseBody) = try connection.receiveResponse()
            guard status == 200 else {
                throw ValidationError("PUT roster of unit \(setup.codes[unit]) answered \(status): \(String(decoding: responseBody.prefix(500), as: UTF8.self))")
            }
        }
    }
}

/// A blocking TCP connection to 127.0.0.1 that speaks just enough HTTP/1.1: one request at a
/// time, responses with Content-Length, `Connection: close` honoured.
struct LoopbackConnection {
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var isOpen = true

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw ValidationError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            _ = closeSocket(descriptor)
            throw ValidationError("connect to 127.0.0.1:\(port): \(message)")
        }
        buffer.reserveCapacity(64 * 1024)
    }

    mutating func close() {
        guard isOpen else { return }
        isOpen = false
        _ = closeSocket(descriptor)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                #if canImport(Glibc)
                let written = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let written = Darwin.send(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ValidationError("send: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Reads one response: its status and body.
    mutating func receiveResponse() throws -> (status: Int, body: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        var searchFrom = 0
        while headerEnd == nil {
            if buffer.count >= 4 {
                var index = max(0, searchFrom - 3)
                while index + 4 <= buffer.count {
                    if buffer[index] == separator[0], buffer[index + 1] == separator[1], buffer[index + 2] == separator[2], buffer[index + 3] == separator[3] {
                        headerEnd = index + 4
                        break
                    }
                    index += 1
                }
                searchFrom = buffer.count
            }
            if headerEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw ValidationError("malformed response: \(head.prefix(200))")
        }
        var length: Int?
        var closes = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "connection", value.lowercased() == "close" { closes = true }
            if name == "transfer-encoding" { throw ValidationError("chunked responses are not supported by this client") }
        }
        let bodyLength = length ?? 0
        while buffer.count < headerEnd! + bodyLength { try fill() }
        let body = Array(buffer[headerEnd!..<(headerEnd! + bodyLength)])
        buffer.removeFirst(headerEnd! + bodyLength)
        if closes { close() }
        return (status, body)
    }

    private mutating func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
        if count < 0 {
            if errno == EINTR { return }
            throw ValidationError("recv: \(String(cString: strerror(errno)))")
        }
        guard count > 0 else { throw ValidationError("the server closed the connection mid-response") }
        buffer.append(contentsOf: chunk[..<count])
    }
}

private func closeSocket(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
