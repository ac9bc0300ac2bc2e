import KaoheRules
public import KaoheStore
public import Postgres

/// 冻结抽样总体: freezes the cycle's enrolled units and records their hash (before any seed exists).
/// Due when the committee assessment step closes. A freeze already made by hand counts as done.
public struct SpotCheckFreezeJob: ScheduledJob {
    /// `spot_check.freeze`.
    public let kind = "spot_check.freeze"

    /// The job.
    public init() {}

    public func run(_ run: ScheduledRun, on connection: PostgresConnection, context: JobContext) async throws -> JobOutcome {
        let existing = try await connection.query(
            "SELECT draw_no FROM spot_check_draws WHERE county = \(run.county) AND cycle = \(run.cycle) AND superseded_at IS NULL"
        )
        if let row = existing.first { return .done(["frozenBefore": String(try row.decode(Int.self, column: "draw_no"))]) }
        let record = try await SpotCheckStore.freeze(on: connection, county: run.county, cycle: run.cycle, actor: context.actor, reason: nil)
        return .done(["drawNo": String(record.drawNo), "populationHash": record.populationHash,
                      "populationSize": String(record.population.count)])
    }
}

/// 抽签: draws the frozen population with a CSPRNG seed and assigns reviewers. Waits (not ready)
/// while the freeze has not committed: the seed never exists before the population hash. A
/// population the office froze by hand is left for the office to draw (a public draw with dice may
/// be under way): the run waits, and the office's draw marks it done.
public struct SpotCheckDrawJob: ScheduledJob {
    /// `spot_check.draw`.
    public let kind = "spot_check.draw"

    /// The job.
    public init() {}

    public func run(_ run: ScheduledRun, on connection: PostgresConnection, context: JobContext) async throws -> JobOutcome {
        let frozen = try await connection.query(
            """
            SELECT drawn_at IS NOT NULL AS drawn, frozen_by LIKE 'daemon:%' AS scheduled FROM spot_check_draws
            WHERE county = \(run.county) AND cycle = \(run.cycle) AND superseded_at IS NULL
            """
        )
        guard let row = frozen.first else {
            return .notReady(after: .seconds(1), reason: "抽样总体尚未冻结,请先冻结总体并公布其哈希 / the population is not frozen yet; freeze it (and publish its hash) first")
        }
        if try row.decode(Bool.self, column: "drawn") { return .done(["drawnBefore": "true"]) }
        guard try row.decode(Bool.self, column: "scheduled") else {
            return .notReady(after: .seconds(60), reason: "抽样总体由县事考办手工冻结,请由县事考办抽签(可现场掷骰) / the office froze the population by hand; the office draws it (dice at a public draw, or a system seed)")
        }
        let record = try await SpotCheckStore.draw(on: connection, county: run.county, cycle: run.cycle, actor: context.actor, seed: nil)
        return .done(["drawNo": String(record.drawNo), "selected": String(record.selection?.selected.count ?? 0)])
    }
}
