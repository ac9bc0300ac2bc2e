public import Foundation
public import KaoheRules
public import Postgres

/// One row of `scheduled_runs`: a job of a cycle due at a time (the database's clock decides).
public struct ScheduledRun: Sendable, Hashable, CycleScoped {
    /// The county.
    public var county: CountyCode
    /// The cycle.
    public var cycle: CycleID
    /// The job kind (`step.close.assessment`, `spot_check.freeze`, `spot_check.draw`, `publicity.close`).
    public var kind: String
    /// When it is due.
    public var dueAt: Date
    /// When it was done; nil while pending.
    public var doneAt: Date?
    /// Who did it: `daemon:<host>/<pid>` or the actor who triggered it by hand.
    public var doneBy: String?
    /// Failed attempts so far.
    public var attempts: Int
    /// The last failure, if any.
    public var lastError: String?
    /// When the runners gave it up (only a hand trigger runs it now); nil while they still try.
    public var givenUpAt: Date? = nil
}

/// `scheduled_runs`: the store side of KaoheJobs. Runs are created by the `cycle_steps` trigger
/// (step closes, spot-check freeze and draw) or by `schedule` (other kinds such as `publicity.close`).
///
/// How exactly-once holds: a run is one row. `performNext` claims a due row (`due_at <= now()` by
/// the database clock) with `SELECT … FOR UPDATE SKIP LOCKED` inside a transaction, runs the job's
/// work in that same transaction and sets `done_at` before committing. Another runner skips the
/// locked row, and once the first commits the row is no longer pending; if the first dies, its
/// transaction rolls back — the work and the mark vanish together — and the row is claimed again.
/// Work that fails is rolled back to a savepoint and its failure recorded on the still-locked row
/// (attempts, last error, back-off).
public struct ScheduledRunStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The channel a JobRunner listens on; `schedule` notifies it (delivered at commit).
    public static let wakeChannel = "kaohe_jobs"

    /// A wake-up whenever a run may have fallen due (a NOTIFY on `wakeChannel`), from a dedicated
    /// connection that reconnects after the server restarts; wake-ups sent while it was
    /// disconnected are lost, so a runner also looks at intervals.
    public func wakeups() -> AsyncThrowingStream<Void, any Error> {
        let notifications = client.notifications(channel: Self.wakeChannel)
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await _ in notifications { continuation.yield() }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Claims the next due run of one of `kinds` and performs `work` on it in the run's own
    /// transaction: `.done` marks the run done by `actor` with its result; `.notReady` rolls the
    /// work back and postpones the run; a throw rolls the work back, records the failure on the run
    /// (`failed` is told) and answers `.notReady` after a second. Nil when no run is due.
    public func performNext(
        kinds: [String],
        excluding: [String] = [],
        actor: String,
        work: @Sendable (ScheduledRun, StoreTransaction) async throws -> JobOutcome,
        failed: @Sendable (ScheduledRun, any Error) -> Void = { _, _ in }
    ) async throws -> (run: ScheduledRun, outcome: JobOutcome)? {
        try await client.withTransaction { connection -> (run: ScheduledRun, outcome: JobOutcome)? in
            guard let run = try await Self.claimNext(on: connection, kinds: kinds, excluding: excluding) else { return nil }
            try await connection.execute("SAVEPOINT scheduled_job")
            do {
                let outcome = try await work(run, StoreTransaction(connection))
                switch outcome {
                case .done(let result):
                    try await Self.markDone(on: connection, cycle: run.cycleRef, kind: run.kind, by: actor, result: result)
                case .notReady(let after, _):
                    try await connection.execute("ROLLBACK TO SAVEPOINT scheduled_job")
                    try await Self.postpone(on: connection, run: run, after: after)
                }
                return (run, outcome)
            } catch {
                try await connection.execute("ROLLBACK TO SAVEPOINT scheduled_job")
                try await Self.recordFailure(on: connection, run: run, error: error)
                failed(run, error)
                return (run, .notReady(after: .seconds(1), reason: "上次执行失败,稍后重试 / the last attempt failed; retrying"))
            }
        }
    }

    /// A hand trigger (CLI, API) of a run: waits for the run's row, refuses when it is done
    /// already, performs `work` and marks the run done by `actor`, in one transaction. A
    /// `.notReady` answer is refused with its reason.
    public func trigger(
        cycle ref: CycleRef,
        kind: String,
        actor: String,
        work: @Sendable (ScheduledRun, StoreTransaction) async throws -> JobOutcome
    ) async throws -> JobResult {
        let cycle = ref.cycle
        return try await client.withTransaction { connection in
            guard let run = try await Self.lock(on: connection, cycle: ref, kind: kind) else {
                throw CycleError(.notFound, "考核周期“\(cycle)”没有任务“\(kind)” / no run \(kind) in cycle \(cycle)", rule: "jobs.run-exists")
            }
            if let doneAt = run.doneAt {
                throw CycleError(
                    .conflict,
                    "任务“\(kind)”已于\(ShanghaiTime.format(doneAt))由\(run.doneBy ?? "?")完成 / already done at \(ShanghaiTime.format(doneAt)) by \(run.doneBy ?? "?")",
                    rule: "jobs.already-done"
                )
            }
            switch try await work(run, StoreTransaction(connection)) {
            case .done(let result):
                try await Self.markDone(on: connection, cycle: ref, kind: kind, by: actor, result: result)
                return result
            case .notReady(_, let reason):
                throw CycleError(.conflict, "任务“\(kind)”暂不能执行:\(reason)", rule: "jobs.not-ready")
            }
        }
    }

    /// Every run of a cycle, by due time.
    public func runs(cycle ref: CycleRef) async throws -> [ScheduledRun] {
        try await Self.runs(client: client, cycle: ref)
    }

    /// Creates or moves a pending run in `transaction` (see `schedule(on:…)`).
    public static func schedule(in transaction: StoreTransaction, cycle ref: CycleRef, kind: String, dueAt: Date) async throws {
        try await schedule(on: transaction.connection, cycle: ref, kind: kind, dueAt: dueAt)
    }

    /// Creates or moves a pending run (a done run is left alone) and wakes the runners at commit.
    /// Call inside the transaction that makes the run necessary.
    package static func schedule(on connection: PostgresConnection, cycle ref: CycleRef, kind: String, dueAt: Date) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        try await connection.execute(
            """
            INSERT INTO scheduled_runs (county, cycle, kind, due_at) VALUES (\(county), \(cycle), \(kind), \(dueAt))
            ON CONFLICT (county, cycle, kind) DO UPDATE SET due_at = EXCLUDED.due_at WHERE scheduled_runs.done_at IS NULL
            """
        )
        try await connection.query("SELECT pg_notify(\(wakeChannel), \("\(county)/\(cycle)/\(kind)"))")
    }

    /// Claims the next due run of one of `kinds` on `connection` inside the caller's transaction:
    /// `FOR UPDATE SKIP LOCKED`, so a run another daemon holds is skipped, not waited for; the row
    /// stays locked until the transaction ends. Due means `due_at <= now()` on the database clock.
    /// Runs named in `excluding` (`county/cycle/kind`, those a pass has already attempted) are skipped.
    static func claimNext(on connection: PostgresConnection, kinds: [String], excluding: [String] = []) async throws -> ScheduledRun? {
        let rows = try await connection.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error, given_up_at FROM scheduled_runs
            WHERE done_at IS NULL AND given_up_at IS NULL AND due_at <= now() AND (retry_at IS NULL OR retry_at <= now())
              AND kind = ANY(\(PostgresArray(kinds))::text[])
              AND NOT (county || '/' || cycle || '/' || kind) = ANY(\(PostgresArray(excluding))::text[])
            ORDER BY due_at, CASE WHEN kind LIKE 'step.close.%' THEN 0 WHEN kind = 'spot_check.freeze' THEN 1 ELSE 2 END, kind
            LIMIT 1 FOR UPDATE SKIP LOCKED
            """
        )
        return try rows.first.map(decode)
    }

    /// Locks one run (waiting for a daemon that holds it) for a hand trigger; nil when there is no such run.
    static func lock(on connection: PostgresConnection, cycle ref: CycleRef, kind: String) async throws -> ScheduledRun? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error, given_up_at FROM scheduled_runs
            WHERE county = \(county) AND cycle = \(cycle) AND kind = \(kind) FOR UPDATE
            """
        )
        return try rows.first.map(decode)
    }

    /// Marks the run done (if it exists and is pending) in the caller's transaction. Returns whether it did.
    @discardableResult
    static func markDone(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        kind: String,
        by: String,
        result: JobResult
    ) async throws -> Bool {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await connection.execute(
            """
            UPDATE scheduled_runs SET done_at = now(), done_by = \(by), result = \(try PostgresJSON(encoding: result.facts)),
                   retry_at = NULL, given_up_at = NULL
            WHERE county = \(county) AND cycle = \(cycle) AND kind = \(kind) AND done_at IS NULL
            """
        ) == 1
    }

    /// Puts a run off until `after` from now without counting a failure (its precondition is not met yet).
    static func postpone(on connection: PostgresConnection, run: ScheduledRun, after: Duration) async throws {
        let seconds = Double(after.components.seconds) + Double(after.components.attoseconds) / 1e18
        try await connection.execute(
            """
            UPDATE scheduled_runs SET retry_at = now() + make_interval(secs => \(seconds))
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND kind = \(run.kind) AND done_at IS NULL
            """
        )
    }

    /// Failed attempts after which a run is given up whatever the reason.
    public static let maximumAttempts = 20

    /// Whether retrying cannot change why a run failed: the rules refuse it (invalid input, a thing
    /// that does not exist), as opposed to a state that may change (a conflict), the database being
    /// away, or a failure of ours.
    static func isPermanent(_ error: any Error) -> Bool {
        guard let refusal = error as? any Refusal else { return false }
        switch refusal.refusalKind {
        case .invalid, .malformed, .notFound, .forbidden: return true
        case .conflict, .duplicate, .stepNotOpen, .stepClosed, .unavailable, .failure: return false
        }
    }

    /// Records a failed attempt (after the attempt's own writes were rolled back to a savepoint) and
    /// backs off: 2^attempts seconds, at most 10 minutes — or gives the run up, when retrying cannot
    /// change the reason or it has failed `maximumAttempts` times. The message kept is the refusal's
    /// detail (what the office reads), or the error's description.
    static func recordFailure(on connection: PostgresConnection, run: ScheduledRun, error: any Error) async throws {
        let message = (error as? any Refusal).map { "\($0.detail) [\($0.rule ?? "-")]" } ?? String(describing: error)
        let giveUp = isPermanent(error) || run.attempts + 1 >= maximumAttempts
        try await connection.execute(
            """
            UPDATE scheduled_runs SET attempts = attempts + 1, last_error = \(String(message.prefix(2000))),
                   retry_at = now() + make_interval(secs => least(600, power(2, attempts + 1))),
                   given_up_at = CASE WHEN \(giveUp) THEN now() END
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND kind = \(run.kind) AND done_at IS NULL
            """
        )
    }

    /// Every run of a cycle, by due time.
    public static func runs(client: PostgresClient, cycle ref: CycleRef) async throws -> [ScheduledRun] {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await client.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error, given_up_at FROM scheduled_runs
            WHERE county = \(county) AND cycle = \(cycle) ORDER BY due_at, kind
            """
        )
        return try rows.map(decode)
    }

    static func decode(_ row: PostgresRow) throws -> ScheduledRun {
        ScheduledRun(
            county: try row.decode(CountyCode.self, column: "county"),
            cycle: try row.decode(CycleID.self, column: "cycle"),
            kind: try row.decode(String.self, column: "kind"),
            dueAt: try row.decode(Date.self, column: "due_at"),
            doneAt: try row.decode(Date?.self, column: "done_at"),
            doneBy: try row.decode(String?.self, column: "done_by"),
            attempts: try row.decode(Int.self, column: "attempts"),
            lastError: try row.decode(String?.self, column: "last_error"),
            givenUpAt: try row.decode(Date?.self, column: "given_up_at")
        )
    }
}
