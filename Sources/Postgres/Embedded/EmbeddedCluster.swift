import Foundation
public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster in a directory of ours: initialised on first start (`initdb`),
/// started and stopped with `pg_ctl`, reachable only through a unix socket in its data directory
/// (`listen_addresses = ''`). The daemon's default when no database is configured, and the
/// throwaway clusters of the tests.
///
/// When run as root the cluster runs as an unprivileged OS user (`postgres` by default), since
/// PostgreSQL refuses to run as root; the data directory and every parent must then be
/// traversable by that user (root's home is not: use e.g. /var/lib/kaohe or /tmp/…).
public struct EmbeddedCluster: Sendable {
    /// Where the cluster lives and who runs it.
    public struct Configuration: Sendable {
        /// The data directory (created if missing). Its socket is `<dataDirectory>/.s.PGSQL.<port>`,
        /// so keep the path short (unix socket paths are limited to about 107 bytes).
        public var dataDirectory: String
        /// The port, which only names the socket file (no TCP). Default 5432.
        public var port: Int = 5432
        /// The superuser initdb creates; the daemon connects as it (trust auth over the socket,
        /// which only the cluster's OS user and root can reach). Default `kaohe`.
        public var superuser = "kaohe"
        /// The database created on start if missing. Default `kaohe`.
        public var database = "kaohe"
        /// The OS user that runs PostgreSQL. nil: the current user, or `postgres` when running as root.
        public var osUser: String? = nil
        /// Where initdb, pg_ctl and postgres are. nil: see `EmbeddedCluster.locateBinaries`.
        public var binDirectory: String? = nil
        /// Extra server settings written to the cluster's configuration at every start
        /// (e.g. `["fsync": "off"]` for tests).
        public var serverSettings: [String: String] = [:]
        /// How long pg_ctl waits for the server to start or stop. Default 60 s.
        public var timeoutSeconds = 60

        /// A cluster in `dataDirectory` with the defaults above.
        public init(dataDirectory: String) { self.dataDirectory = dataDirectory }
    }

    /// Where the cluster lives and who runs it.
    public let configuration: Configuration
    let logger: Logger

    /// Describes a cluster; nothing happens until `start()`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "pg.cluster"] = "\(configuration.dataDirectory)"
        self.logger = logger
    }

    /// How to connect to the cluster's database (unix socket, superuser).
    public var connectionConfiguration: PostgresConfiguration {
        .unixSocket(
            directory: configuration.dataDirectory,
            port: configuration.port,
            user: configuration.superuser,
            database: configuration.database
        )
    }

    /// The server's log file (pg_ctl's `-l`).
    public var logFile: String { configuration.dataDirectory + "/postmaster.log" }

    /// Initialises the cluster if its directory holds none (`PG_VERSION` missing: initdb with
    /// trust auth for the local socket, UTF8, locale C), starts it unless it is already running,
    /// creates the database if missing, and returns how to connect.
    public func start() async throws -> PostgresConfiguration {
        try await startIfNeeded().configuration
    }

    /// `start()`, saying whether this call started the server (false: it was running already —
    /// another kaohe process's, which this one must then leave running).
    public func startIfNeeded() async throws -> (configuration: PostgresConfiguration, started: Bool) {
        let context = try prepare()
        if !FileManager.default.fileExists(atPath: configuration.dataDirectory + "/PG_VERSION") {
            try await initialise(context)
        }
        try writeSettings(context)
        let started: Bool
        if try await isRunning(context) {
            logger.debug("postgres already running")
            started = false
        } else {
            started = true
            logger.info("starting postgres")
            let outcome = await context.run(
                "pg_ctl",
                [
                    "start", "-D", configuration.dataDirectory, "-l", logFile, "-w", "-t", String(configuration.timeoutSeconds),
                ]
            )
            guard outcome.succeeded else {
                throw Self.failure("pg_ctl start failed (exit \(outcome.status)): \(outcome.tail)\n\(logTail())")
            }
        }
        try await createDatabase(configuration.database)
        return (connectionConfiguration, started)
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are disconnected, then a clean
    /// shutdown). Does nothing if it is not running.
    public func stop() async throws {
        let context = try prepare(creating: false)
        guard try await isRunning(context) else { return }
        logger.info("stopping postgres")
        let outcome = await context.run(
            "pg_ctl",
            [
                "stop", "-D", configuration.dataDirectory, "-m", "fast", "-w", "-t", String(configuration.timeoutSeconds),
            ]
        )
        guard outcome.succeeded else { throw Self.failure("pg_ctl stop failed (exit \(outcome.status)): \(outcome.tail)") }
    }

    /// Makes this (not yet initialised) cluster a streaming standby of `primary`: a base backup of it
    /// (`pg_basebackup -X stream`, as the cluster's OS user) and `standby.signal`. Set
    /// `primary_conninfo` (with an `application_name` the primary's `synchronous_standby_names`
    /// names) in `serverSettings`, then `start()`. For the failover drill and for an office that
    /// keeps a second machine.
    public func createStandby(of primary: EmbeddedCluster) async throws {
        let context = try prepare()
        let directory = configuration.dataDirectory
        guard !FileManager.default.fileExists(atPath: directory + "/PG_VERSION") else {
            throw Self.failure("\(directory) already holds a cluster; a standby starts from an empty directory")
        }
        let source =
            "host=\(primary.configuration.dataDirectory) port=\(primary.configuration.port) user=\(primary.configuration.superuser)"
        let backup = await context.run("pg_basebackup", ["-D", directory, "-X", "stream", "-c", "fast", "-d", source])
        guard backup.succeeded else { throw Self.failure("pg_basebackup failed (exit \(backup.status)): \(backup.tail)") }
        // The primary's socket lives in its data directory, so its lock file came along: not ours.
        let copied = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in copied where name.hasPrefix(".s.PGSQL.") || name == "postmaster.log" {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        let signal = await context.run("/usr/bin/touch", [directory + "/standby.signal"])
        guard signal.succeeded else { throw Self.failure("could not write standby.signal: \(signal.tail)") }
    }

    /// Promotes a standby to primary (`pg_ctl promote -w`): it stops following and accepts writes.
    public func promote() async throws {
        let context = try prepare(creating: false)
        let outcome = await context.run(
            "pg_ctl",
            ["promote", "-D", configuration.dataDirectory, "-w", "-t", String(configuration.timeoutSeconds)]
        )
        guard outcome.succeeded else { throw Self.failure("pg_ctl promote failed (exit \(outcome.status)): \(outcome.tail)") }
    }

    /// Stops and starts the server again.
    public func restart() async throws {
        try await stop()
        _ = try await start()
    }

    /// Creates a database on the cluster unless it exists.
    public func createDatabase(_ name: String) async throws {
        let admin = try await PostgresConnection.connect(
            configuration: connectionConfiguration.withDatabase("postgres"),
            connectTimeout: .seconds(10),
            logger: logger
        )
        do {
            let exists = try await admin.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
            if exists.isEmpty {
                do {
                    try await admin.simpleQuery("CREATE DATABASE " + PostgresQuery.quoteIdentifier(name))
                    logger.debug("created database", metadata: ["pg.database": "\(name)"])
                } catch let error as PostgresError where error.sqlState == .duplicateDatabase {
                    // Created concurrently: fine.
                }
            }
            await admin.close()
        } catch {
            await admin.close()
            throw error
        }
    }

    /// Whether the postmaster named in `postmaster.pid` is alive (a signal-0 probe, no process
    /// spawned: cheap enough to ask every second). False when the file is missing or names a
    /// process that is gone — the server crashed, was killed, or could not recover.
    public var isPostmasterAlive: Bool {
        guard let text = try? String(contentsOfFile: configuration.dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first,
            let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0
        else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`), blocking the calling thread. For
    /// exit handlers (`atexit`) only, where nothing asynchronous can run.
    public func stopImmediatelyBlocking() {
        guard let context = try? prepare(creating: false) else { return }
        _ = context.runBlocking("pg_ctl", ["stop", "-D", configuration.dataDirectory, "-m", "immediate", "-w", "-t", "10"])
    }

    /// The command line that stops this cluster at once (`pg_ctl stop -m immediate`, through
    /// runuser when run as root), for a watcher process that must stop it once we are gone.
    public func immediateStopCommand() throws -> [String] {
        let (executable, arguments) = try prepare(creating: false).command(
            "pg_ctl",
            ["stop", "-D", configuration.dataDirectory, "-m", "immediate", "-w", "-t", "10"]
        )
        return [executable] + arguments
    }

    // MARK: Steps

    /// The resolved programs and OS user for one operation.
    struct Context: Sendable {
        var binDirectory: String
        /// The user to switch to with runuser, nil to run as ourselves.
        var runAs: String?
        var runuser: String?

        func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
            let executable = program.hasPrefix("/") ? program : binDirectory + "/" + program
            guard let runAs, let runuser else { return (executable, arguments) }
            return (runuser, ["-u", runAs, "--", executable] + arguments)
        }

        func run(_ program: String, _ arguments: [String]) async -> ChildProcess.Outcome {
            let (executable, arguments) = command(program, arguments)
            return await ChildProcess.run(executable, arguments)
        }

        func runBlocking(_ program: String, _ arguments: [String]) -> ChildProcess.Outcome {
            let (executable, arguments) = command(program, arguments)
            return ChildProcess.runBlocking(executable, arguments)
        }
    }

    /// Resolves binaries and the OS user, creates the data directory and hands it to that user.
    func prepare(creating: Bool = true) throws -> Context {
        let binDirectory = try Self.locateBinaries(configuration.binDirectory)
        let directory = configuration.dataDirectory
        guard directory.hasPrefix("/") else { throw Self.failure("the data directory must be an absolute path: \(directory)") }
        if let bad = directory.first(where: { "\"'`$\\\n".contains($0) }) {
            throw Self.failure(
                "the data directory path must not contain \(String(reflecting: String(bad))) (pg_ctl passes it through a shell)"
            )
        }
        let socketPath = "\(directory)/.s.PGSQL.\(configuration.port)"
        guard socketPath.utf8.count <= 107 else {
            throw Self.failure(
                "the data directory path is too long for its unix socket (\(socketPath.utf8.count) bytes, at most 107): choose a shorter one"
            )
        }

        let isRoot = geteuid() == 0
        let currentUser = Self.userName(uid: geteuid()) ?? "uid \(geteuid())"
        var runAs: String?
        if isRoot {
            let user = configuration.osUser ?? "postgres"
            guard user != "root" else { throw Self.failure("PostgreSQL refuses to run as root; set osUser to an unprivileged user") }
            runAs = user
        } else if let wanted = configuration.osUser, wanted != currentUser {
            throw Self.failure("running as \(currentUser), so the cluster cannot run as \(wanted): run as root or leave osUser unset")
        }
        var runuser: String?
        if runAs != nil {
            guard let found = ChildProcess.which("runuser") else {
                throw Self.failure("runuser (util-linux) is needed to run PostgreSQL as another user when running as root")
            }
            runuser = found
        }
        let context = Context(binDirectory: binDirectory, runAs: runAs, runuser: runuser)
        guard creating else { return context }

        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Self.failure("could not create the data directory \(directory): \(error.localizedDescription)")
        }
        if let runAs {
            guard let account = getpwnam(runAs) else {
                throw Self.failure("the OS user \(runAs) does not exist (Debian's postgresql package creates `postgres`); set osUser")
            }
            guard chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw Self.failure("could not hand \(directory) to \(runAs): \(String(cString: strerror(errno)))")
            }
        }
        chmod(directory, 0o700)
        if let runAs {
            let check = ChildProcess.runBlocking(
                runuser!,
                ["-u", runAs, "--", "/bin/sh", "-c", "test -r \"$1\" && test -w \"$1\" && test -x \"$1\"", "sh", directory]
            )
            guard check.succeeded else {
                throw Self.failure(
                    "the OS user \(runAs) cannot reach \(directory): every parent directory must be traversable by it "
                        + "(root's home is not); use a directory such as /var/lib/kaohe"
                )
            }
        }
        return context
    }

    private func initialise(_ context: Context) async throws {
        logger.info("initialising a new PostgreSQL cluster")
        let outcome = await context.run(
            "initdb",
            [
                "-D", configuration.dataDirectory, "-U", configuration.superuser, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-instructions",
            ]
        )
        guard outcome.succeeded else { throw Self.failure("initdb failed (exit \(outcome.status)): \(outcome.tail)") }
        let include = "\n# kaohe: settings rewritten at every start\ninclude_if_exists = 'kaohe.conf'\n"
        guard let handle = FileHandle(forWritingAtPath: configuration.dataDirectory + "/postgresql.conf") else {
            throw Self.failure("could not open postgresql.conf to include kaohe.conf")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(include.utf8))
    }

    /// Writes kaohe.conf: socket only, in the data directory, plus `serverSettings`.
    private func writeSettings(_ context: Context) throws {
        func quoted(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
        var lines = [
            "# Written by kaohe at every start; put your own settings in postgresql.conf above the include.",
            "listen_addresses = ''",
            "unix_socket_directories = \(quoted(configuration.dataDirectory))",
            "port = \(configuration.port)",
        ]
        for (key, value) in configuration.serverSettings.sorted(by: { $0.key < $1.key }) {
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw Self.failure("not a server setting name: \(key)")
            }
            lines.append("\(key) = \(quoted(value))")
        }
        let path = configuration.dataDirectory + "/kaohe.conf"
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw Self.failure("could not write \(path): \(error.localizedDescription)")
        }
        chmod(path, 0o644)
    }

    private func isRunning(_ context: Context) async throws -> Bool {
        let outcome = await context.run("pg_ctl", ["status", "-D", configuration.dataDirectory])
        switch outcome.status {
        case 0: return true
        case 3: return false
        case 4: return false  // no valid data directory (not initialised)
        default: throw Self.failure("pg_ctl status failed (exit \(outcome.status)): \(outcome.tail)")
        }
    }

    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "" }
        return "server log (\(logFile)):\n" + text.split(separator: "\n").suffix(12).joined(separator: "\n")
    }

    static func userName(uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    static func failure(_ message: String, file: String = #fileID, line: Int = #line) -> PostgresError {
        PostgresError(code: .clusterFailed, message: message, file: file, line: line)
    }
}
