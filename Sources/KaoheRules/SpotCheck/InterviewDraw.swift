/// 个别谈话 (篇十(三)1: 采取个别谈话……随机抽取3至7名干部职工): the staff interviewed in a unit's on-site
/// assessment, drawn so that anyone can recompute it (SPEC "Interviews and staff evaluation").
///
/// - The pool is the unit's latest roster's participants P (staff who receive a grade, leaders
///   included: they are interviewed, though outside the quota).
/// - n = min(7, max(3, ⌈P / 10⌉)), or all of them when P < 3.
/// - Groups: 领导班子成员 (主要负责人 and 领导班子成员), 中层干部 (中层 and 科级), 一般工作人员; each group
///   that has people gets at least one interviewee.
/// - Tickets by the spot check's sampler (`ConsistentSampler`, the public `consistent_sampler`):
///   seed the draw's seed `S` for the committee's set, `S + "recheck"` for the reviewers' second,
///   independent set; a person's id is `<unit code>/<staff number>` (the roster's key for a person
///   until a person key across cycles exists).
/// - First, per group in the order above, the group's lowest ticket; then the lowest remaining
///   tickets up to n. The list is in ticket order.
public enum InterviewDraw {
    /// Whose set: the assessing committee's, or the reviewers' of a sampled unit.
    public enum Set: String, Sendable, Hashable, Codable, CaseIterable {
        /// 专考委现场考核.
        case committee
        /// 抽查核验 (the second, independent set).
        case recheck

        /// The seed of the set, from the draw's seed.
        public func seed(drawSeed: String) -> String { self == .committee ? drawSeed : drawSeed + "recheck" }
    }

    /// The interview groups (SPEC: 领导班子成员、中层干部、一般工作人员).
    public enum Group: String, Sendable, Hashable, Codable, CaseIterable {
        case leadership, middle, general

        /// The group of a level.
        public init(_ level: StaffLevel) {
            switch level {
            case .principal, .leader: self = .leadership
            case .section, .middle: self = .middle
            case .general: self = .general
            }
        }

        /// The Chinese name.
        public var chinese: String {
            switch self {
            case .leadership: "领导班子成员"
            case .middle: "中层干部"
            case .general: "一般工作人员"
            }
        }
    }

    /// One interviewee.
    public struct Interviewee: Sendable, Hashable, Codable {
        /// 工号.
        public var staffNo: String
        /// The group drawn from.
        public var group: Group
        /// The id the ticket is of (`<unit code>/<staff number>`).
        public var id: String
        /// The ticket.
        public var ticket: SamplingTicket
    }

    /// How many to interview among `participants`.
    public static func size(participants: Int) -> Int {
        participants < 3 ? participants : Swift.min(7, Swift.max(3, (participants + 9) / 10))
    }

    /// The interviewees of `unit` among `staff` (its latest roster), for `set` of the draw `drawSeed`.
    public static func draw(staff: [StaffRecord], unit: UnitCode, drawSeed: String, set: Set) -> [Interviewee] {
        let sampler = ConsistentSampler(seed: set.seed(drawSeed: drawSeed))
        let pool = staff.filter(\.grade.isGraded).map { record in
            let id = "\(unit.rawValue)/\(record.staffNo)"
            return Interviewee(staffNo: record.staffNo, group: Group(record.level), id: id, ticket: sampler.ticket(for: id))
        }.sorted { $0.ticket != $1.ticket ? $0.ticket < $1.ticket : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        let n = size(participants: pool.count)
        var chosen: [Interviewee] = []
        for group in Group.allCases {
            if let first = pool.first(where: { $0.group == group }), chosen.count < n { chosen.append(first) }
        }
        for person in pool where chosen.count < n && !chosen.contains(where: { $0.id == person.id }) {
            chosen.append(person)
        }
        return chosen.sorted { $0.ticket != $1.ticket ? $0.ticket < $1.ticket : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }
}
