import KaoheRules
public import KaoheStore

/// 冻结抽样总体: freezes the cycle's enrolled units and records their hash (before any seed exists).
/// Due when the committee assessment step closes. A freeze already made by hand counts as done.
public struct SpotCheckFreezeJob: ScheduledJob {
    /// `spot_check.freeze`.
    public let kind = "spot_check.freeze"

    /// The job.
    public init() {}

    public func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
        if let current = try await SpotCheckStore.currentDraw(in: transaction, cycle: run.cycleRef) {
            return .done(.frozenBefore(drawNo: current.drawNo))
        }
        let record = try await SpotCheckStore.freeze(
            in: transaction,
            cycle: run.cycleRef,
            actor: context.actor,
            reason: nil
        )
        return .done(
            .populationFrozen(drawNo: record.drawNo, populationHash: record.populationHash, populationSize: record.population.count)
        )
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

    public func run(_ run: ScheduledRun, in transaction: StoreTransaction, context: JobContext) async throws -> JobOutcome {
        guard let current = try await SpotCheckStore.currentDraw(in: transaction, cycle: run.cycleRef) else {
            return .notReady(
                after: .seconds(1),
                reason: "抽样总体尚未冻结,请先冻结总体并公布其哈希 / the population is not frozen yet; freeze it (and publish its hash) first"
            )
        }
        if current.drawn { return .done(.drawnBefore) }
        guard current.frozenOnSchedule else {
            return .notReady(
                after: .seconds(60),
                reason:
                    "抽样总体由县事考办手工冻结,请由县事考办抽签(可现场掷骰) / the office froze the population by hand; the office draws it (dice at a public draw, or a system seed)"
            )
        }
        let record = try await SpotCheckStore.draw(in: transaction, cycle: run.cycleRef, actor: context.actor, seed: nil)
        return .done(.drawn(drawNo: record.drawNo, selected: record.selection?.selected.count ?? 0))
    }
}
