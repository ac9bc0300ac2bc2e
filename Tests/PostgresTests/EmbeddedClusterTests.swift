import Foundation
import KaoheTestSupport
import Postgres
import Testing

@Suite("Embedded cluster")
struct EmbeddedClusterTests {
    @Test func missingBinariesNameThePackage() {
        let error = #expect(throws: PostgresError.self) { try EmbeddedCluster.locateBinaries("/nonexistent/bin") }
        #expect(error?.code == .binariesMissing)
        #expect(error?.description.contains("postgresql") == true)
        #expect(error?.description.contains("apt-get install postgresql") == true)
    }

    @Test func locatesInstalledBinaries() throws {
        let directory = try EmbeddedCluster.locateBinaries(nil)
        #expect(FileManager.default.isExecutableFile(atPath: directory + "/pg_ctl"))
    }

    @Test func startIsIdempotentAndStateSurvivesStopAndStart() async throws {
        let (cluster, configuration) = try await TestCluster.makePrivate()
        #expect(configuration.parameters["host"] == cluster.configuration.dataDirectory)
        let again = try await cluster.start()  // already running: no-op
        #expect(again == configuration)

        let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
        try await connection.execute("CREATE TABLE kept (v text)")
        try await connection.execute("INSERT INTO kept VALUES (\("still here"))")
        await connection.close()

        try await cluster.stop()
        try await cluster.stop()  // not running: no-op
        await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
        }
        _ = try await cluster.start()  // reuses the data directory
        let reopened = try await PostgresConnection.connect(configuration: configuration, logger: TestCluster.logger())
        #expect(try await reopened.query("SELECT v FROM kept").single(String.self) == "still here")
        await reopened.close()
        try await cluster.stop()
    }

    @Test func unreachableDataDirectoryIsExplained() async throws {
        guard geteuid() == 0 else { return }  // only root switches to the postgres user
        let hidden = "/root/kaohe-test-\(getpid())-hidden"
        defer { try? FileManager.default.removeItem(atPath: hidden) }
        try FileManager.default.createDirectory(atPath: hidden, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let cluster = EmbeddedCluster(configuration: .init(dataDirectory: hidden + "/data"), logger: TestCluster.logger())
        let error = await #expect(throws: PostgresError.self) { try await cluster.start() }
        #expect(error?.code == .clusterFailed)
        #expect(error?.description.contains("cannot reach") == true)
    }
}
