import Foundation
import KaoheRules
import Postgres
import Synchronization

/// Group commit for filings: the filings that arrive while others are being written are written
/// together, in one transaction — one call of `file_versions` (Schema/0009) for the filing rows,
/// one COPY of the filed rosters' lines into `roster_rows` under the versions it returned, one
/// COMMIT — instead of a transaction, a statement and a commit each.
///
/// A filing is queued; when fewer than ``maxWriters`` batches are being written, a writer starts
/// and takes everything queued (up to ``maxBatch`` filings), and goes on taking what was queued
/// meanwhile until the queue is empty. Under no load a filing is therefore written at once, alone;
/// under load each transaction carries what arrived during the previous one.
///
/// Every filing of a batch gets its own outcome: refusals ('closed', 'stale', …) are per filing and
/// write nothing of it. If the transaction fails (a constraint, a lost connection), nothing of the
/// batch was written, and its filings are written again one by one, so that the error reaches the
/// filing that caused it and only that one. Filings are sorted by county, cycle and unit before the
/// call, so that concurrent batches lock enrolment rows in the same order and cannot deadlock.
final class FilingBatcher: Sendable {
    /// One filing as written: its element of the batch, a roster's lines, and what is written with
    /// it in the same transaction once it was filed (an attachment's bytes) — after the enrolment
    /// row is locked, so that it takes no lock out of order, and never for a refused filing.
    struct Filing: Sendable {
        var header: Header
        var content: PostgresJSON
        var lines: PostgresCopyRows? = nil
        var whenFiled: (@Sendable (PostgresConnection) async throws -> Void)? = nil

        /// Its element of `file_versions`' batch: the header's members and the content.
        var element: PostgresJSON {
            get throws { try PostgresJSON(encoding: header, prepending: "content", content) }
        }
    }

    /// Who files what, and on what basis (the members of a batch element beside `content`).
    struct Header: Sendable, Encodable, CycleScoped {
        var county: CountyCode
        var cycle: CycleID
        var unit: UnitCode
        var kind: String
        var filedBy: String
        var actor: String
        var action: String
        var object: String
        var details: [String: String]
        var basisKind: String?
        var basisVersion: Int?
    }

    /// What `file_versions` answered for one filing.
    struct Outcome: Sendable {
        /// The answers of `file_versions`, as it spells them.
        enum Kind: String, Sendable {
            case filed, stale
            case notEnrolled = "not-enrolled"
            case noStep = "no-step"
            case pending, closed
        }

        var kind: Kind
        var version: Int?
        var filedAt: Date?
        var deadline: Date?
        var late: Bool?
        var opensAt: Date?
        var closesAt: Date?
        var closedBy: String?
    }

    private struct Queued {
        var filing: Filing
        var continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var queue: [Queued] = []
        var writers = 0
    }

    /// Batches written at once (each on a connection of its own): while one waits for the server,
    /// the next is gathered and sent.
    static let maxWriters = 2
    /// The most filings one transaction carries.
    static let maxBatch = 64

    /// The columns of a roster's COPY: the filing's key (the leading fields), then a line's own.
    static let rosterColumns = """
        county, cycle, unit_code, version, line, staff_no, name, post_category, level, score, grade, \
        sanction, under_investigation, probation, leave_months, unassigned_months, refused, quarters
        """

    private let client: PostgresClient
    private let state = Mutex(State())

    init(client: PostgresClient) { self.client = client }

    /// Writes `filing` with whatever else is queued, and returns its outcome. A filing made inside
    /// a request's own transaction (`joined`, see `PostgresClient.joining`) is written alone in
    /// it, not batched: it must commit or roll back with the rest of that request.
    func file(_ filing: Filing, joining joined: PostgresConnection? = nil) async throws -> Outcome {
        if let joined { return try await write([filing], on: joined)[0] }
        return try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.queue.append(Queued(filing: filing, continuation: continuation))
                guard state.writers < Self.maxWriters else { return false }
                state.writers += 1
                return true
            }
            // Not a child task: a request that goes away must not cancel the batch it is in. Detached,
            // so that it never inherits a request's joined transaction.
            if startsWriter { Task.detached { await self.write() } }
        }
    }

    /// Writes batches until the queue is empty.
    private func write() async {
        while let batch = take() {
            let results = await write(batch: batch.map(\.filing))
            for (queued, result) in zip(batch, results) { queued.continuation.resume(with: result) }
        }
    }

    /// The next batch, sorted, or nil when the queue is empty (and this writer then stops).
    private func take() -> [Queued]? {
        let batch: [Queued] = state.withLock { state in
            let taken = Array(state.queue.prefix(Self.maxBatch))
            state.queue.removeFirst(taken.count)
            if taken.isEmpty { state.writers -= 1 }
            return taken
        }
        guard !batch.isEmpty else { return nil }
        return batch.sorted { a, b in
            let (x, y) = (a.filing.header, b.filing.header)
            return (x.county, x.cycle, x.unit) < (y.county, y.cycle, y.unit)
        }
    }

    /// Writes `filings` (sorted) in one transaction, or, if that fails, each in a transaction of its
    /// own, on the same connection unless it broke: one result per filing, in order.
    func write(batch filings: [Filing]) async -> [Result<Outcome, any Error>] {
        do {
            return try await client.withConnection { await write(batch: filings, on: $0) }
        } catch {
            return filings.map { _ in .failure(error) }
        }
    }

    private func write(batch filings: [Filing], on connection: PostgresConnection) async -> [Result<Outcome, any Error>] {
        do {
            return try await write(filings, on: connection).map { .success($0) }
        } catch {
            guard filings.count > 1, !connection.isBroken else { return filings.map { _ in .failure(error) } }
            var results: [Result<Outcome, any Error>] = []
            for filing in filings {
                do {
                    results.append(.success(try await write([filing], on: connection)[0]))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// One transaction: `file_versions`, the COPY of the filed lines, `whenFiled` of each filed
    /// filing. Filings with nothing but their row are one statement, without BEGIN and COMMIT.
    private func write(_ filings: [Filing], on connection: PostgresConnection) async throws -> [Outcome] {
        let batch = PostgresJSON(array: try filings.map { try $0.element })
        guard filings.contains(where: { $0.whenFiled != nil || ($0.lines?.count ?? 0) > 0 }) else {
            return try await Self.fileVersions(batch, count: filings.count, on: connection)
        }
        return try await connection.withTransaction { connection in
            let outcomes = try await Self.fileVersions(batch, count: filings.count, on: connection)
            let copies = zip(filings, outcomes).compactMap { filing, outcome -> (Filing, PostgresCopyRows, Int)? in
                guard outcome.kind == .filed, let version = outcome.version, let lines = filing.lines, lines.count > 0 else { return nil }
                return (filing, lines, version)
            }
            if !copies.isEmpty {
                _ = try await connection.copyFrom(
                    "COPY roster_rows (\(unescaped: Self.rosterColumns)) FROM STDIN",
                    rows: copies.map { filing, lines, version in
                        (
                            lines,
                            [filing.header.county.rawValue, filing.header.cycle.rawValue, filing.header.unit.rawValue, String(version)]
                        )
                    }
                )
            }
            // After the lines are in: a hook may read them (a roster re-checked under the grading).
            for (filing, outcome) in zip(filings, outcomes) where outcome.kind == .filed {
                try await filing.whenFiled?(connection)
            }
            return outcomes
        }
    }

    private static func fileVersions(_ batch: PostgresJSON, count: Int, on connection: PostgresConnection) async throws -> [Outcome] {
        let rows = try await connection.query(
            """
            SELECT filing, outcome, version, filed_at, deadline, late, opens_at, closes_at, closed_by
            FROM file_versions(\(batch)) ORDER BY filing
            """
        )
        let outcomes = try rows.map { row in
            Outcome(
                kind: try Outcome.kind(row),
                version: try row.decode(Int?.self, column: "version"),
                filedAt: try row.decode(Date?.self, column: "filed_at"),
                deadline: try row.decode(Date?.self, column: "deadline"),
                late: try row.decode(Bool?.self, column: "late"),
                opensAt: try row.decode(Date?.self, column: "opens_at"),
                closesAt: try row.decode(Date?.self, column: "closes_at"),
                closedBy: try row.decode(String?.self, column: "closed_by")
            )
        }
        guard outcomes.count == count else {
            throw StoreError(.invalidValue, "file_versions answered \(outcomes.count) outcomes for \(count) filings", field: "outcome")
        }
        return outcomes
    }
}

extension FilingBatcher.Outcome {
    /// The row's `outcome` column as a ``Kind``.
    static func kind(_ row: PostgresRow) throws -> Kind {
        let text = try row.decode(String.self, column: "outcome")
        guard let kind = Kind(rawValue: text) else {
            throw StoreError(.invalidValue, "file_versions answered an unknown outcome \(text)", field: "outcome")
        }
        return kind
    }
}
