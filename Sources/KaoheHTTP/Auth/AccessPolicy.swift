public import KaoheRules
public import KaoheStore

/// Who may see and do what: the access rules of SPEC.md "Who uses it" as one pure value, with no
/// I/O, so every controller asks the same questions and gets the same answers.
///
/// The answers are `AccessDecision`s rather than booleans because kaohe answers two kinds of "no"
/// differently:
/// - `.notFound` — the thing lies outside the caller's scope (another county, a unit of another
///   committee): the API answers 404 exactly as for a thing that does not exist, so existence does
///   not leak.
/// - `.forbidden` — the caller can see the thing but its role may never do this to it (a committee
///   uploading the unit register): 403.
///
/// Scopes: the office sees and manages its whole county; an auditor sees the whole county and
/// changes nothing; a committee sees the units it assesses; a unit sees itself; a reviewer sees the
/// units assigned to it in the current spot-check draws (`Principal.assignedUnits`, none before a
/// draw). Nobody sees another county.
public struct AccessPolicy: Sendable, Hashable {
    /// Who is asking.
    public var principal: Principal

    /// The rules for `principal`.
    public init(_ principal: Principal) { self.principal = principal }

    /// Which of a county's units the caller may see.
    public enum UnitScope: Sendable, Hashable {
        /// Every unit of the county (office, auditor).
        case all
        /// The units this committee assesses.
        case committee(String)
        /// Only this unit (by its code).
        case unit(UnitCode)
        /// These units (a reviewer: its spot-check assignments).
        case units(Set<UnitCode>)
        /// None.
        case none
    }

    /// A unit as the rules see it: where it belongs.
    public struct UnitRef: Sendable, Hashable {
        /// The unit's county.
        public var county: CountyCode
        /// The committee that assesses it.
        public var committee: String
        /// Its unified social credit code.
        public var code: UnitCode

        /// Makes a reference.
        public init(county: CountyCode, committee: String, code: UnitCode) {
            self.county = county
            self.committee = committee
            self.code = code
        }

        /// The reference of a stored unit.
        public init(_ unit: UnitRecord) {
            self.init(county: unit.county, committee: unit.committee, code: unit.code)
        }
    }

    // MARK: Reading

    /// Anything under `/counties/{county}`: only the caller's own county exists for it.
    public func county(_ county: CountyCode) -> AccessDecision {
        principal.county == county ? .allowed : .notFound
    }

    /// The units of `county` the caller may see; nil for another county (answer 404).
    public func unitScope(in county: CountyCode) -> UnitScope? {
        guard principal.county == county else { return nil }
        switch principal.role {
        case .office, .auditor: return .all
        case .committee: return principal.committee.map(UnitScope.committee) ?? UnitScope.none
        case .unit: return principal.unitCode.map(UnitScope.unit) ?? UnitScope.none
        case .reviewer: return principal.assignedUnits.isEmpty ? UnitScope.none : .units(principal.assignedUnits)
        }
    }

    /// May the caller see this unit (its record, its filings, its grade)? Outside the scope: 404.
    public func see(unit: UnitRef) -> AccessDecision {
        switch unitScope(in: unit.county) {
        case nil, .none?: return .notFound
        case .all?: return .allowed
        case .committee(let committee)?: return committee == unit.committee ? .allowed : .notFound
        case .unit(let code)?: return code == unit.code ? .allowed : .notFound
        case .units(let codes)?: return codes.contains(unit.code) ? .allowed : .notFound
        }
    }

    /// The reviewer register (核验人员库) of `county`: office and auditor.
    public func seeReviewers(county: CountyCode) -> AccessDecision {
        guard principal.county == county else { return .notFound }
        return [.office, .auditor].contains(principal.role) ? .allowed : .forbidden
    }

    /// County-wide figures and lists (monitoring, cycles, the whole register): office and auditor.
    public func seeCountyWide(county: CountyCode) -> AccessDecision {
        seeReviewers(county: county)
    }

    // MARK: Writing

    /// The office's own actions in `county`: the unit register, committees, departments,
    /// reviewers, accounts, opening and moving cycles, draws, confirming grades, publicity.
    public func actAsOffice(county: CountyCode) -> AccessDecision {
        guard principal.county == county else { return .notFound }
        return principal.role == .office ? .allowed : .forbidden
    }

    /// A unit's own filings (自评报告, staff roster): only that unit's account.
    /// Units outside the caller's scope are 404; a unit the caller can see but may not file for is 403.
    public func fileAsUnit(for unit: UnitRef) -> AccessDecision {
        let visible = see(unit: unit)
        guard visible == .allowed else { return visible }
        return principal.role == .unit && principal.unitCode == unit.code ? .allowed : .forbidden
    }

    /// A committee's indicator weights in a cycle's policy (专考委细化权重, 篇十二): the office, or that
    /// committee's own account; any other account of the county is 403.
    public func weigh(committee: String, county: CountyCode) -> AccessDecision {
        guard principal.county == county else { return .notFound }
        if principal.role == .office { return .allowed }
        return principal.role == .committee && principal.committee == committee ? .allowed : .forbidden
    }

    /// A committee's scored assessment of a unit (专考委考核): only the unit's own committee.
    public func fileAsCommittee(for unit: UnitRef) -> AccessDecision {
        let visible = see(unit: unit)
        guard visible == .allowed else { return visible }
        return principal.role == .committee && principal.committee == unit.committee ? .allowed : .forbidden
    }
}

/// The answer of `AccessPolicy`: go ahead, 403, or 404.
public enum AccessDecision: Sendable, Hashable {
    /// Allowed.
    case allowed
    /// Visible to the caller, but its role may not do this: 403.
    case forbidden
    /// Outside the caller's scope: 404, as if it did not exist.
    case notFound

    /// Throws the problem for a refusal: 404 naming `what`, or 403 with `rule`.
    public func require(_ what: @autoclosure () -> String, rule: RuleID = "access.role") throws(ProblemDetails) {
        switch self {
        case .allowed: return
        case .notFound: throw ProblemDetails.notFound(what())
        case .forbidden:
            throw ProblemDetails.forbidden("Your account's role may not do this to \(what()). 您的账号角色无权执行此操作。", rule: rule)
        }
    }
}
