public import KaoheRules

/// 角色: what an account may do. Scopes (SPEC.md "Who uses it"): the office sees its whole county,
/// a committee its units, a unit itself, a reviewer the units assigned to it, an auditor reads all.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// 县事考办: runs the cycle for the whole county.
    case office
    /// 专考委: scores the units it is responsible for.
    case committee
    /// 事业单位: files its own self-assessment and staff roster.
    case unit
    /// 核验人员: re-evaluates the sampled units assigned to it.
    case reviewer
    /// 纪检/监督: reads everything in the county, changes nothing.
    case auditor
}

/// Who is asking: an authenticated account of one county.
public struct Principal: Sendable, Hashable {
    /// The county the account belongs to; it sees nothing of any other.
    public var county: CountyCode
    /// The account id.
    public var account: String
    /// Its role.
    public var role: Role
    /// For a committee account: which committee.
    public var committee: String?
    /// For a unit account: which unit (unified social credit code).
    public var unitCode: UnitCode?
    /// For a reviewer account: which reviewer of the register.
    public var reviewer: String?
    /// For a reviewer account: the units it is assigned to in the current spot-check draws
    /// (`reviewer_assignments`), read when the token is checked. Empty for every other role.
    public var assignedUnits: Set<UnitCode>

    /// Makes a principal.
    public init(
        county: CountyCode,
        account: String,
        role: Role,
        committee: String? = nil,
        unitCode: UnitCode? = nil,
        reviewer: String? = nil,
        assignedUnits: Set<UnitCode> = []
    ) {
        self.county = county
        self.account = account
        self.role = role
        self.committee = committee
        self.unitCode = unitCode
        self.reviewer = reviewer
        self.assignedUnits = assignedUnits
    }

    /// The actor string written into audit entries (`county/account`).
    public var actor: String { "\(county)/\(account)" }
}
