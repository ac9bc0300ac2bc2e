import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion (through `Spawn`) with stdin from /dev/null and stdout+stderr
/// captured in an unlinked temporary file, never a pipe: pg_ctl leaves a daemonised postmaster
/// behind, and anything of ours it inherited (CI's pipe) would stay open as long as it runs.
enum ChildProcess {
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var succeeded: Bool { status == 0 }

        /// The last lines of the output, for error messages.
        var tail: String {
            output.split(separator: "\n", omittingEmptySubsequences: true).suffix(12).joined(separator: "\n")
        }
    }

    /// Blocks the calling thread until the program exits.
    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) -> Outcome {
        var template = Array("/tmp/kaohe-child-XXXXXX".utf8CString)
        let outputFD = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard outputFD >= 0 else { return Outcome(status: -1, output: "could not create a temporary file: errno \(errno)") }
        // Only the child's stdout/stderr (dup2 clears the flag) may inherit it.
        _ = fcntl(outputFD, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(outputFD) }

        let pid: pid_t
        do {
            pid = try Spawn.start(
                executable,
                arguments,
                environment: environment ?? childEnvironment(),
                descriptors: .init(output: outputFD, error: outputFD)
            )
        } catch {
            return Outcome(status: -1, output: error.description)
        }
        let status = Spawn.waitBlocking(pid)
        return Outcome(status: status, output: readAll(outputFD))
    }

    /// Runs the program on a thread of its own and suspends the caller until it exits.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async -> Outcome {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: runBlocking(executable, arguments, environment: environment))
            }
        }
    }

    private static func readAll(_ fd: Int32) -> String {
        lseek(fd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Our environment, minus libpq's variables (they would redirect the tools elsewhere), with
    /// untranslated messages.
    static func childEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" }
        return environment
    }

    /// The first executable called `name` in PATH, or in the usual system directories.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
