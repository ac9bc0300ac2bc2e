import ArgumentParser
import Foundation
import KaoheBenchWorkloads
import KaoheDaemon
import KaoheHTTP
import KaoheRules
import KaoheStore
import Logging
import Postgres
import Spreadsheets

/// `kaohe-bench pages`: every dashboard page of each role at a county of 500 units and 25,000 staff,
/// and a 2,000-line .xlsx roster uploaded through the unit page's form (issue 17: p95 under 100 ms a
/// page, the upload parsed, checked and stored in under a second).
///
/// Setup, not timed: `MonitorBenchCounty` (assessments, rosters, the grading proposal), a committee
/// and a unit account with web passwords, a browser session for each role (office, committee,
/// unit), and kaohed's HTTP application running in this process, as `monitor` does.
///
/// Beside it, first: `--other-counties` neighbouring counties of the same size (issue 21: measured in a
/// database that holds others). Timed from writing the request to the last byte of the answer: each
/// page GET with the role's session cookie, cold and warm (`BenchMonitorCommand.timeColdAndWarm`); then the roster upload (multipart POST with the CSRF field, answered by the 303 to
/// the unit page), `--upload-runs` times, each a new version; and three forms — the committee's
/// 计算合计 and 报送评分 on a unit's score sheet, the office's 重新生成等次建议 — `--runs` times each. Prints
/// min / median / p95 in ms per page and form and whether it meets the target.
struct BenchPagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Benchmark every dashboard page of each role, and a 2,000-line .xlsx roster upload, at a county of 500 units.",
        discussion:
            "Without --database-url a private PostgreSQL cluster is started in a temporary directory (and removed afterwards). Build in release for figures that mean something."
    )

    @Option(help: "Use this database instead of a private cluster. It is migrated; county \(MonitorBenchCounty.county) must not exist yet.")
    var databaseURL: String?
    @Option(help: "Units in the county.") var units = 500
    @Option(help: "Staff in each unit's roster.") var staffPerUnit = 50
    @Option(help: "Timed requests of each page.") var runs = 21
    @Option(help: "Lines of the uploaded roster.") var rosterLines = 2000
    @Option(help: "Timed roster uploads.") var uploadRuns = 5
    @Option(
        help: "Counties of the same size built beside the one measured (990102, …), so that it is measured in a database that holds others."
    )
    var otherCounties = 3

    static func say(_ line: String) { BenchMonitorCommand.say(line) }

    mutating func run() async throws {
        guard runs > 0, units > 0, staffPerUnit > 0, rosterLines > 0, uploadRuns > 0, otherCounties >= 0 else {
            throw ValidationError(
                "--runs, --units, --staff-per-unit, --roster-lines and --upload-runs must be positive, --other-counties not negative"
            )
        }
        var logger = Logger(label: "kaohe.bench.pages")
        logger.logLevel = .warning
        let county = MonitorBenchCounty(units: units, staffPerUnit: staffPerUnit)
        let (runs, rosterLines, uploadRuns, neighbours) = (runs, rosterLines, uploadRuns, county.neighbours(otherCounties))
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.say) { configuration, _, _ in
            let metrics = Bootstrap.process(logLevel: .warning)
            let client = PostgresClient(configuration: configuration, logger: logger)
            let migrations = try MigrationCatalog.bundled()
            try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
            try await BenchMonitorCommand.buildNeighbours(neighbours, client: client)
            Self.say("setting up county \(MonitorBenchCounty.county): \(county.units) units, \(county.units * county.staffPerUnit) staff …")
            let built = try await county.build(client: client) { done in Self.say("  \(done) units filed") }
            let ref = MonitorBenchCounty.cycleRef
            let (committeeUnit, ownUnit) = (built.codes[0], built.codes[1])
            let accounts = AccountStore(client: client)
            _ = try await accounts.create(
                Principal(county: ref.county, account: "bench-committee", role: .committee, committee: MonitorBenchCounty.committees[0]),
                displayName: "基准专考委"
            )
            _ = try await accounts.create(
                Principal(county: ref.county, account: "bench-unit", role: .unit, unitCode: ownUnit),
                displayName: "基准单位"
            )
            var policy = WebSessionPolicy()
            policy.bcryptCost = 4
            let sessions = WebSessionStore(client: client, policy: policy)
            var cookies: [String: (cookie: String, csrf: String)] = [:]
            for account in [built.office.account, "bench-committee", "bench-unit"] {
                try await sessions.setPassword(county: ref.county, account: account, password: "bench-password-1")
                guard let login = try await sessions.login(county: ref.county, account: account, password: "bench-password-1") else {
                    throw ValidationError("\(account) could not log in")
                }
                cookies[account] = ("kaohe_session=" + login.secret, login.session.csrfToken)
            }
            let base = "/counties/\(ref.county)/cycles/\(ref.cycle)"
            let pages: [(role: String, account: String, paths: [String])] = [
                (
                    "office", built.office.account,
                    [
                        base, base + "/units", base + "/units/\(committeeUnit)", base + "/spot-check", base + "/results",
                        base + "/results/publicity", base + "/objections", base + "/committees", base + "/setup", "/cycles", "/accounts",
                        "/registry",
                    ]
                ),
                ("committee", "bench-committee", [base, base + "/units", base + "/units/\(committeeUnit)", base + "/committees"]),
                ("unit", "bench-unit", [base, base + "/units/\(ownUnit)", base + "/objections"]),
            ]
            var roster = Sheet(name: "考核名册", columns: [.identifier("工号"), "姓名", .number("测评分"), "拟定等次"])
            for n in 1...rosterLines { roster.append([String(format: "%05d", n), "职工\(n)", n <= 10 ? "95" : "80", n <= 10 ? "优秀" : "合格"]) }
            let workbook = try XLSXWriter.workbook(roster)

            let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
            try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) { port in
                let forms = BenchPagesForms(
                    port: port,
                    client: client,
                    cycle: ref,
                    cookies: cookies,
                    office: built.office.account,
                    committee: "bench-committee",
                    codes: built.codes,
                    committeeUnits: built.codes.enumerated().filter { $0.offset % MonitorBenchCounty.committees.count == 0 }.map(\.element),
                    staffPerUnit: county.staffPerUnit,
                    runs: runs
                )
                Self.say(
                    "pages of a county of \(county.units) units, \(neighbours.count) other counties in the database — \(runs) timed requests each, cold and warm, target p95 < 100 ms:"
                )
                for (role, account, paths) in pages {
                    for path in paths {
                        let timed = try await BenchMonitorCommand.timeColdAndWarm(
                            port: port,
                            request: forms.get(account, path),
                            runs: runs,
                            what: path
                        )
                        let page = path.replacingOccurrences(of: base, with: "{Y}")
                        Self.say(
                            "  \(role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(page) (\(timed.bytes) bytes): \(BenchMonitorCommand.coldAndWarm(timed.cold, timed.warm, target: 100))"
                        )
                    }
                }
                Self.say("forms (URL-encoded POSTs with the CSRF field), \(runs) timed each, target p95 < 100 ms:")
                let sheet = [
                    "scores.key_tasks=18", "scores.main_duties=28", "scores.registration=9", "scores.innovation=4", "scores.excellence=6",
                    "scores.staff_eval=3", "scores.client_eval=4", "scores.leader_eval=9", "scores.dept_organisation=2",
                    "scores.dept_staffing=2", "scores.dept_hrss=2", "scores.dept_finance=2", "qualitative.political=good",
                    "qualitative.cadre=good", "qualitative.organisation=good", "qualitative.conduct=good",
                ].joined(separator: "&")
                let sheetPath = base + "/units/\(committeeUnit)/assessment"
                try await forms.time("committee 计算合计 (the scheme's totals, nothing filed)", expecting: [200]) { _ in
                    forms.form("bench-committee", sheetPath, sheet + "&preview=1")
                }
                try await forms.time("committee 报送评分 (a new version each)") { _ in forms.form("bench-committee", sheetPath, sheet) }
                try await forms.time("office    重新生成等次建议 (\(county.units) units graded)") { _ in
                    forms.form(built.office.account, base + "/results/propose", "")
                }
                try await forms.time(
                    "unit      roster upload of \(rosterLines) lines (.xlsx, \(workbook.count) bytes; parsed, checked, stored, each a new version; held to 1 s)",
                    runs: uploadRuns,
                    warmUp: 1,
                    target: 1000
                ) { _ in
                    forms.upload(
                        "bench-unit",
                        base + "/units/\(ownUnit)/roster",
                        fileName: "roster.xlsx",
                        contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        file: workbook
                    )
                }
                // Each upload filed a version of the whole roster (a 303 alone could be a redirect to the login).
                let stored = try await client.query(
                    """
                    SELECT count(*)::int AS n FROM roster_rows
                    WHERE county = \(ref.county) AND cycle = \(ref.cycle) AND unit_code = \(ownUnit)
                      AND version = (SELECT max(version) FROM filings WHERE county = \(ref.county) AND cycle = \(ref.cycle)
                                     AND unit_code = \(ownUnit) AND kind = 'roster')
                    """
                ).single(Int.self)
                guard stored == rosterLines else {
                    throw ValidationError("the last upload stored \(stored ?? 0) lines, not \(rosterLines)")
                }
                Self.say("the other forms of the cycle, in its order (URL-encoded or multipart, with the CSRF field):")
                try await forms.run()
            }
        }
    }
}
