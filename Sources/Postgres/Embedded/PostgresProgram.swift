import Foundation

/// How a PostgreSQL program run by `EmbeddedCluster.runProgram` ended.
public struct PostgresProgramOutcome: Sendable {
    /// The exit status (128 + signal number if it was killed by a signal, -1 if it did not start).
    public var status: Int32
    /// What it wrote to stdout and stderr.
    public var output: String
}

extension EmbeddedCluster {
    /// Runs a program such as psql, pgbench or pg_dump (see `locateBinaries`) as the current user
    /// and waits for it on a thread of its own: stdin from /dev/null, stdout and stderr captured in
    /// a temporary file (never a pipe), an empty signal mask and default signal handlers.
    /// `environment` nil: ours, with `LC_ALL=C`.
    public static func runProgram(
        _ executable: String,
        arguments: [String],
        environment: [String: String]? = nil
    ) async -> PostgresProgramOutcome {
        var environment = environment ?? ProcessInfo.processInfo.environment
        if environment["LC_ALL"] == nil { environment["LC_ALL"] = "C" }
        let outcome = await ChildProcess.run(executable, arguments, environment: environment)
        return PostgresProgramOutcome(status: outcome.status, output: outcome.output)
    }
}
