import ArgumentParser
import Foundation
import KaoheBenchWorkloads
import KaoheDaemon
import KaoheHTTP
import KaoheRules
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
/// Beside it, first: `--other-counties` neighbouring counties of the same size. Timed cold and warm
/// (`timeColdAndWarm`), each from writing the request to reading the last byte of the response:
/// `GET …/monitor` (the JSON document) and `GET …/monitor.csv` (the Excel export); then the store
/// call alone (`MonitorStore.monitor`, the one SQL statement). Prints min / median / p95 in ms
/// against the 50 ms target.
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
    @Option(
        help: "Counties of the same size built beside the one measured (990102, …), so that it is measured in a database that holds others."
    )
    var otherCounties = 3
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
        guard runs > 0, units > 0, staffPerUnit > 0, otherCounties >= 0 else {
            throw ValidationError("--runs, --units and --staff-per-unit must be positive, --other-counties not negative")
        }
        var logger = Logger(label: "kaohe.bench.monitor")
        logger.logLevel = .warning
        let county = MonitorBenchCounty(units: units, staffPerUnit: staffPerUnit)
        let (runs, explain, neighbours) = (runs, explain, county.neighbours(otherCounties))
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.say) { configuration, _, _ in
            let metrics = Bootstrap.process(logLevel: .warning)
            let client = PostgresClient(configuration: configuration, logger: logger)
            let migrations = try MigrationCatalog.bundled()
            try await MigrationRunner(client: client, migrations: migrations, logger: logger).apply()
            let clock = ContinuousClock()
            let setupStart = clock.now
            try await Self.buildNeighbours(neighbours, client: client)
            Self.say(
                "setting up county \(MonitorBenchCounty.county): \(county.units) units, \(county.units * county.staffPerUnit) staff, assessments, rosters, the grading proposal …"
            )
            let built = try await county.build(client: client) { done in Self.say("  \(done) units filed") }
            Self.say("setup took \(String(format: "%.1f", (clock.now - setupStart).seconds)) s")

            let dependencies = AppDependencies(client: client, migrations: migrations, metrics: metrics)
            let (json, csv, direct) = try await withInProcessServer(client: client, dependencies: dependencies, logger: logger) { port in
                let path = "/api/v1/counties/\(MonitorBenchCounty.county)/cycles/\(MonitorBenchCounty.cycle)/monitor"
                let json = try await Self.timeColdAndWarm(
                    port: port,
                    request: Self.get(path, port: port, token: built.officeToken),
                    runs: runs,
                    what: path
                )
                let csv = try await Self.timeColdAndWarm(
                    port: port,
                    request: Self.get(path + ".csv", port: port, token: built.officeToken),
                    runs: runs,
                    what: path + ".csv"
                )
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
                "monitor of \(county.units) units, \(county.units * county.staffPerUnit) staff, \(neighbours.count) other counties in the database — \(runs) timed requests each, cold and warm, target p95 < 50 ms:"
            )
            Self.say("  GET monitor      (JSON, \(json.bytes) bytes): \(Self.coldAndWarm(json.cold, json.warm, target: 50))")
            Self.say("  GET monitor.csv  (CSV,  \(csv.bytes) bytes): \(Self.coldAndWarm(csv.cold, csv.warm, target: 50))")
            Self.say("  MonitorStore.monitor (the SQL statement alone, after the requests): \(Self.summary(direct))")
            if explain {
                let plan = try await client.query(
                    MonitorStore.query(
                        cycle: MonitorBenchCounty.cycleRef,
                        recheck: try PolicyLoader.defaultCyclePolicy().recheck,
                        explain: true
                    )
                )
                Self.say(try plan.map { try $0.decode(String.self, column: "QUERY PLAN") }.joined(separator: "\n"))
            }
        }
    }

    /// A keep-alive GET of `path` with the bearer token.
    static func get(_ path: String, port: Int, token: String) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
    }

    /// Builds `counties` (the measured county's neighbours), eight units filing at a time.
    static func buildNeighbours(_ counties: [MonitorBenchCounty], client: PostgresClient) async throws {
        for neighbour in counties {
            say(
                "setting up neighbouring county \(neighbour.code): \(neighbour.units) units, \(neighbour.units * neighbour.staffPerUnit) staff …"
            )
            _ = try await neighbour.build(client: client, concurrently: 8)
        }
    }

    /// Cold and warm figures of one request (issue 21). **Cold**: its first `runs` sends, on pooled
    /// connections that have not run its statements yet (the first five runs of a prepared statement
    /// are planned for their values). Then `connections` clients at once send it `warmUpEach` times
    /// each, so that every pooled connection runs its statements more than five times — past the
    /// point where PostgreSQL may switch to a generic plan. **Warm**: `runs` sends after that.
    static func timeColdAndWarm(
        port: Int,
        request: [UInt8],
        runs: Int,
        expecting: Set<Int> = [200],
        what: String,
        connections: Int = 8,
        warmUpEach: Int = 8
    ) async throws -> (cold: [Double], warm: [Double], bytes: Int) {
        let cold = try await time(port: port, request: request, runs: runs, expecting: expecting, what: what, warmUp: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    _ = try await time(port: port, request: request, runs: 0, expecting: expecting, what: what, warmUp: warmUpEach)
                }
            }
            try await group.waitForAll()
        }
        let warm = try await time(port: port, request: request, runs: runs, expecting: expecting, what: what, warmUp: 0)
        return (cold.milliseconds, warm.milliseconds, warm.bytes)
    }

    /// "cold … | warm …" against `target` (ms at p95).
    static func coldAndWarm(_ cold: [Double], _ warm: [Double], target: Double) -> String {
        func verdict(_ values: [Double]) -> String { percentile95(values) < target ? "meets" : "MISSES" }
        return "cold \(summary(cold)) \(verdict(cold)) | warm \(summary(warm)) \(verdict(warm))"
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
