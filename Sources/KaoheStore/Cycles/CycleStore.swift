public import Foundation
public import KaoheRules
public import Postgres

/// 考核周期: creates and reads cycles, enrols their units and closes their steps. Every change is
/// one transaction with its audit entry.
public struct CycleStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// Checks a definition against the rules: known scheme and roster policy, a cycle id that
    /// matches its kind, and for every step `opensAt ≤ deadline ≤ closesAt`.
    public static func validate(_ definition: CycleDefinition) throws(CycleError) {
        guard CycleDefaults.kind(of: definition.cycle) == definition.kind else {
            throw CycleError(
                .invalid,
                "考核周期编号“\(definition.cycle)”应为年度“2026”或季度“2026-Q1”形式,并与类型\(definition.kind.rawValue)一致 / the cycle id must be YYYY (annual) or YYYY-Qn (quarterly)",
                field: "/kind",
                rule: "cycle.id"
            )
        }
        // A year kaohe can run: not a typo (0000) nor a year whose every step would be long past.
        if let year = Int(definition.cycle.rawValue.prefix(4)), !CycleDefaults.years.contains(year) {
            throw CycleError(
                .invalid,
                "考核周期年度\(year)应在\(CycleDefaults.years.lowerBound)–\(CycleDefaults.years.upperBound)之间 / the cycle's year must be \(CycleDefaults.years.lowerBound)–\(CycleDefaults.years.upperBound)",
                field: "cycle",
                rule: "cycle.year"
            )
        }
        guard SchemeLoader.builtInIds.contains(definition.scheme) else {
            throw CycleError(
                .invalid,
                "没有名为“\(definition.scheme)”的考核指标体系(可选:\(SchemeLoader.builtInIds.joined(separator: "、"))) / unknown scheme",
                field: "/scheme",
                rule: "cycle.scheme"
            )
        }
        if let preset = definition.preset, !PolicyLoader.cyclePresetIds.contains(preset) {
            throw CycleError(
                .invalid,
                "没有名为“\(preset)”的考核政策预设(可选:\(PolicyLoader.cyclePresetIds.joined(separator: "、"))) / unknown policy preset",
                field: "/preset",
                rule: "cycle.preset"
            )
        }
        guard PolicyLoader.rosterPolicyIds.contains(definition.policy) else {
            throw CycleError(
                .invalid,
                "没有名为“\(definition.policy)”的名册政策(可选:\(PolicyLoader.rosterPolicyIds.joined(separator: "、"))) / unknown roster policy",
                field: "/policy",
                rule: "cycle.policy"
            )
        }
        if let percent = definition.spotCheckPercent, !(10...100).contains(percent) {
            throw CycleError(
                .invalid,
                "抽查比例应为10–100(不低于10%) / the spot-check rate is 10…100 percent (never below 10 %)",
                field: "/spotCheck/percent",
                rule: "cycle.spot-check-percent"
            )
        }
        for step in FilingStep.allCases {
            guard let times = definition.steps[step] else {
                throw CycleError(
                    .invalid,
                    "缺少步骤“\(step.chinese)”的时间 / step times missing",
                    field: "/steps/\(step.rawValue)",
                    rule: "cycle.step-times"
                )
            }
            if times.deadline < times.opensAt {
                throw CycleError(
                    .invalid,
                    "“\(step.chinese)”的截止时间早于开始时间 / the deadline is before the opening",
                    field: "/steps/\(step.rawValue)/deadline",
                    rule: "cycle.step-order"
                )
            }
            if times.closesAt < times.deadline {
                throw CycleError(
                    .invalid,
                    "“\(step.chinese)”的关闭时间早于截止时间 / closesAt is before the deadline",
                    field: "/steps/\(step.rawValue)/closesAt",
                    rule: "cycle.step-order"
                )
            }
        }
    }

    /// Creates the cycle, or updates it while none of its steps has opened. Returns the stored
    /// cycle and whether it was created.
    public func put(
        county: CountyCode,
        definition: CycleDefinition,
        actor: String,
        account: String
    ) async throws -> (cycle: Cycle, created: Bool) {
        try Self.validate(definition)
        do {
            return try await client.withTransaction { connection in
                let existing = try await connection.query(
                    """
                    SELECT (SELECT min(opens_at) FROM cycle_steps s WHERE s.county = c.county AND s.cycle = c.cycle) AS opened,
                           (SELECT min(opens_at) <= now() FROM cycle_steps s WHERE s.county = c.county AND s.cycle = c.cycle) AS is_open
                    FROM cycles c WHERE c.county = \(county) AND c.cycle = \(definition.cycle) FOR UPDATE
                    """
                )
                let created: Bool
                if let row = existing.first {
                    if try row.decode(Bool?.self, column: "is_open") == true {
                        let opened = try row.decode(Date.self, column: "opened")
                        throw CycleError(
                            .conflict,
                            "考核周期“\(definition.cycle)”已于\(ShanghaiTime.format(opened))开始,不能再修改;可手动关闭步骤 / the cycle opened at \(ShanghaiTime.format(opened)) and can no longer be changed",
                            rule: "cycle.already-open"
                        )
                    }
                    try await connection.execute(
                        """
                        UPDATE cycles SET kind = \(definition.kind.rawValue), title = \(definition.title), scheme = \(definition.scheme),
                               policy = \(definition.policy), spot_check_percent = \(definition.spotCheckPercent),
                               spot_check_strata = \(definition.spotCheckStrata?.rawValue), updated_at = now()
                        WHERE county = \(county) AND cycle = \(definition.cycle)
                        """
                    )
                    created = false
                } else {
                    try await connection.execute(
                        """
                        INSERT INTO cycles (county, cycle, kind, title, scheme, policy, spot_check_percent, spot_check_strata, created_by)
                        VALUES (\(county), \(definition.cycle), \(definition.kind.rawValue), \(definition.title),
                                \(definition.scheme), \(definition.policy), \(definition.spotCheckPercent),
                                \(definition.spotCheckStrata?.rawValue), \(account))
                        """
                    )
                    created = true
                }
                var details = ["kind": definition.kind.rawValue, "scheme": definition.scheme, "policy": definition.policy]
                if let started = try await Self.startPolicy(
                    on: connection,
                    definition: definition,
                    county: county,
                    actor: actor,
                    account: account
                ) {
                    details["preset"] = started.policy.id
                    details["policyVersion"] = String(started.version)
                    details["policySha256"] = CyclePolicyStore.digest(started.policy)
                }
                if let percent = definition.spotCheckPercent { details["spotCheck.percent"] = String(percent) }
                if let strata = definition.spotCheckStrata { details["spotCheck.strata"] = strata.rawValue }
                for step in FilingStep.allCases {
                    let times = definition.steps[step]!
                    try await connection.execute(
                        """
                        INSERT INTO cycle_steps (county, cycle, step, opens_at, deadline, closes_at)
                        VALUES (\(county), \(definition.cycle), \(step.rawValue), \(times.opensAt), \(times.deadline), \(times.closesAt))
                        ON CONFLICT (county, cycle, step) DO UPDATE
                        SET opens_at = excluded.opens_at, deadline = excluded.deadline, closes_at = excluded.closes_at
                        """
                    )
                    details["\(step.rawValue).deadline"] = ShanghaiTime.format(times.deadline)
                    details["\(step.rawValue).closesAt"] = ShanghaiTime.format(times.closesAt)
                }
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: actor,
                    action: created ? .cycleCreate : .cycleUpdate,
                    object: "cycles/\(definition.cycle)",
                    details: details
                )
                guard let cycle = try await Self.read(on: connection, cycle: CycleRef(county: county, cycle: definition.cycle)) else {
                    throw CycleError(.notFound, "考核周期不存在 / cycle not found")
                }
                return (cycle, created)
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "cycle \(definition.cycle)")
        }
    }

    /// Stores the policy a cycle starts from, or follows a change of a cycle not yet open, as the
    /// next version (Schema/0021): a new cycle takes its preset (`county-default` unless named); a
    /// cycle updated with a preset switches to it; either way the policy holds the roster policy and
    /// scheme the definition names, so `cycles.policy` and the stored staff table never disagree.
    /// Nothing is stored when the policy would not change.
    static func startPolicy(
        on connection: PostgresConnection,
        definition: CycleDefinition,
        county: CountyCode,
        actor: String,
        account: String
    ) async throws -> CyclePolicyStore.Version? {
        let ref = CycleRef(county: county, cycle: definition.cycle)
        let latest = try await CyclePolicyStore.version(on: connection, cycle: ref)
        let stored = latest.map { $0.version > 0 } == true
        var policy: CyclePolicy
        do {
            if let latest, stored, definition.preset == nil {
                policy = latest.policy
            } else {
                policy = try PolicyLoader.cyclePreset(definition.preset ?? PolicyLoader.cyclePresetIds[0])
            }
            if policy.roster.id != definition.policy { policy.roster = try BuiltInPolicies.rosterPolicy(definition.policy) }
        } catch {
            throw CycleError(.invalid, "考核政策预设无法读取 / preset unreadable: \(error)", field: "/preset", rule: "cycle.preset")
        }
        policy.defaultRosterPolicy = policy.roster.id
        // A county's own scheme stays what units are scored against until the policy drops it.
        if policy.scheme == nil { policy.defaultScheme = definition.scheme }
        if let latest, stored, latest.policy == policy { return nil }
        return try await CyclePolicyStore.insert(
            on: connection,
            cycle: ref,
            policy: policy,
            version: (latest?.version ?? 0) + 1,
            reason: !stored ? "创建周期时选定" : definition.preset.map { "改用预设 \($0)" } ?? "随考核周期修改",
            changed: latest.map { $0.policy.changedParts(to: policy) } ?? CyclePolicy.Part.allCases,
            actor: actor,
            account: account,
            audit: false
        )
    }

    /// The cycle, or nil when the county has none by that id.
    public func cycle(cycle ref: CycleRef) async throws -> Cycle? {
        try await client.withConnection { connection in
            try await Self.read(on: connection, cycle: ref)
        }
    }

    static func read(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> Cycle? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await connection.query(
            """
            SELECT kind, title, scheme, policy, spot_check_percent, spot_check_strata, created_at, updated_at, now() AS now
            FROM cycles WHERE county = \(county) AND cycle = \(cycle)
            """
        )
        guard let row = rows.first else { return nil }
        guard let kind = CycleKind(rawValue: try row.decode(String.self, column: "kind")) else {
            throw StoreError(.invalidValue, "cycle \(cycle) has an unknown kind", field: "kind")
        }
        var steps: [CycleStep] = []
        for stepRow in try await connection.query(
            """
            SELECT step, opens_at, deadline, closes_at, closed_by, closed_at,
                   CASE WHEN now() < opens_at THEN 'pending' WHEN now() >= closes_at THEN 'closed'
                        WHEN now() > deadline THEN 'late' ELSE 'open' END AS state
            FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle)
            """
        ) {
            guard let step = FilingStep(rawValue: try stepRow.decode(String.self, column: "step")),
                let state = StepState(rawValue: try stepRow.decode(String.self, column: "state"))
            else { continue }
            steps.append(
                CycleStep(
                    step: step,
                    times: StepTimes(
                        opensAt: try stepRow.decode(Date.self, column: "opens_at"),
                        deadline: try stepRow.decode(Date.self, column: "deadline"),
                        closesAt: try stepRow.decode(Date.self, column: "closes_at")
                    ),
                    state: state,
                    closedBy: try stepRow.decode(String?.self, column: "closed_by"),
                    closedAt: try stepRow.decode(Date?.self, column: "closed_at")
                )
            )
        }
        steps.sort { $0.step < $1.step }
        let units = try await connection.query(
            "SELECT unit_code FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) ORDER BY unit_code"
        ).map { try $0.decode(UnitCode.self, column: "unit_code") }
        var definition = CycleDefinition(
            cycle: cycle,
            kind: kind,
            title: try row.decode(String.self, column: "title"),
            scheme: try row.decode(String.self, column: "scheme"),
            policy: try row.decode(String.self, column: "policy"),
            steps: Dictionary(uniqueKeysWithValues: steps.map { ($0.step, $0.times) })
        )
        definition.spotCheckPercent = try row.decode(Int?.self, column: "spot_check_percent")
        definition.spotCheckStrata = try row.decode(String?.self, column: "spot_check_strata").flatMap(Stratification.init(rawValue:))
        return Cycle(
            county: county,
            definition: definition,
            steps: steps,
            units: units,
            createdAt: try row.decode(Date.self, column: "created_at"),
            updatedAt: try row.decode(Date.self, column: "updated_at"),
            now: try row.decode(Date.self, column: "now")
        )
    }

    /// Sets the units enrolled in the cycle to exactly `units` (codes already checked by
    /// KaoheRules). A code not in the county's registry is refused, naming its index; a unit that
    /// already has filings cannot be removed. Returns the codes added and removed.
    public func enrol(cycle ref: CycleRef, units: [UnitCode], actor: String) async throws -> (added: [UnitCode], removed: [UnitCode]) {
        let outcome = try await enrol(cycle: ref, choosing: .units(units), actor: actor)
        return (outcome.added, outcome.removed)
    }

    /// Sets the units enrolled in the cycle to the ones `choice` names — listed, every unit of the
    /// county's register, or those of some committees (the desk's, the API's and the CLI's three
    /// ways) — read in the enrolment's own transaction. A committee not in the register is refused,
    /// naming its index (`/committees/N`); otherwise as `enrol(cycle:units:actor:)`.
    public func enrol(cycle ref: CycleRef, choosing choice: EnrolmentChoice, actor: String) async throws -> EnrolmentOutcome {
        let (county, cycle) = (ref.county, ref.cycle)
        do {
            return try await client.withTransaction { connection in
                guard
                    try await connection.query(
                        "SELECT 1 AS one FROM cycles WHERE county = \(county) AND cycle = \(cycle) FOR UPDATE"
                    ).first != nil
                else {
                    throw CycleError(.notFound, "考核周期“\(cycle)”不存在 / cycle \(cycle) was not found", rule: "cycle.exists")
                }
                let units: [UnitCode]
                switch choice {
                case .units(let listed):
                    units = listed
                case .everyRegisteredUnit:
                    units = try await connection.query("SELECT code FROM units WHERE county = \(county) ORDER BY code").map {
                        try $0.decode(UnitCode.self, at: 0)
                    }
                case .committees(let committees):
                    guard !committees.isEmpty else {
                        throw CycleError(
                            .invalid,
                            "请至少选择一个专考委 / name at least one committee",
                            field: "/committees",
                            rule: "cycle.enrolment-one-way"
                        )
                    }
                    let known = Set(
                        try await connection.query("SELECT committee FROM committees WHERE county = \(county)").map {
                            try $0.decode(String.self, at: 0)
                        }
                    )
                    for (index, committee) in committees.enumerated() where !known.contains(committee) {
                        throw CycleError(
                            .invalid,
                            "专考委“\(committee)”未在本县登记 / committee \(committee) is not in the county's registry",
                            field: "/committees/\(index)",
                            rule: "registry.committee"
                        )
                    }
                    units = try await connection.query(
                        "SELECT code FROM units WHERE county = \(county) AND committee = ANY(\(PostgresArray(committees))) ORDER BY code"
                    ).map { try $0.decode(UnitCode.self, at: 0) }
                }
                let known = Set(
                    try await connection.query(
                        "SELECT code FROM units WHERE county = \(county) AND code = ANY(\(PostgresArray(units)))"
                    ).map { try $0.decode(UnitCode.self, column: "code") }
                )
                for (index, code) in units.enumerated() where !known.contains(code) {
                    throw CycleError(
                        .invalid,
                        "单位“\(code)”未在本县登记 / unit \(code) is not in the county's registry",
                        field: "/units/\(index)",
                        rule: "registry.unit"
                    )
                }
                let current = Set(
                    try await connection.query(
                        "SELECT unit_code FROM cycle_units WHERE county = \(county) AND cycle = \(cycle)"
                    ).map { try $0.decode(UnitCode.self, column: "unit_code") }
                )
                let wanted = Set(units)
                let added = wanted.subtracting(current).sorted()
                let removed = current.subtracting(wanted).sorted()
                // Once the spot check's population is frozen (its hash published), a unit added
                // could never be drawn and one removed would break the published hash.
                if !added.isEmpty || !removed.isEmpty,
                    let frozen = try await connection.query(
                        """
                        SELECT draw_no, frozen_at FROM spot_check_draws
                        WHERE county = \(county) AND cycle = \(cycle) AND superseded_at IS NULL
                        """
                    ).first
                {
                    let frozenAt = ShanghaiTime.format(try frozen.decode(Date.self, column: "frozen_at"))
                    throw CycleError(
                        .conflict,
                        "抽查总体已于\(frozenAt)冻结(第\(try frozen.decode(Int.self, column: "draw_no"))次),此后不能再增减参加考核的单位(已公布的总体哈希须可复算) / the spot-check population was frozen at \(frozenAt): enrolment cannot change after that, so that the published population hash stays recomputable",
                        field: "/units",
                        rule: "cycle.enrolment-frozen"
                    )
                }
                if !removed.isEmpty {
                    let withFilings = try await connection.query(
                        """
                        SELECT DISTINCT unit_code FROM filings
                        WHERE county = \(county) AND cycle = \(cycle) AND unit_code = ANY(\(PostgresArray(removed)))
                        ORDER BY unit_code
                        """
                    ).map { try $0.decode(UnitCode.self, column: "unit_code") }
                    if !withFilings.isEmpty {
                        throw CycleError(
                            .conflict,
                            "单位\(withFilings.map(\.rawValue).joined(separator: "、"))已有报送材料,不能退出本周期 / units with filings cannot be removed",
                            field: "/units",
                            rule: "cycle.unit-has-filings"
                        )
                    }
                    try await connection.execute(
                        "DELETE FROM cycle_units WHERE county = \(county) AND cycle = \(cycle) AND unit_code = ANY(\(PostgresArray(removed)))"
                    )
                }
                if !added.isEmpty {
                    try await connection.execute(
                        """
                        INSERT INTO cycle_units (county, cycle, unit_code)
                        SELECT \(county), \(cycle), code FROM unnest(\(PostgresArray(added))::text[]) AS code
                        """
                    )
                }
                try await connection.execute("UPDATE cycles SET updated_at = now() WHERE county = \(county) AND cycle = \(cycle)")
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: actor,
                    action: .cycleEnrol,
                    object: "cycles/\(cycle)/units",
                    details: [
                        "added": added.map(\.rawValue).joined(separator: ","), "removed": removed.map(\.rawValue).joined(separator: ","),
                        "count": String(wanted.count),
                    ]
                )
                return EnrolmentOutcome(units: wanted.sorted(), added: added, removed: removed)
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "enrolment of cycle \(cycle)")
        }
    }

    /// Closes an open step now (the office's hand): `closes_at` becomes the database's `now()`.
    /// A step that has not opened, or is already closed, is a conflict naming when.
    public func closeStep(cycle ref: CycleRef, step: FilingStep, actor: String, account: String) async throws -> CycleStep {
        let (county, cycle) = (ref.county, ref.cycle)
        do {
            return try await client.withTransaction { connection in
                let rows = try await connection.query(
                    """
                    SELECT opens_at, closes_at, now() < opens_at AS pending, now() >= closes_at AS closed
                    FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle) AND step = \(step.rawValue) FOR UPDATE
                    """
                )
                guard let row = rows.first else {
                    throw CycleError(.notFound, "考核周期“\(cycle)”不存在 / cycle \(cycle) was not found", rule: "cycle.exists")
                }
                if try row.decode(Bool.self, column: "pending") {
                    let opens = try row.decode(Date.self, column: "opens_at")
                    throw CycleError(
                        .conflict,
                        "“\(step.chinese)”尚未开始(\(ShanghaiTime.format(opens))开始),不能关闭 / the step has not opened yet (opens \(ShanghaiTime.format(opens)))",
                        rule: "cycle.step-not-open"
                    )
                }
                if try row.decode(Bool.self, column: "closed") {
                    let closes = try row.decode(Date.self, column: "closes_at")
                    throw CycleError(
                        .conflict,
                        "“\(step.chinese)”已于\(ShanghaiTime.format(closes))关闭 / the step closed at \(ShanghaiTime.format(closes))",
                        rule: "cycle.step-closed"
                    )
                }
                try await connection.execute(
                    """
                    UPDATE cycle_steps SET closes_at = now(), closed_by = \(account), closed_at = now()
                    WHERE county = \(county) AND cycle = \(cycle) AND step = \(step.rawValue)
                    """
                )
                try await FilingAudit.record(
                    on: connection,
                    county: county,
                    actor: actor,
                    action: .cycleStepClose,
                    object: "cycles/\(cycle)/steps/\(step.rawValue)",
                    details: [:]
                )
                guard let read = try await Self.read(on: connection, cycle: ref),
                    let closed = read.steps.first(where: { $0.step == step })
                else {
                    throw CycleError(.notFound, "考核周期不存在 / cycle not found")
                }
                return closed
            }
        } catch let error as CycleError {
            throw error
        } catch {
            throw StoreError.translate(error, what: "cycle \(cycle)")
        }
    }

    /// 步骤截止 on schedule, in `transaction`: the audit entry saying the step closed at its
    /// `closes_at`; the time it closed, or nil when the cycle has no such step.
    public static func recordScheduledClose(
        in transaction: StoreTransaction,
        cycle ref: CycleRef,
        step: FilingStep,
        actor: String
    ) async throws -> Date? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await transaction.connection.query(
            "SELECT closes_at FROM cycle_steps WHERE county = \(county) AND cycle = \(cycle) AND step = \(step.rawValue)"
        )
        guard let row = rows.first else { return nil }
        let closesAt = try row.decode(Date.self, column: "closes_at")
        try await AuditChain.append(
            on: transaction.connection,
            county: county,
            actor: actor,
            action: .cycleStepClosed,
            object: "cycles/\(cycle)/steps/\(step.rawValue)",
            details: ["closesAt": ShanghaiTime.format(closesAt)]
        )
        return closesAt
    }
}
