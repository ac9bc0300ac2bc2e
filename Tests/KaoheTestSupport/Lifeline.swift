import Foundation
public import Postgres
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops what the test process started when the test process ends, however it ends — a normal
/// exit, a crash, SIGKILL.
///
/// A small watcher (`/bin/sh`) runs in a process group of its own, reading the end of a pipe whose
/// other end only this process holds (close-on-exec, and `Spawn` closes every other descriptor in
/// children). When this process dies the kernel closes that end, the watcher reads end-of-file and
/// runs the clean-up actions still registered, in phases: `terminate` (SIGTERM to process groups,
/// then 5 s for them to stop, kaohed stopping its own cluster), `kill` (SIGKILL to what is left),
/// `stop` (`pg_ctl stop -m immediate` of clusters), `remove` (their directories). Each action is a
/// file in the watcher's directory; cancelling an action removes its file.
///
/// `Lifeline.shared` is started on first use and lives as long as the process.
public final class Lifeline: Sendable {
    /// When an action runs, relative to the others.
    public enum Phase: String, Sendable {
        /// First: ask process groups to stop (kaohed stops its embedded cluster on SIGTERM).
        case terminate
        /// Then: kill what did not stop.
        case kill
        /// Then: stop clusters.
        case stop
        /// Last: remove directories.
        case remove
    }

    /// An action registered with the watcher; `cancel()` when what it cleans up is gone.
    public struct Registration: Sendable {
        let paths: [String]

        /// Removes the action(s): the watcher will not run them.
        public func cancel() {
            for path in paths { unlink(path) }
        }
    }

    /// The watcher's directory of actions.
    public let directory: String
    /// The watcher's pid.
    public let watcherPID: Int32
    private let line: Mutex<Int32>
    private let counter = Atomic<Int>(0)

    /// The process's lifeline, started on first use; nil if it could not be started (the tests
    /// then run without it, as before it existed).
    public static let shared: Lifeline? = try? Lifeline()

    /// Starts a watcher of its own (tests of the lifeline itself; everything else uses `shared`).
    public init() throws {
        var template = Array("/tmp/kaohe-lifeline-\(getpid())-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TestProcessError("could not create the lifeline's directory: errno \(errno)")
        }
        directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw TestProcessError("could not create the lifeline's pipe: errno \(errno)") }
        // Our end must reach no child: close-on-exec (Spawn also closes it in every child).
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"]
        do {
            watcherPID = try Spawn.start(
                "/bin/sh",
                ["-c", Self.watcherScript, "kaohe-lifeline", directory],
                environment: environment,
                descriptors: .init(input: ends[0]),
                newProcessGroup: true
            )
        } catch {
            close(ends[0])
            close(ends[1])
            throw TestProcessError(error.description)
        }
        close(ends[0])
        // ends[1] stays open, unused, until this process ends or `cut()`: that is the line.
        line = Mutex(ends[1])
    }

    /// The watcher: wait for end-of-file on stdin, then run the actions phase by phase.
    static let watcherScript = """
        while read -r _; do :; done
        for phase in terminate kill stop remove; do
          ran=no
          for action in "$1"/$phase-*; do
            case "$action" in *.tmp) continue ;; esac
            [ -f "$action" ] || continue
            sh "$action"; ran=yes
          done
          if [ "$phase" = terminate ] && [ "$ran" = yes ]; then sleep 5; fi
        done
        rm -rf "$1"
        """

    /// Closes our end of the line, as this process's death would: the watcher runs the actions
    /// still registered and exits. Returns the watcher's exit status once it has.
    public func cut() async throws -> Int32 {
        line.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let status = Spawn.poll(watcherPID) { return status }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestProcessError("the lifeline watcher \(watcherPID) did not finish")
    }

    /// Registers `command` (an argument vector; each word is quoted for sh) to run in `phase` if
    /// the line is cut before `cancel()`.
    @discardableResult
    public func register(_ phase: Phase, _ command: [String]) -> Registration {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let path = "\(directory)/\(phase.rawValue)-\(number)"
        let line = command.map(Self.shellQuoted).joined(separator: " ") + " >/dev/null 2>&1\n"
        // Written aside and renamed, so the watcher never runs half a line.
        try? line.write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
        rename(path + ".tmp", path)
        return Registration(paths: [path])
    }

    /// SIGTERM, then SIGKILL after the grace period, to the process group `group`.
    public func registerProcessGroup(_ group: Int32) -> Registration {
        let term = register(.terminate, ["kill", "-TERM", "-\(group)"])
        let kill = register(.kill, ["kill", "-KILL", "-\(group)"])
        return Registration(paths: term.paths + kill.paths)
    }

    /// `pg_ctl stop -m immediate` of `cluster`, and the removal of `directory` if given.
    public func registerCluster(_ cluster: EmbeddedCluster, removing directory: String? = nil) -> Registration {
        var paths: [String] = []
        if let command = try? cluster.immediateStopCommand() { paths += register(.stop, command).paths }
        if let directory { paths += register(.remove, ["rm", "-rf", directory]).paths }
        return Registration(paths: paths)
    }

    /// `value` in single quotes for sh.
    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Lifeline {
    /// `shared.registerProcessGroup`, or nothing without a lifeline.
    public static func registerProcessGroup(_ group: Int32) -> Registration {
        shared?.registerProcessGroup(group) ?? Registration(paths: [])
    }

    /// `shared.registerCluster`, or nothing without a lifeline.
    public static func registerCluster(_ cluster: EmbeddedCluster, removing directory: String? = nil) -> Registration {
        shared?.registerCluster(cluster, removing: directory) ?? Registration(paths: [])
    }
}
