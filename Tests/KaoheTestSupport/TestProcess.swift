public import Foundation
import Postgres
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A program the tests run as a separate process, the way an operator would: every test that
/// starts a process uses this.
///
/// Started with `Spawn` (posix_spawn; the child inherits none of our descriptors) in a process
/// group of its own that the `Lifeline` terminates if the test process dies first. stdout and
/// stderr go to files of their own, read back on demand — no pipe, no Dispatch source, no
/// Foundation `Process`. Waiting polls `waitpid(WNOHANG)` from the caller's task.
public final class TestProcess: Sendable {
    /// The child's pid (also its process group).
    public let pid: Int32
    private let outputPath: String
    private let errorPath: String
    private let directory: String
    private let status = Mutex<Int32?>(nil)
    private let lifeline: Lifeline.Registration

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the whole environment; nil: ours.
    ///   - input: the bytes the child reads on stdin (nil: /dev/null).
    ///   - lifeline: what terminates the process group should this process die first.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: Data? = nil,
        lifeline: Lifeline? = .shared
    ) throws {
        var template = Array("/tmp/kaohe-process-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TestProcessError("could not create a directory for the output of \(executable)")
        }
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        outputPath = directory + "/stdout"
        errorPath = directory + "/stderr"
        let inputPath = directory + "/stdin"
        try (input ?? Data()).write(to: URL(fileURLWithPath: inputPath))
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let error = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let standardInput = open(inputPath, O_RDONLY | O_CLOEXEC)
        defer {
            for fd in [output, error, standardInput] where fd >= 0 { close(fd) }
        }
        guard output >= 0, error >= 0, standardInput >= 0 else {
            throw TestProcessError("could not open the output files of \(executable): errno \(errno)")
        }
        do {
            pid = try Spawn.start(
                executable,
                arguments,
                environment: environment ?? ProcessInfo.processInfo.environment,
                descriptors: .init(input: standardInput, output: output, error: error),
                newProcessGroup: true
            )
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw TestProcessError(error.description)
        }
        self.lifeline = lifeline?.registerProcessGroup(pid) ?? Lifeline.Registration(paths: [])
    }

    deinit {
        // A test that forgot its process: do not leave it running.
        if status.withLock({ $0 }) == nil {
            kill(-pid, SIGKILL)
            _ = Spawn.waitBlocking(pid)
        }
        lifeline.cancel()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `executable` to its end and returns its status and output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: Data? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> (status: Int32, output: String, error: String) {
        let process = try TestProcess(executable, arguments, environment: environment, input: input)
        let status = try await process.waitForExit(timeout: timeout)
        return (status, process.standardOutput, process.standardError)
    }

    /// Everything the process wrote to stdout so far.
    public var standardOutput: String { Self.read(outputPath) }
    /// Everything the process wrote to stderr so far.
    public var standardError: String { Self.read(errorPath) }

    /// True until the process has ended (reaping it when it has).
    public var isRunning: Bool { exitStatus == nil }

    /// The exit status (128 + signal when killed), nil while it runs.
    public var exitStatus: Int32? {
        status.withLock { status in
            if status == nil, let ended = Spawn.poll(pid) { status = ended }
            return status
        }
    }

    /// Waits for the process to end and returns its exit status; on timeout kills it and throws.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exitStatus { return exitStatus }
            if ContinuousClock.now > deadline {
                signal(SIGKILL)
                throw TestProcessError("process \(pid) did not exit in time; stderr: \(standardError.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `signal` to the process (not its group).
    public func signal(_ signal: Int32) {
        guard isRunning else { return }
        kill(pid, signal)
    }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A test process that could not be started or did not behave.
public struct TestProcessError: Error, CustomStringConvertible {
    /// What happened.
    public var description: String
    /// Makes an error.
    public init(_ description: String) { self.description = description }
}
