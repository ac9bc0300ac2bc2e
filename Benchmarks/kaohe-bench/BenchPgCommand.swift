import ArgumentParser
import Dispatch
import Foundation
import Logging
import Postgres

/// `kaohe-bench pg`: the Postgres module against PostgreSQL's own clients, in one run.
///
/// (a) COPY FROM STDIN of the same rows through `PostgresConnection.copyFrom` and through
///     `psql -c "\copy … from '<file>'"`;
/// (b) single-row parameterised SELECT by primary key, one at a time, through
///     `PostgresClient.withConnection { $0.query(…) }` and through
///     `pgbench -n -f <script> -c 1 -T <seconds>` (simple protocol, its default). For reference it
///     also prints the same loop run from the global executor (a thread hop per query) and
///     pgbench with `-M prepared`.
/// Each measurement runs `--runs` times, alternating ours and theirs; the medians and their ratio
/// are printed with the targets (COPY ≥ 0.9 of psql, round trips ≥ 0.8 of pgbench).
struct BenchPgCommand: AsyncParsableCommand {
    /// A line on standard output.
    static func announce(_ line: String) { print(line) }

    static let configuration = CommandConfiguration(
        commandName: "pg",
        abstract: "Benchmark the Postgres module against psql \\copy and pgbench.",
        discussion: """
            Without --database-url a private PostgreSQL cluster is started in a temporary directory \
            (and removed afterwards). psql and pgbench are taken from the PostgreSQL binaries directory.
            """
    )

    @Option(
        help:
            "Use this database instead of a private cluster (postgres:// URL or key=value conninfo). Tables bench_copy and bench_lookup are dropped and recreated."
    )
    var databaseURL: String?

    @Option(help: "How many times to run each measurement; medians are reported.")
    var runs = 5

    @Option(help: "Rows to COPY per run.")
    var rows = 1_000_000

    @Option(help: "Seconds per round-trip measurement.")
    var seconds = 5

    @Option(help: "Rows in the lookup table the SELECTs read.")
    var lookupRows = 100_000

    mutating func run() async throws {
        guard runs > 0, rows > 0, seconds > 0, lookupRows > 0 else {
            throw ValidationError("--runs, --rows, --seconds and --lookup-rows must be positive")
        }
        var logger = Logger(label: "kaohe.bench.pg")
        logger.logLevel = .warning
        try await withBenchDatabase(databaseURL: databaseURL, logger: logger, announce: Self.announce) {
            configuration,
            binaries,
            workDirectory in
            try await measure(configuration: configuration, binaries: binaries, workDirectory: workDirectory, logger: logger)
        }
    }

    private func measure(configuration: PostgresConfiguration, binaries: String, workDirectory: String, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, logger: logger)
        let version = try await connection.query("SHOW server_version").single(String.self) ?? "?"
        try await connection.simpleQuery(
            """
            DROP TABLE IF EXISTS bench_copy, bench_lookup;
            CREATE TABLE bench_copy (id bigint, unit_code text, name text, score numeric(5,2), filed_at timestamptz);
            CREATE TABLE bench_lookup (id bigint PRIMARY KEY, unit_code text, name text, score numeric(5,2), filed_at timestamptz);
            """
        )

        // The same rows for both COPY paths: in memory for ours, in a file for psql.
        print("preparing \(rows.formatted()) rows …")
        let data = Self.makeRows(count: rows)
        let rowsFile = workDirectory + "/rows.tsv"
        try Self.copyText(data).write(to: URL(fileURLWithPath: rowsFile))
        try await connection.simpleQuery(
            """
            INSERT INTO bench_lookup
            SELECT g, 'U' || (g % 977), '单位 ' || g, (g % 100) + 0.25, now() FROM generate_series(1, \(lookupRows)) g;
            ANALYZE bench_lookup;
            """
        )
        let script = workDirectory + "/select.sql"
        try """
        \\set id random(1, \(lookupRows))
        SELECT id, unit_code, name, score FROM bench_lookup WHERE id = :id;

        """.write(toFile: script, atomically: true, encoding: .utf8)
        let conninfo = Self.conninfo(configuration)

        var copyOurs: [Double] = []
        var copyPsql: [Double] = []
        var tripsOurs: [Double] = []
        var tripsHopping: [Double] = []
        var options = PostgresClient.Options()
        options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, options: options, logger: logger)
        var tripsPgbench: [Double] = []
        var tripsPgbenchPrepared: [Double] = []
        for run in 1...runs {
            print("run \(run)/\(runs):", terminator: " ")
            try await connection.execute("TRUNCATE bench_copy")
            copyOurs.append(try await copyThroughModule(connection, data))
            print("COPY ours \(Self.format(copyOurs.last!)) rows/s,", terminator: " ")

            try await connection.execute("TRUNCATE bench_copy")
            copyPsql.append(try await copyThroughPsql(binaries: binaries, conninfo: conninfo, file: rowsFile, connection: connection))
            print("psql \(Self.format(copyPsql.last!)) rows/s;", terminator: " ")

            tripsOurs.append(try await roundTripsThroughPool(client))
            print("SELECT ours \(Self.format(tripsOurs.last!))/s,", terminator: " ")
            tripsHopping.append(try await roundTripsFromGlobalExecutor(connection))
            print("(hopping \(Self.format(tripsHopping.last!))/s),", terminator: " ")

            tripsPgbench.append(try await roundTripsThroughPgbench(binaries: binaries, conninfo: conninfo, script: script, mode: "simple"))
            print("pgbench \(Self.format(tripsPgbench.last!))/s,", terminator: " ")
            tripsPgbenchPrepared.append(
                try await roundTripsThroughPgbench(binaries: binaries, conninfo: conninfo, script: script, mode: "prepared")
            )
            print("pgbench -M prepared \(Self.format(tripsPgbenchPrepared.last!))/s")
        }
        await client.close()
        try await connection.simpleQuery("DROP TABLE bench_copy, bench_lookup")
        await connection.close()

        let copyRatio = Self.median(copyOurs) / Self.median(copyPsql)
        let tripsRatio = Self.median(tripsOurs) / Self.median(tripsPgbench)
        let preparedRatio = Self.median(tripsOurs) / Self.median(tripsPgbenchPrepared)
        let hoppingRatio = Self.median(tripsHopping) / Self.median(tripsPgbench)
        print("")
        print(
            "kaohe-bench pg — PostgreSQL \(version), unix socket, \(rows.formatted()) rows per COPY, \(seconds) s per SELECT run, medians of \(runs) runs"
        )
        print(Self.row("measurement", "ours", "reference", "ratio", "target", "met"))
        print(
            Self.row(
                "COPY rows/s (vs psql \\copy)",
                Self.format(Self.median(copyOurs)),
                Self.format(Self.median(copyPsql)),
                String(format: "%.2f", copyRatio),
                "≥ 0.90",
                copyRatio >= 0.9 ? "yes" : "NO"
            )
        )
        print(
            Self.row(
                "SELECT round trips/s (vs pgbench)",
                Self.format(Self.median(tripsOurs)),
                Self.format(Self.median(tripsPgbench)),
                String(format: "%.2f", tripsRatio),
                "≥ 0.80",
                tripsRatio >= 0.8 ? "yes" : "NO"
            )
        )
        print(
            Self.row(
                "  ours hopping from the global pool",
                Self.format(Self.median(tripsHopping)),
                Self.format(Self.median(tripsPgbench)),
                String(format: "%.2f", hoppingRatio),
                "—",
                "—"
            )
        )
        print(
            Self.row(
                "  ours vs pgbench -M prepared",
                Self.format(Self.median(tripsOurs)),
                Self.format(Self.median(tripsPgbenchPrepared)),
                String(format: "%.2f", preparedRatio),
                "—",
                "—"
            )
        )
    }

    // MARK: Measurements

    private func copyThroughModule(_ connection: PostgresConnection, _ data: [[String?]]) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let copied = try await connection.copyFrom("COPY bench_copy (id, unit_code, name, score, filed_at) FROM STDIN") { writer in
            for row in data {
                writer.append(row: row)
                if writer.needsFlush { try await writer.flush() }
            }
        }
        let elapsed = clock.now - start
        guard copied == data.count else { throw ValidationError("COPY reported \(copied) rows, expected \(data.count)") }
        return Double(copied) / Self.elapsedSeconds(elapsed)
    }

    private func copyThroughPsql(binaries: String, conninfo: String, file: String, connection: PostgresConnection) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let (status, output) = await Self.runTool(
            binaries + "/psql",
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                "-c", "\\copy bench_copy (id, unit_code, name, score, filed_at) from '\(file)'",
            ]
        )
        let elapsed = clock.now - start
        guard status == 0 else { throw ValidationError("psql \\copy failed (exit \(status)): \(output)") }
        let copied = try await connection.query("SELECT count(*) FROM bench_copy").single(Int.self) ?? 0
        guard copied == rows else { throw ValidationError("psql copied \(copied) rows, expected \(rows)") }
        return Double(copied) / Self.elapsedSeconds(elapsed)
    }

    /// Sequential single-row SELECTs by primary key for `--seconds`, with a warm-up first.
    private func selectLoop(_ connection: PostgresConnection) async throws -> Double {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let id = Int.random(in: 1...lookupRows, using: &generator)
            _ = try await connection.query("SELECT id, unit_code, name, score FROM bench_lookup WHERE id = \(id)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        var count = 0
        while true {
            for _ in 0..<256 {
                let id = Int.random(in: 1...lookupRows, using: &generator)
                let result = try await connection.query("SELECT id, unit_code, name, score FROM bench_lookup WHERE id = \(id)")
                guard let row = result.first, try row.decode(Int.self, column: "id") == id else {
                    throw ValidationError("row \(id) not found")
                }
            }
            count += 256
            if clock.now >= deadline { break }
        }
        return Double(count) / Self.elapsedSeconds(clock.now - start)
    }

    /// Through the pool, as the daemon's code runs: `withConnection`'s body runs on the
    /// connection's own thread, so each query calls libpq inline.
    private func roundTripsThroughPool(_ client: PostgresClient) async throws -> Double {
        try await client.withConnection { connection in try await selectLoop(connection) }
    }

    /// From a task on the global concurrent executor: every query hops to the connection's
    /// thread and back.
    private func roundTripsFromGlobalExecutor(_ connection: PostgresConnection) async throws -> Double {
        try await withTaskExecutorPreference(globalConcurrentExecutor) { try await selectLoop(connection) }
    }

    private func roundTripsThroughPgbench(binaries: String, conninfo: String, script: String, mode: String) async throws -> Double {
        let (status, output) = await Self.runTool(
            binaries + "/pgbench",
            [
                "-n", "-f", script, "-c", "1", "-T", String(seconds), "-M", mode, conninfo,
            ]
        )
        guard status == 0 else { throw ValidationError("pgbench failed (exit \(status)): \(output)") }
        // "tps = 12345.678901 (without initial connection time)"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix(while: { $0 != " " }))
        else { throw ValidationError("could not read tps from pgbench's output: \(output)") }
        return tps
    }

    // MARK: Helpers

    /// On Ctrl-C or SIGTERM: stop the private cluster and remove its directory before exiting,
    /// so no postmaster is left behind.
    static func stopOnInterrupt(_ cluster: EmbeddedCluster, workDirectory: String) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                cluster.stopImmediatelyBlocking()
                removeDirectory(workDirectory)
                Foundation.exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Filing-like rows: id, unit code, name (with a NULL now and then), score, timestamp.
    static func makeRows(count: Int) -> [[String?]] {
        var data: [[String?]] = []
        data.reserveCapacity(count)
        for i in 1...count {
            data.append([
                String(i),
                "U\(i % 977)",
                i % 50 == 0 ? nil : "单位 \(i)",
                "\(i % 100).\(i % 10)5",
                "2025-0\(i % 9 + 1)-1\(i % 10) 0\(i % 10):\(10 + i % 50):00+08",
            ])
        }
        return data
    }

    /// The rows in COPY text format, for psql. (No field needs escaping.)
    static func copyText(_ data: [[String?]]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count * 64)
        for row in data {
            for (index, field) in row.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: "\t")) }
                if let field { bytes.append(contentsOf: field.utf8) } else { bytes.append(contentsOf: "\\N".utf8) }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return Data(bytes)
    }

    /// A libpq conninfo string for psql and pgbench, values quoted.
    static func conninfo(_ configuration: PostgresConfiguration) -> String {
        configuration.parameters.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(key)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// Runs psql or pgbench (output in a temporary file, clean signal state) and waits for it.
    static func runTool(_ executable: String, _ arguments: [String]) async -> (Int32, String) {
        let outcome = await EmbeddedCluster.runProgram(executable, arguments: arguments)
        return (outcome.status, outcome.output)
    }

    static func format(_ value: Double) -> String {
        Int(value.rounded()).formatted()
    }

    static func row(_ columns: String...) -> String {
        let widths = [38, 14, 14, 7, 8, 4]
        return zip(columns, widths).map { column, width in
            column.count >= width ? column + " " : column + String(repeating: " ", count: width - column.count)
        }.joined()
    }

    /// Removes the work directory, retrying briefly: a server that was just stopped may still be
    /// removing its files, and an interrupt handler may be removing it at the same time.
    static func removeDirectory(_ path: String) {
        for _ in 0..<30 {
            if !FileManager.default.fileExists(atPath: path) { return }
            try? FileManager.default.removeItem(atPath: path)
            usleep(100_000)
        }
    }

    // Kept inside the type so they never collide with helpers of other bench commands.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func elapsedSeconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
