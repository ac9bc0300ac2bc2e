import Dispatch
import Foundation
import KaoheStore
import Logging
import Postgres

/// Helpers the benchmarks share (`kaohe-bench pg`, `kaohe-bench ingest`).

/// The median of the runs' figures (the mean of the middle two for an even count; 0 for none).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The 95th percentile of `values`.
func percentile95(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
}

extension Duration {
    /// The duration in seconds, as a Double, for rates.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Runs a benchmark against `databaseURL`, or else a private PostgreSQL cluster started in a fresh
/// temporary directory (stopped on Ctrl-C too); the directory is removed afterwards.
func withBenchDatabase(
    databaseURL: String?,
    logger: Logger,
    announce: (String) -> Void,
    _ measure: (_ configuration: PostgresConfiguration, _ binaries: String, _ workDirectory: String) async throws -> Void
) async throws {
    let binaries = try EmbeddedCluster.locateBinaries(nil)
    let workDirectory = FileManager.default.temporaryDirectory.path + "/kaohe-bench-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
    defer { BenchPgCommand.removeDirectory(workDirectory) }

    var cluster: EmbeddedCluster?
    var signalSources: [any DispatchSourceSignal] = []
    defer {
        for source in signalSources { source.cancel() }
    }
    let configuration: PostgresConfiguration
    if let databaseURL {
        configuration = try PostgresConfiguration(url: databaseURL)
    } else {
        var clusterConfiguration = EmbeddedCluster.Configuration(dataDirectory: workDirectory + "/pg")
        clusterConfiguration.database = "bench"
        let started = EmbeddedCluster(configuration: clusterConfiguration, logger: logger)
        cluster = started
        announce("starting a private PostgreSQL cluster in \(clusterConfiguration.dataDirectory) …")
        signalSources = BenchPgCommand.stopOnInterrupt(started, workDirectory: workDirectory)
        configuration = try await started.start()
    }
    do {
        // The sessions kaohed opens (`Stores.sessionSettings`: JIT off, a custom plan each time).
        try await measure(configuration.withSessionSettings(Stores.sessionSettings), binaries, workDirectory)
    } catch {
        try? await cluster?.stop()
        throw error
    }
    try await cluster?.stop()
}
