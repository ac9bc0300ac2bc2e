import Foundation
import KaoheTestSupport
import Postgres
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 22: how kaohe and its tests start processes, and what is left when the test process dies.
@Suite("Child processes and the tests' lifeline")
struct ChildProcessTests {
    @Test("a child inherits only stdin, stdout and stderr, even descriptors opened without close-on-exec")
    func childInheritsNothingElse() async throws {
        // A file and a pipe opened without FD_CLOEXEC, as Foundation's Pipe makes them.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kaohe-inherit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        let file = open(marker, O_RDWR | O_CREAT, 0o600)
        var ends: [Int32] = [-1, -1]
        #expect(file >= 0 && pipe(&ends) == 0)
        defer {
            for fd in [file] + ends { close(fd) }
            unlink(marker)
        }
        #expect(fcntl(ends[0], F_GETFD) & FD_CLOEXEC == 0)
        var status = stat()
        fstat(ends[0], &status)
        let pipeName = "pipe:[\(status.st_ino)]"
        // The shell lists what its descriptors are (3 is the directory its glob reads).
        let result = try await TestProcess.run("/bin/sh", ["-c", "for fd in /proc/$$/fd/*; do echo \"${fd##*/} $(readlink $fd)\"; done"])
        #expect(result.status == 0, "\(result.error)")
        let descriptors = result.output.split(separator: "\n").map { String($0) }
        #expect(descriptors.compactMap { Int($0.split(separator: " ").first ?? "") }.allSatisfy { $0 <= 3 }, "\(descriptors)")
        #expect(!descriptors.contains { $0.hasSuffix(marker) || $0.hasSuffix(pipeName) }, "\(descriptors)")
    }

    @Test("a process's stdin, stdout, stderr and exit status reach the test; a signal's number is 128 + it")
    func standardStreamsAndStatus() async throws {
        let echo = try await TestProcess.run(
            "/bin/sh",
            ["-c", "read line; echo \"out:$line\"; echo err >&2; exit 3"],
            input: Data("数据\n".utf8)
        )
        #expect(echo.status == 3)
        #expect(echo.output == "out:数据\n")
        #expect(echo.error == "err\n")
        let sleeper = try TestProcess("/bin/sleep", ["30"])
        #expect(sleeper.isRunning)
        sleeper.signal(SIGTERM)
        #expect(try await sleeper.waitForExit() == 128 + SIGTERM)
        #expect(!sleeper.isRunning)
        #expect(throws: TestProcessError.self) { _ = try TestProcess("/nonexistent/program", []) }
    }

    @Test(
        "when the line is cut (the test process died), the watcher ends process groups, then runs the stop and remove actions, but no cancelled one"
    )
    func lifelineCleansUp() async throws {
        let lifeline = try Lifeline()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kaohe-lifeline-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // A child that ignores SIGTERM, with a grandchild in its group: both must go.
        let stubborn = try TestProcess("/bin/sh", ["-c", "trap '' TERM; sleep 300 & sleep 300"], lifeline: lifeline)
        let polite = try TestProcess("/bin/sleep", ["300"], lifeline: lifeline)
        lifeline.register(.stop, ["touch", scratch + "/stopped"])
        lifeline.register(.remove, ["rm", "-f", scratch + "/doomed"])
        #expect(FileManager.default.createFile(atPath: scratch + "/doomed", contents: Data()))
        lifeline.register(.stop, ["touch", scratch + "/cancelled"]).cancel()
        try await Task.sleep(for: .milliseconds(200))

        #expect(try await lifeline.cut() == 0)
        #expect(try await polite.waitForExit(timeout: .seconds(5)) == 128 + SIGTERM)
        #expect(try await stubborn.waitForExit(timeout: .seconds(5)) == 128 + SIGKILL)
        #expect(FileManager.default.fileExists(atPath: scratch + "/stopped"))
        #expect(!FileManager.default.fileExists(atPath: scratch + "/doomed"))
        #expect(!FileManager.default.fileExists(atPath: scratch + "/cancelled"))
        #expect(!FileManager.default.fileExists(atPath: lifeline.directory))
    }
}
