public import Foundation
public import Postgres

/// One row of `scheduled_runs`: a job of a cycle due at a time (the database's clock decides).
public struct ScheduledRun: Sendable, Hashable {
    /// The county.
    public var county: String
    /// The cycle.
    public var cycle: String
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
}

/// `scheduled_runs`: the store side of KaoheJobs. Runs are created by the `cycle_steps` trigger
/// (step closes, spot-check freeze and draw) or by `schedule` (other kinds such as `publicity.close`).
public enum ScheduledRunStore {
    /// The channel a JobRunner listens on; `schedule` notifies it (delivered at commit).
    public static let wakeChannel = "kaohe_jobs"

    /// Creates or moves a pending run (a done run is left alone) and wakes the runners at commit.
    /// Call inside the transaction that makes the run necessary.
    public static func schedule(on connection: PostgresConnection, county: String, cycle: String, kind: String, dueAt: Date) async throws {
        try await connection.execute(
            """
            INSERT INTO scheduled_runs (county, cycle, kind, due_at) VALUES (\(county), \(cycle), \(kind), \(dueAt))
            ON CONFLICT (county, cycle, kind) DO UPDATE SET due_at = EXCLUDED.due_at WHERE scheduled_runs.done_at IS NULL
            """
        )
        try await connection.query("SELECT pg_notify(\(wakeChannel), \(county + "/" + cycle + "/" + kind))")
    }

    /// Claims the next due run of one of `kinds` on `connection` inside the caller's transaction:
    /// `FOR UPDATE SKIP LOCKED`, so a run another daemon holds is skipped, not waited for; the row
    /// stays locked until the transaction ends. Due means `due_at <= now()` on the database clock.
    public static func claimNext(on connection: PostgresConnection, kinds: [String]) async throws -> ScheduledRun? {
        let rows = try await connection.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error FROM scheduled_runs
            WHERE done_at IS NULL AND due_at <= now() AND (retry_at IS NULL OR retry_at <= now())
              AND kind = ANY(\(PostgresArray(kinds))::text[])
            ORDER BY due_at, CASE WHEN kind LIKE 'step.close.%' THEN 0 WHEN kind = 'spot_check.freeze' THEN 1 ELSE 2 END, kind
            LIMIT 1 FOR UPDATE SKIP LOCKED
            """
        )
        return try rows.first.map(decode)
    }

    /// Locks one run (waiting for a daemon that holds it) for a hand trigger; nil when there is no such run.
    public static func lock(on connection: PostgresConnection, county: String, cycle: String, kind: String) async throws -> ScheduledRun? {
        let rows = try await connection.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error FROM scheduled_runs
            WHERE county = \(county) AND cycle = \(cycle) AND kind = \(kind) FOR UPDATE
            """
        )
        return try rows.first.map(decode)
    }

    /// Marks the run done (if it exists and is pending) in the caller's transaction. Returns whether it did.
    @discardableResult
    public static func markDone(
        on connection: PostgresConnection, county: String, cycle: String, kind: String, by: String, result: [String: String]
    ) async throws -> Bool {
        try await connection.execute(
            """
            UPDATE scheduled_runs SET done_at = now(), done_by = \(by), result = \(try PostgresJSON(encoding: result)),
                   retry_at = NULL
            WHERE county = \(county) AND cycle = \(cycle) AND kind = \(kind) AND done_at IS NULL
            """
        ) == 1
    }

    /// Puts a run off until `after` from now without counting a failure (its precondition is not met yet).
    public static func postpone(on connection: PostgresConnection, run: ScheduledRun, after: Duration) async throws {
        let seconds = Double(after.components.seconds) + Double(after.components.attoseconds) / 1e18
        try await connection.execute(
            """
            UPDATE scheduled_runs SET retry_at = now() + make_interval(secs => \(seconds))
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND kind = \(run.kind) AND done_at IS NULL
            """
        )
    }

    /// Records a failed attempt (after the attempt's own writes were rolled back to a savepoint) and
    /// backs off: 2^attempts seconds, at most 10 minutes.
    public static func recordFailure(on connection: PostgresConnection, run: ScheduledRun, error: String) async throws {
        try await connection.execute(
            """
            UPDATE scheduled_runs SET attempts = attempts + 1, last_error = \(String(error.prefix(2000))),
                   retry_at = now() + make_interval(secs => least(600, power(2, attempts + 1)))
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND kind = \(run.kind) AND done_at IS NULL
            """
        )
    }

    /// Every run of a cycle, by due time.
    public static func runs(client: PostgresClient, county: String, cycle: String) async throws -> [ScheduledRun] {
        let rows = try await client.query(
            """
            SELECT county, cycle, kind, due_at, done_at, done_by, attempts, last_error FROM scheduled_runs
            WHERE county = \(county) AND cycle = \(cycle) ORDER BY due_at, kind
            """
        )
        return try rows.map(decode)
    }

    static func decode(_ row: PostgresRow) throws -> ScheduledRun {
        ScheduledRun(
            county: try row.decode(String.self, column: "county"), cycle: try row.decode(String.self, column: "cycle"),
            kind: try row.decode(String.self, column: "kind"), dueAt: try row.decode(Date.self, column: "due_at"),
            doneAt: try row.decode(Date?.self, column: "done_at"), doneBy: try row.decode(String?.self, column: "done_by"),
            attempts: try row.decode(Int.self, column: "attempts"), lastError: try row.decode(String?.self, column: "last_error"))
    }
}
