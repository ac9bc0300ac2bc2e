import Foundation
public import KaoheRules
public import Postgres

/// 随机抽查核验: freezes a cycle's population, draws the sample and the reviewers (双随机), reads
/// and exports draws. The ceremony is two transactions: the freeze (population and its hash, with
/// its audit entry) commits before any seed exists; the draw (seed, selection, reviewers, audit
/// entry) follows. Each also marks its scheduled run (`spot_check.freeze`, `spot_check.draw`) done
/// in the same transaction, so a scheduled run never repeats work done by hand and vice versa.
///
/// Both lock the cycle's row first, which serialises freezes and draws of one cycle across
/// daemons; the partial unique index `spot_check_draws_current` backs that up.
public struct SpotCheckStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// The built-in default policy's spot-check numbers (the dice seed's digits a request is read
    /// with); a draw itself runs under its cycle's policy (CyclePolicyStore).
    public static func policy() throws -> SpotCheckPolicy {
        try BuiltInPolicies.defaultCyclePolicy().spotCheck
    }

    // MARK: Hand triggers (each its own transaction)

    /// Freezes the population by hand. A redraw (the current draw is complete) needs `reason`.
    public func freeze(cycle ref: CycleRef, actor: String, reason: String?) async throws -> SpotCheckRecord {
        let cycle = ref.cycle
        return try await translating(cycle) {
            try await client.withTransaction { connection in
                try await Self.freeze(on: connection, cycle: ref, actor: actor, reason: reason)
            }
        }
    }

    /// Draws by hand: freezes first (its own committed transaction) when the current draw is complete
    /// (a redraw, `reason` required) or none exists, then draws with `seed` or a CSPRNG seed.
    ///
    /// Two requests drawing at once: each step locks the cycle, then checks that the current draw is
    /// still the one this request saw (or froze). The one that comes second waits for the first and
    /// is then told what happened — drawn by another request (`spot-check.drawn-concurrently`), or
    /// frozen by another and being drawn (`spot-check.draw-in-progress`) — never "draw next".
    public func draw(cycle ref: CycleRef, actor: String, seed: DrawSeed?, reason: String?) async throws -> SpotCheckRecord {
        let cycle = ref.cycle
        return try await translating(cycle) {
            let seen = try await self.current(cycle: ref)
            var expected = seen.map { (drawNo: $0.drawNo, drawn: $0.drawnAt != nil) }
            if seen == nil || seen?.drawnAt != nil {
                let frozen = try await client.withTransaction { connection in
                    try await Self.lockCycle(on: connection, cycle: ref)
                    try await Self.refuseIfChanged(on: connection, cycle: ref, expected: expected)
                    return try await Self.freeze(on: connection, cycle: ref, actor: actor, reason: reason)
                }
                expected = (drawNo: frozen.drawNo, drawn: false)
            }
            return try await client.withTransaction { connection in
                try await Self.lockCycle(on: connection, cycle: ref)
                try await Self.refuseIfChanged(on: connection, cycle: ref, expected: expected)
                return try await Self.draw(on: connection, cycle: ref, actor: actor, seed: seed)
            }
        }
    }

    /// Refuses when the cycle's current draw is not `expected` (its number, and whether it is
    /// drawn): another request froze or drew meanwhile. Call with the cycle locked.
    static func refuseIfChanged(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        expected: (drawNo: Int, drawn: Bool)?
    ) async throws {
        guard let current = try await records(on: connection, cycle: ref, currentOnly: true).first else { return }
        if let expected, expected.drawNo == current.drawNo, expected.drawn == (current.drawnAt != nil) { return }
        if let drawnAt = current.drawnAt {
            throw CycleError(
                .conflict,
                "另一请求已于\(ShanghaiTime.format(drawnAt))完成第\(current.drawNo)次抽签;请查看其结果,无需再抽 / another request has just drawn this cycle (draw \(current.drawNo)); see its result",
                rule: "spot-check.drawn-concurrently"
            )
        }
        throw CycleError(
            .conflict,
            "另一请求已于\(ShanghaiTime.format(current.frozenAt))冻结第\(current.drawNo)次抽样总体,正在抽签;请稍后刷新查看结果 / another request froze draw \(current.drawNo) and is drawing it; look again shortly",
            rule: "spot-check.draw-in-progress"
        )
    }

    // MARK: Reading

    /// The current draw of the cycle (frozen or drawn), or nil.
    public func current(cycle ref: CycleRef) async throws -> SpotCheckRecord? {
        try await client.withConnection { connection in
            try await Self.records(on: connection, cycle: ref, currentOnly: true).first
        }
    }

    /// Every draw of the cycle, first to last (superseded ones included).
    public func all(cycle ref: CycleRef) async throws -> [SpotCheckRecord] {
        try await client.withConnection { connection in
            try await Self.records(on: connection, cycle: ref, currentOnly: false)
        }
    }

    /// The units the reviewer is assigned to in the current draws of `county` (all cycles).
    public func assignedUnits(county: CountyCode, reviewer: String) async throws -> Set<UnitCode> {
        let rows = try await client.query(
            """
            SELECT DISTINCT a.unit_code FROM reviewer_assignments a
            JOIN spot_check_draws d USING (county, cycle, draw_no)
            WHERE a.county = \(county) AND a.reviewer = \(reviewer) AND d.superseded_at IS NULL
            """
        )
        return Set(try rows.map { try $0.decode(UnitCode.self, column: "unit_code") })
    }

    // MARK: In a caller's transaction (jobs)

    /// The cycle's current draw as the scheduled jobs see it.
    public struct CurrentDraw: Sendable, Hashable {
        /// Its number.
        public var drawNo: Int
        /// Whether it has been drawn (a seed and a selection exist).
        public var drawn: Bool
        /// Whether a daemon froze it on schedule (not the office by hand).
        public var frozenOnSchedule: Bool
    }

    /// The current (not superseded) draw of the cycle, read in `transaction`; nil before a freeze.
    public static func currentDraw(in transaction: StoreTransaction, cycle ref: CycleRef) async throws -> CurrentDraw? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await transaction.connection.query(
            """
            SELECT draw_no, drawn_at IS NOT NULL AS drawn, frozen_by LIKE 'daemon:%' AS scheduled FROM spot_check_draws
            WHERE county = \(county) AND cycle = \(cycle) AND superseded_at IS NULL
            """
        )
        return try rows.first.map { row in
            CurrentDraw(
                drawNo: try row.decode(Int.self, column: "draw_no"),
                drawn: try row.decode(Bool.self, column: "drawn"),
                frozenOnSchedule: try row.decode(Bool.self, column: "scheduled")
            )
        }
    }

    /// `freeze(on:…)` in `transaction`.
    public static func freeze(
        in transaction: StoreTransaction,
        cycle ref: CycleRef,
        actor: String,
        reason: String?
    ) async throws -> SpotCheckRecord {
        try await freeze(on: transaction.connection, cycle: ref, actor: actor, reason: reason)
    }

    /// `draw(on:…)` in `transaction`.
    public static func draw(
        in transaction: StoreTransaction,
        cycle ref: CycleRef,
        actor: String,
        seed: DrawSeed?
    ) async throws -> SpotCheckRecord {
        try await draw(on: transaction.connection, cycle: ref, actor: actor, seed: seed)
    }

    /// Freezes the enrolled units of the cycle as a new draw row (on `connection`, inside the caller's
    /// transaction), with its audit entry, and marks the `spot_check.freeze` run done.
    static func freeze(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        actor: String,
        reason: String?
    ) async throws -> SpotCheckRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        try await lockCycle(on: connection, cycle: ref)
        let reason = reason.map { $0.trimmingBlanksAndNewlines() }.flatMap { $0.isEmpty ? nil : $0 }
        var drawNo = 1
        if let current = try await records(on: connection, cycle: ref, currentOnly: true).first {
            guard current.drawnAt != nil else {
                throw CycleError(
                    .conflict,
                    "第\(current.drawNo)次抽查的总体已于\(ShanghaiTime.format(current.frozenAt))冻结,尚未抽签 / the population is already frozen (draw \(current.drawNo)); draw next",
                    rule: "spot-check.already-frozen"
                )
            }
            guard let reason else {
                throw CycleError(
                    .conflict,
                    "本周期已抽签(第\(current.drawNo)次);重新抽签须说明理由 / the cycle has been drawn; a redraw needs a stated reason",
                    field: "/reason",
                    rule: "spot-check.redraw-reason"
                )
            }
            try await connection.execute(
                """
                UPDATE spot_check_draws SET superseded_at = now()
                WHERE county = \(county) AND cycle = \(cycle) AND draw_no = \(current.drawNo)
                """
            )
            try await AuditChain.append(
                on: connection,
                county: county,
                actor: actor,
                action: .spotCheckSupersede,
                object: "cycles/\(cycle)/spot-check/\(current.drawNo)",
                details: ["reason": reason]
            )
            drawNo = current.drawNo + 1
        }
        let rows = try await connection.query(
            """
            SELECT cu.unit_code, u.committee, u.department FROM cycle_units cu
            JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
            WHERE cu.county = \(county) AND cu.cycle = \(cycle) ORDER BY cu.unit_code
            """
        )
        let population = try rows.map {
            SpotCheckRecord.PopulationUnit(
                code: try $0.decode(UnitCode.self, column: "unit_code"),
                committee: try $0.decode(String.self, column: "committee"),
                department: try $0.decode(String?.self, column: "department")
            )
        }
        guard !population.isEmpty else {
            throw CycleError(
                .conflict,
                "考核周期“\(cycle)”没有参加考核的单位,无法冻结抽样总体 / no enrolled units to freeze",
                rule: "spot-check.empty-population"
            )
        }
        let hash = PopulationHash.of(population.map(\.code))
        try await connection.execute(
            """
            INSERT INTO spot_check_draws (county, cycle, draw_no, population, population_hash, population_size,
                                          frozen_at, frozen_by, redraw_reason)
            VALUES (\(county), \(cycle), \(drawNo), \(try PostgresJSON(encoding: population)), \(hash), \(population.count),
                    now(), \(actor), \(drawNo == 1 ? nil : reason))
            """
        )
        try await AuditChain.append(
            on: connection,
            county: county,
            actor: actor,
            action: .spotCheckFreeze,
            object: "cycles/\(cycle)/spot-check/\(drawNo)",
            details: ["populationHash": hash, "populationSize": String(population.count)]
        )
        try await ScheduledRunStore.markDone(
            on: connection,
            cycle: ref,
            kind: "spot_check.freeze",
            by: actor,
            result: .populationFrozen(drawNo: drawNo, populationHash: hash, populationSize: population.count)
        )
        guard let record = try await records(on: connection, cycle: ref, currentOnly: true).first else {
            throw CycleError(.notFound, "抽查记录不存在 / draw not found")
        }
        return record
    }

    /// Draws the current frozen draw of the cycle (on `connection`, inside the caller's transaction):
    /// seed, selection, reviewers, audit entry, and marks the `spot_check.draw` run done.
    static func draw(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        actor: String,
        seed given: DrawSeed?
    ) async throws -> SpotCheckRecord {
        let (county, cycle) = (ref.county, ref.cycle)
        try await lockCycle(on: connection, cycle: ref)
        guard let current = try await records(on: connection, cycle: ref, currentOnly: true).first else {
            throw CycleError(
                .conflict,
                "抽样总体尚未冻结:先冻结总体并公布其哈希,再抽签 / freeze the population (and publish its hash) before drawing",
                rule: "spot-check.not-frozen"
            )
        }
        guard current.drawnAt == nil else {
            throw CycleError(
                .conflict,
                "本周期已抽签(第\(current.drawNo)次);重新抽签须说明理由 / already drawn; a redraw needs a stated reason",
                field: "/reason",
                rule: "spot-check.already-drawn"
            )
        }
        let policy = try await CyclePolicyStore.policyOrDefault(on: connection, cycle: ref).spotCheck
        let seed = given ?? DrawSeed.random()
        // The cycle's own rate and strata when the office set them, else the policy's defaults.
        let configured = try await connection.query(
            "SELECT spot_check_percent, spot_check_strata FROM cycles WHERE county = \(county) AND cycle = \(cycle)"
        ).first
        let percent =
            try configured?.decode(Int?.self, column: "spot_check_percent").map(Percentage.init(uncheckedValue:)) ?? policy.defaultPercent
        let stratification =
            try configured?.decode(String?.self, column: "spot_check_strata").flatMap(Stratification.init(rawValue:))
            ?? policy.defaultStrata
        let selection: SpotCheckSelection
        do {
            selection = try SpotCheckDraw.draw(
                population: current.population.map { DrawUnit(code: $0.code, committee: $0.committee) },
                seed: seed,
                percent: percent,
                strata: stratification,
                policy: policy
            )
        } catch {
            throw CycleError(.invalid, error.message, field: "/" + error.field, rule: "spot-check.\(error.rule)")
        }
        let reviewerRows = try await connection.query(
            "SELECT reviewer, committee, department FROM reviewers WHERE county = \(county) AND active ORDER BY reviewer"
        )
        let register = try reviewerRows.map {
            Reviewer(
                id: try $0.decode(String.self, column: "reviewer"),
                committee: try $0.decode(String?.self, column: "committee"),
                department: try $0.decode(String?.self, column: "department")
            )
        }
        let assignments = SpotCheckRecord.assignReviewers(
            register: register,
            perUnit: policy.reviewersPerUnit,
            population: current.population,
            selected: selection.selected,
            seed: seed
        )

        try await connection.execute(
            """
            UPDATE spot_check_draws
               SET seed = \(seed.text), seed_source = \(given == nil ? "csprng" : "dice"),
                   algorithm = \(selection.algorithm), algorithm_version = \(selection.algorithmVersion),
                   percent = \(selection.percent.value), stratification = \(selection.stratification.rawValue),
                   reviewers_per_unit = \(policy.reviewersPerUnit), reviewer_register = \(try PostgresJSON(encoding: register)),
                   drawn_at = now(), drawn_by = \(actor)
             WHERE county = \(county) AND cycle = \(cycle) AND draw_no = \(current.drawNo)
            """
        )
        var codes: [UnitCode] = []
        var strata: [String] = []
        var tickets: [String] = []
        var ranks: [String] = []
        var shortfalls: [String] = []
        var rank = 0
        let shortfallOf = Dictionary(assignments.map { ($0.unitCode, $0.shortfall) }, uniquingKeysWith: { first, _ in first })
        for stratum in selection.strata {
            for unit in stratum.selected {
                rank += 1
                codes.append(unit.code)
                strata.append(stratum.name)
                tickets.append(unit.ticket.value)
                ranks.append(String(rank))
                shortfalls.append(String(shortfallOf[unit.code] ?? 0))
            }
        }
        try await connection.execute(
            """
            INSERT INTO spot_check_selections (county, cycle, draw_no, unit_code, stratum, ticket, rank, reviewer_shortfall)
            SELECT \(county), \(cycle), \(current.drawNo), u, s, t, r::integer, f::integer
            FROM unnest(\(PostgresArray(codes))::text[], \(PostgresArray(strata))::text[], \(PostgresArray(tickets))::text[],
                        \(PostgresArray(ranks))::text[], \(PostgresArray(shortfalls))::text[]) AS x (u, s, t, r, f)
            """
        )
        var aUnits: [UnitCode] = []
        var aReviewers: [String] = []
        var aTickets: [String] = []
        var aRanks: [String] = []
        for assignment in assignments {
            for (index, reviewer) in assignment.reviewers.enumerated() {
                aUnits.append(assignment.unitCode)
                aReviewers.append(reviewer.id)
                aTickets.append(reviewer.ticket)
                aRanks.append(String(index + 1))
            }
        }
        if !aUnits.isEmpty {
            try await connection.execute(
                """
                INSERT INTO reviewer_assignments (county, cycle, draw_no, unit_code, reviewer, ticket, rank)
                SELECT \(county), \(cycle), \(current.drawNo), u, v, t, r::integer
                FROM unnest(\(PostgresArray(aUnits))::text[], \(PostgresArray(aReviewers))::text[],
                            \(PostgresArray(aTickets))::text[], \(PostgresArray(aRanks))::text[]) AS x (u, v, t, r)
                """
            )
        }
        try await AuditChain.append(
            on: connection,
            county: county,
            actor: actor,
            action: .spotCheckDraw,
            object: "cycles/\(cycle)/spot-check/\(current.drawNo)",
            details: [
                "seed": seed.text, "seedSource": given == nil ? "csprng" : "dice", "populationHash": current.populationHash,
                "selected": String(rank), "reviewersAssigned": String(aUnits.count),
            ]
        )
        try await ScheduledRunStore.markDone(
            on: connection,
            cycle: ref,
            kind: "spot_check.draw",
            by: actor,
            result: .drawn(drawNo: current.drawNo, selected: rank)
        )
        guard let record = try await records(on: connection, cycle: ref, currentOnly: true).first else {
            throw CycleError(.notFound, "抽查记录不存在 / draw not found")
        }
        return record
    }

    // MARK: Internals

    static func lockCycle(on connection: PostgresConnection, cycle ref: CycleRef) async throws {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query("SELECT 1 AS one FROM cycles WHERE county = \(county) AND cycle = \(cycle) FOR UPDATE")
        guard !rows.isEmpty else {
            throw CycleError(.notFound, "考核周期“\(cycle)”不存在 / cycle \(cycle) was not found", rule: "cycle.exists")
        }
    }

    /// Reads draws with their selections and assignments.
    static func records(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        currentOnly: Bool
    ) async throws -> [SpotCheckRecord] {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT draw_no, redraw_reason, frozen_at, frozen_by, population, population_hash, drawn_at, drawn_by,
                   seed, seed_source, algorithm, algorithm_version, percent, stratification, reviewers_per_unit,
                   reviewer_register, superseded_at
            FROM spot_check_draws
            WHERE county = \(county) AND cycle = \(cycle) AND (NOT \(currentOnly) OR superseded_at IS NULL)
            ORDER BY draw_no
            """
        )
        var records: [SpotCheckRecord] = []
        for row in rows {
            let drawNo = try row.decode(Int.self, column: "draw_no")
            let population = try row.decode(PostgresJSON.self, column: "population").decode([SpotCheckRecord.PopulationUnit].self)
            var record = SpotCheckRecord(
                format: SpotCheckRecord.formatName,
                county: county,
                cycle: cycle,
                drawNo: drawNo,
                redrawReason: try row.decode(String?.self, column: "redraw_reason"),
                frozenAt: try row.decode(Date.self, column: "frozen_at"),
                frozenBy: try row.decode(String.self, column: "frozen_by"),
                population: population,
                populationHash: try row.decode(String.self, column: "population_hash"),
                drawnAt: try row.decode(Date?.self, column: "drawn_at"),
                drawnBy: try row.decode(String?.self, column: "drawn_by"),
                seedSource: try row.decode(String?.self, column: "seed_source"),
                supersededAt: try row.decode(Date?.self, column: "superseded_at")
            )
            if let seed = try row.decode(String?.self, column: "seed") {
                let percent = Percentage(uncheckedValue: try row.decode(Int.self, column: "percent"))
                let stratification = Stratification(rawValue: try row.decode(String.self, column: "stratification")) ?? .committee
                let selected = try await connection.query(
                    """
                    SELECT s.unit_code, s.stratum, s.ticket, u.committee FROM spot_check_selections s
                    JOIN units u ON u.county = s.county AND u.code = s.unit_code
                    WHERE s.county = \(county) AND s.cycle = \(cycle) AND s.draw_no = \(drawNo) ORDER BY s.rank
                    """
                )
                let committeeOf = Dictionary(population.map { ($0.code, $0.committee) }, uniquingKeysWith: { first, _ in first })
                var strata: [StratumSample] = []
                for line in selected {
                    let code = try line.decode(UnitCode.self, column: "unit_code")
                    let stratum = try line.decode(String.self, column: "stratum")
                    let currentCommittee = try line.decode(String.self, column: "committee")
                    let unit = SelectedUnit(
                        code: code,
                        committee: committeeOf[code] ?? currentCommittee,
                        ticket: SamplingTicket(try line.decode(String.self, column: "ticket"))
                    )
                    if strata.last?.name == stratum {
                        strata[strata.count - 1].selected.append(unit)
                    } else {
                        strata.append(StratumSample(name: stratum, size: 0, sampleSize: 0, selected: [unit]))
                    }
                }
                // Stratum sizes come from the frozen population (strata with no selection cannot occur: ⌈p·n⌉ ≥ 1).
                var sizes: [String: Int] = [:]
                for unit in population { sizes[stratification == .county ? "county" : unit.committee, default: 0] += 1 }
                for index in strata.indices {
                    strata[index].size = sizes[strata[index].name] ?? 0
                    strata[index].sampleSize = strata[index].selected.count
                }
                record.selection = SpotCheckSelection(
                    populationHash: record.populationHash,
                    populationSize: population.count,
                    seed: seed,
                    algorithm: try row.decode(String.self, column: "algorithm"),
                    algorithmVersion: try row.decode(String.self, column: "algorithm_version"),
                    percent: percent,
                    stratification: stratification,
                    strata: strata
                )
                record.reviewersPerUnit = try row.decode(Int?.self, column: "reviewers_per_unit")
                record.reviewerRegister = try row.decode(PostgresJSON?.self, column: "reviewer_register")?.decode([Reviewer].self)
                let assigned = try await connection.query(
                    """
                    SELECT s.unit_code, s.reviewer_shortfall, a.reviewer, a.ticket FROM spot_check_selections s
                    LEFT JOIN reviewer_assignments a USING (county, cycle, draw_no, unit_code)
                    WHERE s.county = \(county) AND s.cycle = \(cycle) AND s.draw_no = \(drawNo) ORDER BY s.rank, a.rank
                    """
                )
                var assignments: [SpotCheckRecord.AssignedReviewers] = []
                for line in assigned {
                    let code = try line.decode(UnitCode.self, column: "unit_code")
                    if assignments.last?.unitCode != code {
                        assignments.append(
                            .init(unitCode: code, reviewers: [], shortfall: try line.decode(Int.self, column: "reviewer_shortfall"))
                        )
                    }
                    if let reviewer = try line.decode(String?.self, column: "reviewer") {
                        assignments[assignments.count - 1].reviewers.append(
                            .init(id: reviewer, ticket: try line.decode(String.self, column: "ticket"))
                        )
                    }
                }
                record.reviewerAssignments = assignments
            }
            records.append(record)
        }
        return records
    }

    private func translating<T>(_ cycle: CycleID, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "spot check of cycle \(cycle)")
        }
    }
}
