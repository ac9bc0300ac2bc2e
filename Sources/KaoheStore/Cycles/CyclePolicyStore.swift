public import Foundation
public import KaoheRules
public import Postgres
import Synchronization

/// 考核政策 of one cycle (Schema/0021): chosen from a preset when the cycle is created, changed by
/// the office until the step that uses each part, every version kept and audited
/// (`cycle.policy`). Every rule of the cycle reads its policy here: the grading proposal (bands,
/// ratios and their scope, department ties, the re-check override), the 公示 and review day
/// counts, the roster checks (the staff quota table), the spot check (rates, strata, reviewers).
///
/// Parts lock with their step (`CyclePolicy.Part`): the unit grading once a proposal exists
/// (`policy.after-proposal`), the staff table once rosters open (`policy.after-rosters-open`), the
/// spot check once its population is frozen (`policy.after-freeze`). A change is checked against
/// the documents' bounds (`PolicyBounds`) before anything is written.
public struct CyclePolicyStore: Sendable {
    let client: PostgresClient

    /// A store on `client`.
    public init(client: PostgresClient) { self.client = client }

    /// One version of a cycle's policy.
    public struct Version: Sendable, Hashable {
        /// The policy.
        public var policy: CyclePolicy
        /// 1, 2, …; 0 for a cycle with no stored policy (the built-in default, read as version 0).
        public var version: Int
        /// Who set it (nil for version 0).
        public var setBy: String?
        /// When.
        public var setAt: Date?
        /// Why (may be empty).
        public var reason: String
    }

    /// The cycle's policy with the parts that can no longer change and why.
    public struct Current: Sendable, Hashable {
        /// The version in force.
        public var current: Version
        /// Part → why it is locked (Chinese), for the parts whose step has come.
        public var locked: [CyclePolicy.Part: String]
        /// The cycle's indicator scheme (a policy's `defaultScheme` is always the cycle's).
        public var scheme: String
    }

    // MARK: Reading

    /// The policy in force and its locks; nil when the cycle does not exist.
    public func current(cycle ref: CycleRef) async throws -> Current? {
        try await client.withConnection { connection in
            try await Self.current(on: connection, cycle: ref, lock: false)
        }
    }

    /// Every stored version, newest first (empty for a cycle under the built-in default).
    public func history(cycle ref: CycleRef) async throws -> [Version] {
        let (county, cycle) = (ref.county, ref.cycle)
        return try await client.query(
            """
            SELECT version, document::text AS document, reason, set_by, set_at FROM cycle_policies
            WHERE county = \(county) AND cycle = \(cycle) ORDER BY version DESC
            """
        ).map { row in
            let version = try row.decode(Int.self, column: "version")
            return Version(
                policy: try Self.decode(try row.decode(String.self, column: "document"), ref: ref, version: version),
                version: version,
                setBy: try row.decode(String?.self, column: "set_by"),
                setAt: try row.decode(Date?.self, column: "set_at"),
                reason: try row.decode(String.self, column: "reason")
            )
        }
    }

    /// The policy in force for the cycle's rules (nil when the cycle does not exist). Decoded
    /// policies are kept per county, cycle, version and the instant it was set (`cacheKey`): a
    /// version never changes once written.
    static func policy(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> CyclePolicy? {
        try await version(on: connection, cycle: ref)?.policy
    }

    /// The policy in force, or the built-in default when the cycle does not exist (reads that must
    /// not fail for a cycle deleted meanwhile).
    static func policyOrDefault(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> CyclePolicy {
        if let policy = try await policy(on: connection, cycle: ref) { return policy }
        return try builtInDefault()
    }

    static func version(on connection: PostgresConnection, cycle ref: CycleRef) async throws -> Version? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let row = try await connection.query(
                """
                SELECT c.policy AS roster, c.scheme, p.version, p.reason, p.set_by, p.set_at,
                       p.version::text || '@' || extract(epoch FROM p.set_at)::text AS stamp,
                       CASE WHEN p.version IS NOT NULL THEN p.document::text END AS document
                FROM cycles c
                LEFT JOIN LATERAL (SELECT * FROM cycle_policies p WHERE p.county = c.county AND p.cycle = c.cycle
                                   ORDER BY p.version DESC LIMIT 1) p ON true
                WHERE c.county = \(county) AND c.cycle = \(cycle)
                """
            ).first
        else { return nil }
        guard let version = try row.decode(Int?.self, column: "version") else {
            let policy = try builtInDefault(
                roster: try row.decode(String.self, column: "roster"),
                scheme: try row.decode(String.self, column: "scheme")
            )
            return Version(policy: policy, version: 0, setBy: nil, setAt: nil, reason: "")
        }
        let key = cacheKey(ref, stamp: try row.decode(String.self, column: "stamp"))
        let policy: CyclePolicy
        if let cached = decoded.withLock({ $0[key] }) {
            policy = cached
        } else {
            policy = try decode(try row.decode(String.self, column: "document"), ref: ref, version: version)
            decoded.withLock { $0[key] = policy }
        }
        return Version(
            policy: policy,
            version: version,
            setBy: try row.decode(String?.self, column: "set_by"),
            setAt: try row.decode(Date?.self, column: "set_at"),
            reason: try row.decode(String.self, column: "reason")
        )
    }

    /// The policy in force and why parts are locked; `lock` takes the cycle's row `FOR UPDATE`.
    static func current(on connection: PostgresConnection, cycle ref: CycleRef, lock: Bool) async throws -> Current? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard
            let row = try await connection.query(
                """
                SELECT c.scheme,
                       (SELECT state FROM cycle_gradings g WHERE g.county = c.county AND g.cycle = c.cycle) AS grading,
                       (SELECT opens_at FROM cycle_steps s WHERE s.county = c.county AND s.cycle = c.cycle AND s.step = 'roster'
                          AND s.opens_at <= now()) AS rosters_opened,
                       (SELECT min(frozen_at) FROM spot_check_draws d WHERE d.county = c.county AND d.cycle = c.cycle) AS frozen,
                       (SELECT opens_at FROM cycle_steps s WHERE s.county = c.county AND s.cycle = c.cycle AND s.step = 'assessment'
                          AND s.opens_at <= now()) AS assessments_opened
                FROM cycles c WHERE c.county = \(county) AND c.cycle = \(cycle)
                \(unescaped: lock ? "FOR UPDATE OF c" : "")
                """
            ).first,
            let current = try await version(on: connection, cycle: ref)
        else { return nil }
        var locked: [CyclePolicy.Part: String] = [:]
        if try row.decode(String?.self, column: "grading") != nil {
            locked[.grading] = "已拟定考核等次,单位等次部分不能再改"
        }
        if let opened = try row.decode(Date?.self, column: "rosters_opened") {
            locked[.roster] = "工作人员名册已于\(Self.day(opened))开始报送,名额部分不能再改"
        }
        if let opened = try row.decode(Date?.self, column: "assessments_opened") {
            locked[.weighting] = "专考委评分已于\(Self.day(opened))开始,考核指标和权重不能再改"
        }
        if let frozen = try row.decode(Date?.self, column: "frozen") {
            locked[.spotCheck] = "抽样总体已于\(Self.day(frozen))冻结,抽查部分不能再改"
        }
        return Current(current: current, locked: locked, scheme: try row.decode(String.self, column: "scheme"))
    }

    /// `2026年11月3日`, in Asia/Shanghai.
    static func day(_ instant: Date) -> String {
        let parts = ShanghaiTime.format(instant).prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return String(ShanghaiTime.format(instant).prefix(10)) }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    // MARK: Changing

    /// Saves `policy` as the cycle's next version (office only; the caller checks access). Refused
    /// when a bound is crossed (422, the first bound's field and rule, every bound in the detail),
    /// when a changed part is locked (409 `policy.after-proposal` / `policy.after-rosters-open` /
    /// `policy.after-freeze`), when `expectedVersion` is given and another version was saved
    /// meanwhile (409 `policy.version`), and when nothing changed (409 `policy.unchanged`).
    public func put(
        cycle ref: CycleRef,
        policy given: CyclePolicy,
        reason: String,
        expectedVersion: Int? = nil,
        actor: String,
        account: String
    ) async throws -> Version {
        try await change(cycle: ref, reason: reason, expectedVersion: expectedVersion, actor: actor, account: account) { _ in given }
    }

    /// 专考委细化权重: sets (or, with nil, clears) one committee's indicator maxima in the policy in
    /// force, as a new version under the same bounds and lock as `put` (`policy.weights`,
    /// `policy.after-assessments-open`); the caller checks that the account is the office or that
    /// committee's. Made inside the version's transaction, so a change saved meanwhile by anyone is
    /// kept, not overwritten.
    public func putCommitteeWeighting(
        cycle ref: CycleRef,
        committee: String,
        weighting: SchemeWeighting?,
        reason: String,
        expectedVersion: Int? = nil,
        actor: String,
        account: String
    ) async throws -> Version {
        try await change(cycle: ref, reason: reason, expectedVersion: expectedVersion, actor: actor, account: account) { current in
            var policy = current
            var all = policy.committeeWeightings ?? [:]
            all[committee] = weighting
            policy.committeeWeightings = all.isEmpty ? nil : all
            return policy
        }
    }

    /// Saves the policy `make` makes of the one in force (read under the cycle's lock) as the next
    /// version: the refusals of `put`.
    func change(
        cycle ref: CycleRef,
        reason: String,
        expectedVersion: Int?,
        actor: String,
        account: String,
        make: @Sendable @escaping (CyclePolicy) throws -> CyclePolicy
    ) async throws -> Version {
        guard reason.count <= 500 else {
            throw CycleError(.invalid, "修改理由最多500字 / the reason is limited to 500 characters", field: "/reason", rule: "policy.reason")
        }
        return try await client.withTransaction { connection in
            guard let state = try await Self.current(on: connection, cycle: ref, lock: true) else {
                throw CycleError(.notFound, "考核周期“\(ref.cycle)”不存在 / cycle not found", rule: "cycle.exists")
            }
            var policy = try make(state.current.policy)
            // The scheme scored against: the county's own when the policy has one; otherwise the
            // cycle's (set with the cycle), or — the county's own just taken away — the built-in
            // one the policy names (its bound checks it).
            if let own = policy.scheme {
                policy.defaultScheme = own.id
            } else if SchemeLoader.builtInIds.contains(state.scheme) {
                policy.defaultScheme = state.scheme
            } else if !SchemeLoader.builtInIds.contains(policy.defaultScheme) {
                policy.defaultScheme = (try? PolicyLoader.cyclePreset(policy.id).defaultScheme) ?? policy.defaultScheme
            }
            policy.defaultRosterPolicy = policy.roster.id
            try Self.requireWithinBounds(policy)
            if let expectedVersion, expectedVersion != state.current.version {
                throw CycleError(
                    .conflict,
                    "考核政策已被修改为第\(state.current.version)版(您修改的是第\(expectedVersion)版),请刷新后再改 / another version was saved meanwhile",
                    field: "/version",
                    rule: "policy.version"
                )
            }
            let changed = state.current.policy.changedParts(to: policy)
            for part in changed {
                if let why = state.locked[part] {
                    throw CycleError(
                        .conflict,
                        why + " / \(part.rawValue) is locked",
                        field: "/\(part.rawValue)",
                        rule: Self.lockRule(part)
                    )
                }
            }
            if changed.isEmpty && policy.id == state.current.policy.id && state.current.version > 0 {
                throw CycleError(.conflict, "考核政策没有变化 / nothing changed", rule: "policy.unchanged")
            }
            return try await Self.insert(
                on: connection,
                cycle: ref,
                policy: policy,
                version: state.current.version + 1,
                reason: reason,
                changed: changed,
                actor: actor,
                account: account
            )
        }
    }

    /// The rule of a locked part.
    static func lockRule(_ part: CyclePolicy.Part) -> RuleID {
        switch part {
        case .grading: "policy.after-proposal"
        case .roster: "policy.after-rosters-open"
        case .spotCheck: "policy.after-freeze"
        case .weighting: "policy.after-assessments-open"
        }
    }

    /// Refuses a policy that crosses a bound of the documents (PolicyBounds), naming the first
    /// bound's field and rule and listing every one.
    static func requireWithinBounds(_ policy: CyclePolicy) throws {
        let issues = PolicyBounds.issues(policy)
        guard let first = issues.first else { return }
        let detail = issues.count == 1 ? first.message : issues.map(\.message).joined(separator: ";")
        throw CycleError(
            .invalid,
            detail,
            field: "/" + first.field.replacingOccurrences(of: ".", with: "/"),
            rule: first.rule
        )
    }

    /// Writes version `version` with its audit entry (in the caller's transaction); without
    /// `audit` the caller's own entry names it (a cycle created from a preset: `cycle.create`).
    static func insert(
        on connection: PostgresConnection,
        cycle ref: CycleRef,
        policy: CyclePolicy,
        version: Int,
        reason: String,
        changed: [CyclePolicy.Part],
        actor: String,
        account: String,
        audit: Bool = true
    ) async throws -> Version {
        let (county, cycle) = (ref.county, ref.cycle)
        let json = String(decoding: RulesJSON.encode(policy), as: UTF8.self)
        let row = try await connection.query(
            """
            INSERT INTO cycle_policies (county, cycle, version, preset, document, reason, set_by)
            VALUES (\(county), \(cycle), \(version), \(policy.id), \(json)::jsonb, \(reason), \(account))
            RETURNING set_at
            """
        ).one()
        if changed.contains(.roster) {
            try await connection.execute(
                "UPDATE cycles SET policy = \(policy.roster.id), updated_at = now() WHERE county = \(county) AND cycle = \(cycle)"
            )
        }
        // The cycle names the scheme its units are scored against (the county's own included).
        try await connection.execute(
            """
            UPDATE cycles SET scheme = \(policy.defaultScheme), updated_at = now()
            WHERE county = \(county) AND cycle = \(cycle) AND scheme <> \(policy.defaultScheme)
            """
        )
        guard audit else {
            return Version(
                policy: policy,
                version: version,
                setBy: account,
                setAt: try row.decode(Date.self, column: "set_at"),
                reason: reason
            )
        }
        try await FilingAudit.record(
            on: connection,
            county: county,
            actor: actor,
            action: .cyclePolicy,
            object: "cycles/\(cycle)/policy",
            details: [
                "version": String(version),
                "preset": policy.id,
                "roster": policy.roster.id,
                "changed": changed.map(\.rawValue).joined(separator: ","),
                "reason": reason,
                "sha256": digest(policy),
            ]
        )
        return Version(policy: policy, version: version, setBy: account, setAt: try row.decode(Date.self, column: "set_at"), reason: reason)
    }

    /// The SHA-256 of the policy's JSON as stored, for the audit entry.
    static func digest(_ policy: CyclePolicy) -> String { Hex.sha256(RulesJSON.encode(policy)) }

    // MARK: Decoding

    private static let decoded = Mutex<[String: CyclePolicy]>([:])

    /// A column for statements over `cycles c`: the cycle's latest policy version as its stamp
    /// (`PolicyStamp`; NULL: none stored).
    static let versionColumn = """
        (SELECT p.version::text || '@' || extract(epoch FROM p.set_at)::text FROM cycle_policies p
         WHERE p.county = c.county AND p.cycle = c.cycle ORDER BY p.version DESC LIMIT 1)
        """

    /// What the decoded policies are kept under: county, cycle, version and the instant it was set
    /// (`3@1796169600.123456`), so that two databases one process opens (tests, benchmarks) never
    /// share an entry for the same county, cycle and version.
    static func cacheKey(_ ref: CycleRef, stamp: String) -> String { "\(ref.county)/\(ref.cycle)/\(stamp)" }

    /// The policy of the version `stamp` names (`versionColumn`; nil: the built-in default with the
    /// cycle's roster policy and scheme), decoded once per process.
    static func resolve(
        ref: CycleRef,
        stamp: String?,
        roster: String,
        scheme: String,
        connection: PostgresConnection
    ) async throws -> CyclePolicy {
        try await resolve(ref: ref, stamp: stamp, roster: roster, scheme: scheme) { query in try await connection.query(query) }
    }

    /// As `resolve(…connection:)`, on a pooled connection.
    static func resolve(ref: CycleRef, stamp: String?, roster: String, scheme: String, client: PostgresClient) async throws -> CyclePolicy {
        try await resolve(ref: ref, stamp: stamp, roster: roster, scheme: scheme) { query in try await client.query(query) }
    }

    private static func resolve(
        ref: CycleRef,
        stamp: String?,
        roster: String,
        scheme: String,
        fetch: (PostgresQuery) async throws -> PostgresRows
    ) async throws -> CyclePolicy {
        guard let stamp, let version = Int(stamp.prefix { $0 != "@" }) else { return try builtInDefault(roster: roster, scheme: scheme) }
        let key = cacheKey(ref, stamp: stamp)
        if let cached = decoded.withLock({ $0[key] }) { return cached }
        let (county, cycle) = (ref.county, ref.cycle)
        let document = try await fetch(
            "SELECT document::text AS document FROM cycle_policies WHERE county = \(county) AND cycle = \(cycle) AND version = \(version)"
        ).one().decode(String.self, column: "document")
        let policy = try decode(document, ref: ref, version: version)
        decoded.withLock { $0[key] = policy }
        return policy
    }

    /// The built-in default preset with the cycle's roster policy and scheme (a cycle with no
    /// stored policy).
    static func builtInDefault(roster: String, scheme: String) throws -> CyclePolicy {
        var policy = try builtInDefault()
        do { policy.roster = try BuiltInPolicies.rosterPolicy(roster) } catch {
            throw CycleError(.invalid, "名册政策无法读取 / roster policy unreadable: \(error)")
        }
        policy.defaultRosterPolicy = roster
        policy.defaultScheme = scheme
        return policy
    }

    static func builtInDefault() throws -> CyclePolicy {
        do { return try BuiltInPolicies.defaultCyclePolicy() } catch {
            throw CycleError(.invalid, "内置考核政策无法读取 / built-in cycle policy unreadable: \(error)")
        }
    }

    static func decode(_ document: String, ref: CycleRef, version: Int) throws -> CyclePolicy {
        do {
            return try RulesJSON.decode(CyclePolicy.self, from: Data(document.utf8), name: "cycles/\(ref.cycle)/policy v\(version)")
        } catch {
            throw StoreError(
                .invalidValue,
                "stored policy of cycle \(ref.cycle) (version \(version)) is unreadable: \(error)",
                field: "document"
            )
        }
    }
}
