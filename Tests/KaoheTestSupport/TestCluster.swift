import Foundation
public import Logging
public import Postgres
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The throwaway PostgreSQL clusters of the integration tests.
///
/// One shared cluster per test process, started on first use (concurrent first callers wait for
/// the same start), under `/tmp/kaohe-test-<pid>-<random>/`. Tests get a database of their own
/// with `freshDatabase()`, so they can run in parallel. Tests that stop or restart the server get
/// a cluster of their own from `makePrivate()`. Every cluster is stopped (`pg_ctl stop -m
/// immediate`) and the directory removed when the process exits — by the exit handler, or by the
/// `Lifeline` watcher when the process dies without running it (a crash, SIGKILL).
public enum TestCluster {
    /// The shared cluster and how to reach its default database.
    public struct Handle: Sendable {
        /// The cluster.
        public let cluster: EmbeddedCluster
        /// Its default database (`kaohe`).
        public let configuration: PostgresConfiguration
    }

    /// A logger for tests: warnings and errors only, unless `KAOHE_TEST_LOG_LEVEL` says otherwise.
    public static func logger(_ label: String = "kaohe.test") -> Logger {
        var logger = Logger(label: label)
        let level = ProcessInfo.processInfo.environment["KAOHE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .warning
        return logger
    }

    /// The shared cluster, started once per process.
    public static func shared() async throws -> Handle {
        try await starter.handle()
    }

    /// A new, empty database on the shared cluster, named after `label` plus a unique suffix.
    public static func freshDatabase(_ label: String = #function) async throws -> PostgresConfiguration {
        let handle = try await shared()
        let name = databaseName(label)
        try await handle.cluster.createDatabase(name)
        // The shared cluster may be connected to by a hundred tests at once while daemons seed their
        // own clusters beside them on two cores: a connection may take longer than the pool's 5 s.
        // (No test takes the shared cluster down, so no outage test waits on this.)
        var configuration = handle.configuration.withDatabase(name)
        if configuration.parameters["connect_timeout"] == nil { configuration.parameters["connect_timeout"] = "30" }
        return configuration
    }

    /// A cluster of its own (for tests that stop or restart the server), started.
    public static func makePrivate() async throws -> (EmbeddedCluster, PostgresConfiguration) {
        let cluster = newCluster()
        let configuration = try await cluster.start()
        return (cluster, configuration)
    }

    // MARK: Internals

    private static let starter = SharedStarter()

    private actor SharedStarter {
        private var task: Task<Handle, any Error>?

        func handle() async throws -> Handle {
            if let task { return try await task.value }
            let task = Task {
                let cluster = TestCluster.newCluster()
                return Handle(cluster: cluster, configuration: try await cluster.start())
            }
            self.task = task
            return try await task.value
        }
    }

    private struct Registry {
        var root: String?
        var clusters: [EmbeddedCluster] = []
        /// The lifeline's clean-up of each cluster and of the root, should this process die.
        var lifelines: [Lifeline.Registration] = []
        var nextIndex = 0
        var exitHandlerInstalled = false
    }

    private static let registry = Mutex(Registry())
    private static let databaseCounter = Atomic<Int>(0)

    /// Describes a new cluster in its own directory and registers it for the exit handler.
    static func newCluster() -> EmbeddedCluster {
        let (directory, index, install) = registry.withLock { registry in
            if registry.root == nil {
                let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
                registry.root = "/tmp/kaohe-test-\(getpid())-\(suffix)"
            }
            registry.nextIndex += 1
            let install = !registry.exitHandlerInstalled
            registry.exitHandlerInstalled = true
            return ("\(registry.root!)/c\(registry.nextIndex)", registry.nextIndex, install)
        }
        if install { atexit { TestCluster.stopEverything() } }
        var configuration = EmbeddedCluster.Configuration(dataDirectory: directory)
        configuration.port = 54_320 + index
        configuration.serverSettings = [
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
            "shared_buffers": "64MB",
        ]
        let cluster = EmbeddedCluster(configuration: configuration, logger: logger("kaohe.test.cluster"))
        let lifeline = Lifeline.registerCluster(cluster, removing: index == 1 ? (directory as NSString).deletingLastPathComponent : nil)
        registry.withLock {
            $0.clusters.append(cluster)
            $0.lifelines.append(lifeline)
        }
        return cluster
    }

    /// The exit handler: stops every cluster at once and removes the directory.
    private static func stopEverything() {
        let (clusters, root, lifelines) = registry.withLock { registry in
            defer {
                registry.clusters = []
                registry.lifelines = []
            }
            return (registry.clusters, registry.root, registry.lifelines)
        }
        for cluster in clusters { cluster.stopImmediatelyBlocking() }
        for lifeline in lifelines { lifeline.cancel() }
        guard let root else { return }
        // The servers' last processes may still be removing their files: retry briefly.
        for _ in 0..<20 {
            if (try? FileManager.default.removeItem(atPath: root)) != nil || !FileManager.default.fileExists(atPath: root) { return }
            usleep(100_000)
        }
    }

    static func databaseName(_ label: String) -> String {
        let cleaned = label.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        let prefix = String(cleaned.prefix(40))
        let number = databaseCounter.wrappingAdd(1, ordering: .relaxed).newValue
        return "t_\(prefix)_\(number)"
    }
}

extension PostgresConfiguration {
    /// A conninfo string for the CLI's `--database-url` (test values have no spaces).
    public var conninfo: String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
