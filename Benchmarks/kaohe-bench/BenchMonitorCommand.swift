import ArgumentParser
import Foundation
import KaoheBenchWorkloads
import KaoheDaemon
import KaoheHTTP
import KaoheStore
import Logging
import NIOCore
import Postgres

/// `kaohe-bench monitor`: the office's monitor of a county of 500 units and 25,000 staff (issue 5
/// item 7: under 50 ms).
///
/// Setup, not timed: the county `MonitorBenchCounty` builds in a private cluster or
/// `--database-url`, and kaohed's HTTP
/// application running in this process (`buildApplication` on 127.0.0.1, a free port, in a
/// ServiceGroup with the pool, as kaohed runs it).
///
/// Timed, `--runs` times each after 3 warm-up requests, by one keep-alive HTTP/1.1 client on a
/// thread of its own: `GET …/monitor` (the JSON document) and `GET …/monitor.csv` (the Excel
/// export), each from writing the request to reading the last byte of the response; and the
/// store call alone (`MonitorStore.monitor`, the one SQL statement). Prints min / median / p95 in
/// ms against the 50 ms target.
struct BenchMonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Benchmark the monitor (JSON and CSV) of a county of 500 units and 25,000 staff through the HTTP application.",
        discussion:
            "Without --database-url a private PostgreSQL cluster is started in a temporary directory (and removed afterwards). Build in release for figures that mean something."
    )

    @Option(help: "Use this database instead of a private cluster. It is migrated; county \(MonitorBenchCounty.county) must not exist yet.")
    var databaseURL: String?
    @Option(help: "Units in the county.") var units = 500
    @Option(help: "Staff in each unit's roster.") var staffPerUnit = 50
    @Option(help: "Timed requests of each kind.") var runs = 30
    @Flag(help: "Also print the plan of the monitor's statement as run (EXPLAIN (ANALYZE, BUFFERS)).") var explain = false

    /// A line on standard output at once (also when it is a file).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Min, median and p95 of `values` (ms).
    static func summary(_ values: [Double]) -> String {
        String(format: "min %.1f  median %.1f  p95 %.1f ms", values.min() ?? 0, median(values.sorted()), percentile95(values))
    }

    mutating func run() async throws {
        guard runs > 0, units > 0, staffPerUnit > 0 else { throw ValidationError("--runs, --units and --staff-per-unit must be positive") }
        var logger = Logger(label: "kaohe.bench.monitor")
        logger.logLevel = .warning
        let county = MonitorBenchCounty(units: units, staffPerUnit: staffPerUnit)
        let runs = runs
        let explain = explain
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.say) { configuration, _, _ in
            let metrics = Bootstrap.process(logLevel: .warning)
            let client = PostgresClient(configuration: configuration, logger: logger)
            let migrations = try MigrationCatalog.bundled()
            try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
            let clock = ContinuousClock()
            let setupStart = clock.now
            Self.say(
                "setting up county \(MonitorBenchCounty.county): \(county.units) units, \(county.units * county.staffPerUnit) staff, assessments, rosters, the grading proposal …"
            )
            let built = try await county.build(client: client) { done in Self.say("  \(done) units filed") }
            Self.say("setup took \(String(format: "%.1f", (clock.now - setupStart).seconds)) s")

            let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
            let (json, csv, direct) = try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) { port in
                let path = "/api/v1/counties/\(MonitorBenchCounty.county)/cycles/\(MonitorBenchCounty.cycle)/monitor"
                let json = try await Self.timeGets(port: port, path: path, token: built.officeToken, runs: runs)
                let csv = try await Self.timeGets(port: port, path: path + ".csv", token: built.officeToken, runs: runs)
                let store = MonitorStore(client: client)
                var direct: [Double] = []
                for index in 0..<(runs + 3) {
                    let start = clock.now
                    _ = try await store.monitor(cycle: MonitorBenchCounty.cycleRef)
                    if index >= 3 { direct.append((clock.now - start).seconds * 1000) }
                }
                return (json, csv, direct)
            }
            Self.say(
                "monitor of \(county.units) units, \(county.units * county.staffPerUnit) staff — \(runs) timed requests each, target < 50 ms:"
            )
            Self.say(
                "  GET monitor      (JSON, \(json.bytes) bytes): \(Self.summary(json.milliseconds))  \(median(json.milliseconds) < 50 ? "meets" : "MISSES") the target"
            )
            Self.say(
                "  GET monitor.csv  (CSV,  \(csv.bytes) bytes): \(Self.summary(csv.milliseconds))  \(median(csv.milliseconds) < 50 ? "meets" : "MISSES") the target"
            )
            Self.say("  MonitorStore.monitor (the SQL statement alone): \(Self.summary(direct))")
            if explain {
                let plan = try await client.query(
                    try MonitorStore.query(cycle: MonitorBenchCounty.cycleRef, explain: true)
                )
                Self.say(try plan.map { try $0.decode(String.self, column: "QUERY PLAN") }.joined(separator: "\n"))
            }
        }
    }

    /// GETs `path` `runs + 3` times on one keep-alive connection with the bearer token; the first 3
    /// are not timed.
    static func timeGets(
        port: Int,
        path: String,
        token: String,
        runs: Int
    ) async throws -> (milliseconds: [Double], bytes: Int, body: [UInt8]) {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
        return try await time(port: port, request: request, runs: runs, expecting: [200], what: path)
    }

    /// Sends `request` `warmUp + runs` times on one keep-alive connection from a thread of its own
    /// (blocking socket I/O stays off the cooperative pool the server runs on), each answer one of
    /// `expecting`; the first `warmUp` are not timed.
    static func time(
        port: Int,
        request: [UInt8],
        runs: Int,
        expecting: Set<Int>,
        what: String,
        warmUp: Int = 3
    ) async throws -> (milliseconds: [Double], bytes: Int, body: [UInt8]) {
        try await time(port: port, runs: runs, expecting: expecting, what: what, warmUp: warmUp) { _ in request }
    }

    /// As `time(port:request:…)`, the `n`th request (warm-ups counted) made by `request(n)`: for
    /// forms that must differ each time (a later deadline, the next unit).
    static func time(
        port: Int,
        runs: Int,
        expecting: Set<Int>,
        what: String,
        warmUp: Int = 3,
        request: @escaping @Sendable (Int) -> [UInt8]
    ) async throws -> (milliseconds: [Double], bytes: Int, body: [UInt8]) {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    var connection = try LoopbackConnection(port: port)
                    defer { connection.close() }
                    var times: [Double] = []
                    var last: [UInt8] = []
                    let clock = ContinuousClock()
                    for index in 0..<(runs + warmUp) {
                        if !connection.isOpen { connection = try LoopbackConnection(port: port) }
                        let outgoing = request(index)
                        let start = clock.now
                        try connection.send(outgoing)
                        let (status, body) = try connection.receiveResponse()
                        let elapsed = clock.now - start
                        guard expecting.contains(status) else {
                            throw ValidationError("\(what) answered \(status): \(String(decoding: body.prefix(500), as: UTF8.self))")
                        }
                        last = body
                        if index >= warmUp { times.append(elapsed.seconds * 1000) }
                    }
                    continuation.resume(returning: (times, last.count, last))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
