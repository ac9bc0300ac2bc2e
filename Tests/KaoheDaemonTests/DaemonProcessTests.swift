import Foundation
import KaoheTestSupport
import Postgres
import Testing

/// The daemon and the CLI as an operator runs them: real processes, a real cluster, signals.
@Suite("kaohed and kaohe as processes", .serialized)
struct DaemonProcessTests {
    @Test("against an external database kaohed refuses to serve while migrations are pending, and says so")
    func refusesPendingMigrations() async throws {
        let database = try await TestCluster.freshDatabase()
        let daemon = try DaemonProcess("kaohed", ["--database-url", database.conninfo, "--port", "0"])
        let status = try await daemon.waitForExit()
        #expect(status != 0)
        #expect(daemon.standardError.contains("kaohe migrate"))
        #expect(daemon.standardError.contains("0001_registry"))
    }

    @Test("an external database not reachable yet at start: kaohed waits for it (database.startup_wait), then serves")
    func waitsForTheDatabase() async throws {
        let database = try await TestCluster.freshDatabase()
        let migrate = try DaemonProcess("kaohe", ["migrate", "--database-url", database.conninfo])
        #expect(try await migrate.waitForExit() == 0)
        // The server's socket appears in kaohed's socket directory only once kaohed has said it waits
        // for it (after 4 s at the earliest): on a loaded machine kaohed may start so late that its
        // pool's own retry would find the socket before the startup wait says anything.
        let later = "/tmp/kaohe-wait-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: later, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: later) }
        var notYet = database
        notYet.parameters["host"] = later
        let daemon = try DaemonProcess(
            "kaohed",
            ["--port", "0"],
            environment: ["KAOHE_DATABASE_URL": notYet.conninfo, "KAOHE_DATABASE_STARTUP_WAIT": "120"]
        )
        try await Task.sleep(for: .seconds(4))
        for _ in 0..<1_200 where !daemon.standardError.contains("waiting for the database") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let socket = ".s.PGSQL.\(database.parameters["port"] ?? "5432")"
        try FileManager.default.createSymbolicLink(
            atPath: "\(later)/\(socket)",
            withDestinationPath: "\(database.parameters["host"] ?? "")/\(socket)"
        )
        let base = try await daemon.waitForAddress()
        #expect(try await httpGet(base.appendingPathComponent("readyz")).status == 200)
        #expect(daemon.standardError.contains("waiting for the database"))
        daemon.terminate()
        #expect(try await daemon.waitForExit(timeout: .seconds(60)) == 0)

        // A database the server says does not exist is not waited for, however long the patience.
        var missing = database
        missing.parameters["dbname"] = "no_such_database"
        let refused = try DaemonProcess(
            "kaohed",
            ["--port", "0"],
            environment: ["KAOHE_DATABASE_URL": missing.conninfo, "KAOHE_DATABASE_STARTUP_WAIT": "600"]
        )
        #expect(try await refused.waitForExit(timeout: .seconds(60)) != 0)
        #expect(refused.standardError.contains("no_such_database"))
        #expect(!refused.standardError.contains("waiting for the database"))
    }

    @Test("kaohe migrate applies once; kaohed then serves /healthz, /readyz, /metrics and stops cleanly on SIGTERM")
    func migrateThenServe() async throws {
        let database = try await TestCluster.freshDatabase()
        let migrate = try DaemonProcess("kaohe", ["migrate", "--database-url", database.conninfo])
        #expect(try await migrate.waitForExit() == 0)
        #expect(migrate.standardOutput.contains("applied 0001_registry"))
        let again = try DaemonProcess("kaohe", ["migrate", "--database-url", database.conninfo])
        #expect(try await again.waitForExit() == 0)
        #expect(again.standardOutput.contains("nothing to apply"))

        // A drain deadline far beyond the wait below: with nothing in flight, SIGTERM must stop every
        // service at once (none may sit out the deadline, as the hourly housekeeping once did).
        let daemon = try DaemonProcess(
            "kaohed",
            ["--port", "0"],
            environment: ["KAOHE_DATABASE_URL": database.conninfo, "KAOHE_HTTP_DRAIN_TIMEOUT": "600"]
        )
        let base = try await daemon.waitForAddress()
        let health = try await httpGet(base.appendingPathComponent("healthz"))
        #expect(health.status == 200)
        #expect(health.headers["x-request-id"]?.isEmpty == false)
        let ready = try await httpGet(base.appendingPathComponent("readyz"))
        #expect(ready.status == 200)
        #expect(ready.body.contains("\"ready\""))
        let metrics = try await httpGet(base.appendingPathComponent("metrics"))
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("hb_requests") || metrics.body.contains("http_requests"))
        daemon.terminate()
        #expect(try await daemon.waitForExit(timeout: .seconds(60)) == 0)
    }

    @Test("the embedded default: own cluster, demo county, clean stop, and the same cluster reused next time")
    func embeddedDefault() async throws {
        let dataDirectory = "/tmp/kaohe-test-embedded-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Should this process die first: kaohed's own cluster is stopped and the directory removed.
        let embedded = EmbeddedCluster(configuration: .init(dataDirectory: dataDirectory + "/postgres"), logger: TestCluster.logger())
        let lifeline = Lifeline.registerCluster(embedded, removing: dataDirectory)
        defer {
            try? FileManager.default.removeItem(atPath: dataDirectory)
            lifeline.cancel()
        }
        for round in 1...2 {
            let daemon = try DaemonProcess("kaohed", ["--port", "0", "--data-directory", dataDirectory])
            let base: URL
            do { base = try await daemon.waitForAddress() } catch {
                daemon.terminate()
                throw error
            }
            let home = try await httpGet(base)
            #expect(home.status == 200)
            #expect(home.body.contains("示例县"))
            // `/` sends a visitor to the login page, whose county choice is the demo county, once.
            #expect(home.body.contains("示例县（990101）"))
            #expect(
                home.body.components(separatedBy: #"name="county" value="990101""#).count == 2,
                "round \(round): the demo county is seeded once, the only county"
            )
            for _ in 0..<50 where !daemon.standardOutput.contains("demo-auditor") { try await Task.sleep(for: .milliseconds(100)) }
            #expect(
                daemon.standardOutput.contains("账号 office") && daemon.standardOutput.contains("密码 demo-office"),
                "round \(round): kaohed prints the demo logins"
            )
            #expect(try await httpGet(base.appendingPathComponent("readyz")).status == 200)
            // The cluster's own settings switch JIT off for anyone connecting (issue 21).
            #expect(try String(contentsOfFile: dataDirectory + "/postgres/kaohe.conf", encoding: .utf8).contains("jit = 'off'"))
            daemon.terminate()
            #expect(try await daemon.waitForExit() == 0)
            #expect(
                !FileManager.default.fileExists(atPath: dataDirectory + "/postgres/postmaster.pid"),
                "the cluster stopped with the daemon"
            )
        }
        #expect(FileManager.default.fileExists(atPath: dataDirectory + "/postgres/PG_VERSION"))
    }

    @Test(
        "SIGTERM while the first start seeds the demo county: exit 0, the cluster stopped, nothing half-seeded; the next start seeds it whole"
    )
    func sigtermWhileSeeding() async throws {
        let dataDirectory = "/tmp/kaohe-test-seeding-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let embedded = EmbeddedCluster(configuration: .init(dataDirectory: dataDirectory + "/postgres"), logger: TestCluster.logger())
        let lifeline = Lifeline.registerCluster(embedded, removing: dataDirectory)
        defer {
            try? FileManager.default.removeItem(atPath: dataDirectory)
            lifeline.cancel()
        }
        let first = try DaemonProcess("kaohed", ["--port", "0", "--data-directory", dataDirectory])
        for _ in 0..<1200 where !first.standardError.contains("seeding the demo county") && first.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(first.standardError.contains("seeding the demo county"), "\(first.standardError.suffix(2000))")
        first.terminate()
        #expect(try await first.waitForExit(timeout: .seconds(120)) == 0, "\(first.standardError.suffix(2000))")
        #expect(first.standardError.contains("stopped before it served"))
        #expect(!FileManager.default.fileExists(atPath: dataDirectory + "/postgres/postmaster.pid"), "the cluster stopped with the daemon")

        let second = try DaemonProcess("kaohed", ["--port", "0", "--data-directory", dataDirectory])
        let base: URL
        do { base = try await second.waitForAddress(timeout: .seconds(300)) } catch {
            second.terminate()
            throw error
        }
        for _ in 0..<50 where !second.standardOutput.contains("demo-auditor") { try await Task.sleep(for: .milliseconds(100)) }
        #expect(second.standardOutput.contains("密码 demo-office"), "the next start prints the demo logins")
        #expect(try await httpGet(base.appendingPathComponent("readyz")).status == 200)
        // The whole county, once: what the demo county's own test counts.
        let client = PostgresClient(configuration: embedded.connectionConfiguration, logger: TestCluster.logger())
        let units = try await client.query("SELECT count(*)::int FROM units").single(Int.self)
        let rosters = try await client.query(
            "SELECT count(DISTINCT unit_code)::int FROM filings WHERE cycle = '2026' AND kind = 'roster'"
        ).single(Int.self)
        let counties = try await client.query("SELECT count(*)::int FROM counties").single(Int.self)
        let seedLeft = try await client.query("SELECT count(*)::int FROM pg_database WHERE datname = 'kaohe_demo_seed'").single(Int.self)
        await client.close()
        #expect(units == 48 && rosters == 43 && counties == 1)
        #expect(seedLeft == 0)
        second.terminate()
        #expect(try await second.waitForExit() == 0)
    }

    @Test("bad configuration is a clear CLI error and a non-zero exit")
    func badConfiguration() async throws {
        let daemon = try DaemonProcess("kaohed", ["--port", "eighty"])
        #expect(try await daemon.waitForExit() != 0)
        #expect(daemon.standardError.contains("http.port"))
        let check = try DaemonProcess("kaohe", ["check-config"], environment: ["KAOHE_LOG_LEVEL": "loud"])
        #expect(try await check.waitForExit() == 2)
        #expect(check.standardError.contains("log_level"))
        #expect(check.standardError.contains("KAOHE_LOG_LEVEL"))
        let ok = try DaemonProcess("kaohe", ["check-config", "--port", "9000"])
        #expect(try await ok.waitForExit() == 0)
        #expect(ok.standardOutput.contains("9000"))
        #expect(ok.standardOutput.contains("(flag)"))
        let version = try DaemonProcess("kaohe", ["version"])
        #expect(try await version.waitForExit() == 0)
        #expect(version.standardOutput.hasPrefix("kaohe "))
    }
}
