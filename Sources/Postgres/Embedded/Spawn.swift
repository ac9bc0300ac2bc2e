import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a program with `posix_spawn`: the one way kaohe and its tests start another process.
///
/// The child gets exactly the three descriptors it is given as stdin, stdout and stderr and
/// nothing else of ours (every other descriptor is closed in the child, CLOEXEC or not), an empty
/// signal mask and default handlers. No Dispatch source, `DispatchIO` or Foundation `Process` is
/// involved, so nothing of libdispatch's epoll loop watches a descriptor that a child holds a copy
/// of — Foundation's `Process` with `Pipe` readability handlers did, and crashed the test process
/// now and then in `_dispatch_event_loop_drain` (issue 22).
package enum Spawn {
    /// What the child's standard descriptors are.
    package struct Descriptors: Sendable {
        /// stdin; nil: /dev/null.
        package var input: Int32?
        /// stdout; nil: /dev/null.
        package var output: Int32?
        /// stderr; nil: /dev/null.
        package var error: Int32?

        /// The three descriptors (nil for /dev/null).
        package init(input: Int32? = nil, output: Int32? = nil, error: Int32? = nil) {
            self.input = input
            self.output = output
            self.error = error
        }
    }

    /// Starts `executable` (an absolute path) and returns its pid, or throws with the reason.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment.
    ///   - newProcessGroup: make the child the leader of a process group of its own, so that it and
    ///     everything it starts can be signalled together (`kill(-pid, …)`).
    package static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        descriptors: Descriptors = .init(),
        newProcessGroup: Bool = false
    ) throws(SpawnError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in [(Int32(0), descriptors.input), (1, descriptors.output), (2, descriptors.error)] {
            if let source {
                // dup2 onto 0/1/2 clears FD_CLOEXEC there, so a source may be close-on-exec.
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        closeEverythingElse(&actions)

        // A clean signal state: the spawning thread may be a Dispatch worker with most signals
        // blocked, and a child inherits the mask (pgbench -T never ends with SIGALRM blocked).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw SpawnError(executable: executable, errno: status) }
        return pid
    }

    /// Waits for `pid` to end (blocking the calling thread) and returns its exit status, or 128 +
    /// the signal that killed it.
    package static func waitBlocking(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return exitStatus(status)
    }

    /// The exit status of `pid` if it has ended (reaping it), nil while it runs.
    package static func poll(_ pid: Int32) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return exitStatus(status) }
        if result < 0 && errno == ECHILD { return -1 }
        return nil
    }

    /// A `waitpid` status as a shell would report it.
    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Adds a close of every descriptor above stderr to `actions`: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34+, looked up at run time since Swift's Glibc
    /// module does not declare it), else a close of each descriptor open now.
    private static func closeEverythingElse(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom = addCloseFrom, closeFrom(&actions, 3) == 0 { return }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in fds where fd > 2 && fcntl(fd, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let addCloseFrom: AddCloseFrom? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
        #else
        return nil
        #endif
    }()
}

/// A program that could not be started.
package struct SpawnError: Error, CustomStringConvertible {
    /// The program.
    package var executable: String
    /// posix_spawn's error number.
    package var errno: Int32
    package var description: String { "could not start \(executable): \(String(cString: strerror(errno)))" }
}
