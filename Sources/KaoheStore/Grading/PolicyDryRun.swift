public import KaoheRules

/// 试算 (GradingStore.dryRun): every graded unit's grade under the policy in force and under the
/// policy tried, on the filings as they stand.
public struct PolicyDryRun: Sendable, Hashable, Codable {
    /// One unit.
    public struct Unit: Sendable, Hashable, Codable {
        /// The unit.
        public var code: UnitCode
        /// Its committee.
        public var committee: String
        /// The total that counts (the committee's, or the re-check's under the tried override).
        public var total: Score
        /// The grade under the policy in force (nil when it is graded only under the tried one).
        public var inForce: UnitGrade?
        /// The grade under the policy tried.
        public var tried: UnitGrade
    }

    /// The version of the policy in force (0: the built-in default).
    public var policyVersion: Int
    /// Every graded unit, by code.
    public var units: [Unit]
    /// Ties to decide under the policy in force.
    public var conflictsInForce: Int
    /// Ties to decide under the policy tried.
    public var conflictsTried: Int
    /// Units without an assessment that counts.
    public var ungraded: [UnitCode]
    /// The documents' bounds the tried policy crosses (it could not be saved as it is).
    public var bounds: [FieldIssue]

    /// The units whose grade differs.
    public var changed: [Unit] { units.filter { $0.inForce != $0.tried } }

    /// Grade → count under the policy in force and under the one tried.
    public var distribution: (inForce: [UnitGrade: Int], tried: [UnitGrade: Int]) {
        var before: [UnitGrade: Int] = [:]
        var after: [UnitGrade: Int] = [:]
        for unit in units {
            if let grade = unit.inForce { before[grade, default: 0] += 1 }
            after[unit.tried, default: 0] += 1
        }
        return (before, after)
    }
}
