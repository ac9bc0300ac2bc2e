/// 双随机·选派核验人员: reviewers are drawn at random for each sampled unit, never one of the
/// unit's own committee or supervising department (回避), verifiably.
///
/// Seed derivation (documented so anyone can recompute it with `consistent_sampler`): for the
/// sampled unit with code `C`, drawn with seed `S`, the reviewer seed is the text
/// `S + "/reviewers/" + C`; each reviewer id `R` gets the ticket `"0." + reverse(D(H(H(seed) + R)))`
/// exactly as units do. Units are served in the draw's order (strata by name, ticket order);
/// each gets the first `perUnit` eligible reviewers in ascending ticket order that are not yet at
/// `maxUnitsPerReviewer`.
public enum ReviewerDraw {
    /// The reviewer seed for one sampled unit.
    public static func derivedSeed(drawSeed: String, unitCode: UnitCode) -> String {
        drawSeed + "/reviewers/" + unitCode.rawValue
    }

    /// Assigns reviewers to the sampled units.
    public static func assign(
        reviewers: [Reviewer],
        units: [ReviewedUnit],
        seed: DrawSeed,
        perUnit: Int,
        maxUnitsPerReviewer: Int? = nil
    ) -> [ReviewerAssignment] {
        var load: [String: Int] = [:]
        return units.map { unit in
            let sampler = ConsistentSampler(seed: derivedSeed(drawSeed: seed.text, unitCode: unit.code))
            let eligible = reviewers.filter { $0.isEligible(for: unit) }
            var chosen: [DrawnReviewer] = []
            for (id, ticket) in sampler.order(eligible.map(\.id)) where chosen.count < perUnit {
                if let cap = maxUnitsPerReviewer, load[id, default: 0] >= cap { continue }
                load[id, default: 0] += 1
                chosen.append(DrawnReviewer(id: id, ticket: ticket))
            }
            return ReviewerAssignment(unitCode: unit.code, reviewers: chosen, shortfall: perUnit - chosen.count)
        }
    }
}

/// 核验人员: a reviewer in the register.
public struct Reviewer: Sendable, Hashable, Codable {
    /// Register id.
    public var id: String
    /// The committee the reviewer belongs to, if any.
    public var committee: String?
    /// The department the reviewer works in, if any.
    public var department: String?

    /// Creates a reviewer.
    public init(id: String, committee: String? = nil, department: String? = nil) {
        self.id = id
        self.committee = committee
        self.department = department
    }

    /// 回避: not of the unit's committee nor of its supervising department.
    public func isEligible(for unit: ReviewedUnit) -> Bool {
        if let committee, committee == unit.committee { return false }
        if let department, let unitDepartment = unit.department, department == unitDepartment { return false }
        return true
    }
}

/// A sampled unit needing reviewers.
public struct ReviewedUnit: Sendable, Hashable, Codable {
    /// The unit's code.
    public var code: UnitCode
    /// Its committee.
    public var committee: String
    /// Its supervising department (主管部门).
    public var department: String?

    /// Creates a unit.
    public init(code: UnitCode, committee: String, department: String?) {
        self.code = code
        self.committee = committee
        self.department = department
    }
}

/// A reviewer drawn for a unit, with the ticket that chose them.
public struct DrawnReviewer: Sendable, Hashable, Codable {
    /// Register id.
    public var id: String
    /// The ticket under the unit's derived seed.
    public var ticket: SamplingTicket
}

/// The reviewers drawn for one unit.
public struct ReviewerAssignment: Sendable, Hashable, Codable {
    /// The unit's code.
    public var unitCode: UnitCode
    /// Reviewers in ticket order.
    public var reviewers: [DrawnReviewer]
    /// How many more were needed than were eligible (0 when fully staffed).
    public var shortfall: Int
}
