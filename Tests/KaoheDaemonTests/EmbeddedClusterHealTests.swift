import Foundation
import KaoheTestSupport
import Postgres
import Testing

/// Issue 15 item 4, in a suite of its own so that it runs beside the serialized process tests; with
/// the full disk (FullDiskTests.swift), one test after the other.
@Suite("The embedded cluster heals, and lives through a full disk", .serialized)
struct EmbeddedClusterHealTests {
    @Test("the embedded cluster's postmaster killed with SIGKILL: kaohed starts it again, serves again, and counts the restart")
    func embeddedClusterHeals() async throws {
        let dataDirectory = "/tmp/kaohe-test-heal-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let embedded = EmbeddedCluster(configuration: .init(dataDirectory: dataDirectory + "/postgres"), logger: TestCluster.logger())
        let lifeline = Lifeline.registerCluster(embedded, removing: dataDirectory)
        defer {
            try? FileManager.default.removeItem(atPath: dataDirectory)
            lifeline.cancel()
        }
        let daemon = try DaemonProcess("kaohed", ["--port", "0", "--data-directory", dataDirectory])
        let base: URL
        do { base = try await daemon.waitForAddress() } catch {
            daemon.terminate()
            throw error
        }
        #expect(try await httpGet(base.appendingPathComponent("readyz")).status == 200)
        // The start-up line names the role kaohed serves as, not the cluster's owner that migrated.
        let announced = try #require(daemon.standardOutput.split(separator: "\n").first { $0.contains("请打开") })
        #expect(announced.contains("内置 embedded (") && announced.contains("user=kaohe_app"), "\(announced)")
        let pidFile = try String(contentsOfFile: dataDirectory + "/postgres/postmaster.pid", encoding: .utf8)
        let postmaster = try #require(pid_t(pidFile.split(separator: "\n").first.map(String.init) ?? ""))
        #expect(kill(postmaster, SIGKILL) == 0)
        var ready = false
        for _ in 0..<600 {
            try await Task.sleep(for: .milliseconds(100))
            // Serving again, and the watchdog's start has returned (it counts the restart then).
            if embedded.isPostmasterAlive, (try? await httpGet(base.appendingPathComponent("readyz")))?.status == 200,
                (try? await httpGet(base.appendingPathComponent("metrics")))?.body.contains("kaohe_embedded_postgres_restarts_total 1")
                    == true
            {
                ready = true
                break
            }
        }
        #expect(ready, "kaohed did not serve again; stderr: \(daemon.standardError.suffix(2000))")
        #expect(daemon.standardError.contains("the embedded PostgreSQL server is gone; starting it again"))
        let metrics = try await httpGet(base.appendingPathComponent("metrics"))
        #expect(metrics.body.contains("kaohe_embedded_postgres_restarts_total 1"), "\(metrics.body.prefix(3000))")
        #expect(metrics.body.contains("kaohe_embedded_postgres_up 1"))
        // The data survived: the demo county is still there.
        #expect(try await httpGet(base).body.contains("示例县"))
        daemon.terminate()
        #expect(try await daemon.waitForExit() == 0)
        #expect(!embedded.isPostmasterAlive, "the cluster stopped with the daemon")
    }
}
