/// 名册审核: checks a unit's staff roster against its excellent quota, the policy's tier limits and
/// categories, and every staff member's grade bounds. 领导班子成员 and 主要负责人 are assessed by the
/// supervising department: their grade bounds are checked, but they are outside the quota.
public struct RosterCheck: Sendable {
    /// The policy (validated).
    public var policy: RosterPolicy

    /// Creates a check.
    public init(policy: RosterPolicy) {
        self.policy = policy
    }

    /// Checks a roster; `gradeIsFinal` false makes the quota provisional.
    public func check(_ staff: [StaffRecord], unitGrade: UnitGrade, gradeIsFinal: Bool, award: Bool) -> RosterReport {
        report(lines(staff), unitGrade: unitGrade, gradeIsFinal: gradeIsFinal, award: award)
    }

    /// What the lines alone show, whatever the unit's grade: each line's grade bounds and repeated
    /// staff numbers, in roster order, and how many staff hold each grade at each level.
    public func lines(_ staff: [StaffRecord]) -> RosterLineFindings {
        var violations: [RosterViolation] = []
        var counts = StaffCounts()
        for index in staff.indices {
            counts.add(staff[index])
            GradeBound.check(staff[index], policy.bounds, into: &violations)
        }
        for index in Self.duplicateIndices(staff) {
            violations.append(
                RosterViolation(
                    staffNo: staff[index].staffNo,
                    rule: .duplicateStaffNo,
                    message: "工号“\(staff[index].staffNo)”在名册中重复 / duplicate staff number"
                )
            )
        }
        return RosterLineFindings(counts: counts, violations: violations)
    }

    /// The levels counted in the unit's staff quota: all but 领导班子成员 and 主要负责人, whom the
    /// supervising department assesses.
    public static let quotaLevels = StaffLevel.allCases.filter { !$0.isLeadership }
    static let leadershipLevels = StaffLevel.allCases.filter(\.isLeadership)

    /// The report of lines with `findings` under the unit's grade: the findings' violations, then
    /// the 优秀 quota's, the tier limits' and the categories' (the rules in
    /// `RosterLineFindings.unitRules`). Leaders count in none of them.
    public func report(_ findings: RosterLineFindings, unitGrade: UnitGrade, gradeIsFinal: Bool, award: Bool) -> RosterReport {
        var violations = findings.violations
        let counts = findings.counts
        let levels = Self.quotaLevels
        let participants = counts.participants(levels: levels)
        let quota = ExcellentQuota(
            unitGrade: unitGrade,
            gradeIsFinal: gradeIsFinal,
            award: award,
            participants: participants,
            policy: policy
        )
        let excellent = counts.count(levels: levels, grades: [.excellent])
        let excess = Swift.max(0, excellent - quota.limit)
        if excess > 0 {
            violations.append(
                RosterViolation(
                    staffNo: nil,
                    rule: .excellentQuota,
                    message: "评定优秀\(excellent)人,超过\(quota.limitSummary),须减少\(excess)人"
                )
            )
        }
        for limit in policy.tierLimits {
            Self.apply(limit, count: counts.count(levels: levels, grades: limit.grades), of: participants, pool: "", into: &violations)
        }
        for category in policy.categoryLimits ?? [] {
            let pool = counts.participants(levels: category.levels)
            for limit in category.limits {
                let count = counts.count(levels: category.levels, grades: limit.grades)
                Self.apply(limit, count: count, of: pool, pool: category.name, into: &violations)
            }
        }
        return RosterReport(
            participants: participants,
            quota: quota,
            excellent: excellent,
            mustGiveUp: excess,
            violations: violations,
            leaders: counts.count(levels: Self.leadershipLevels, grades: StaffGrade.allCases)
        )
    }

    /// The violation of `limit` by `count` of `participants`: a tier's over the unit's pool (`pool`
    /// empty), or a category's (`pool` its name).
    static func apply(_ limit: TierLimit, count: Int, of participants: Int, pool: String, into violations: inout [RosterViolation]) {
        if let max = limit.maxPercent, count > max.atMost(of: participants) {
            violations.append(
                RosterViolation(
                    staffNo: nil,
                    rule: pool.isEmpty ? .tierCap : .categoryCap,
                    message: "\(pool)\(limit.name)\(count)人,超过\(max)×\(participants)=\(max.atMost(of: participants))人的上限"
                )
            )
        }
        if let min = limit.minPercent, count < min.atLeast(of: participants) {
            violations.append(
                RosterViolation(
                    staffNo: nil,
                    rule: pool.isEmpty ? .tierFloor : .categoryFloor,
                    message: "\(pool)\(limit.name)\(count)人,低于\(min)×\(participants)=\(min.atLeast(of: participants))人的下限"
                )
            )
        }
    }
}

extension RosterCheck {
    /// Indices of staff whose number already appeared earlier in the roster, in roster order.
    ///
    /// A roster-sized sort of 64-bit FNV-1a keys: cheaper than hashing every number into a Set
    /// with the seeded SipHash, which matters for a province of 1.5 million staff. Equal keys are
    /// confirmed by comparing the numbers themselves.
    static func duplicateIndices(_ staff: [StaffRecord]) -> [Int] {
        guard staff.count > 1 else { return [] }
        var keys = [(key: UInt64, index: Int)]()
        keys.reserveCapacity(staff.count)
        for index in staff.indices {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in staff[index].staffNo.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            keys.append((hash, index))
        }
        keys.sort { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        var duplicates: [Int] = []
        var groupStart = 0
        for position in 1..<keys.count {
            if keys[position].key != keys[groupStart].key {
                groupStart = position
                continue
            }
            let number = staff[keys[position].index].staffNo
            if keys[groupStart..<position].contains(where: { staff[$0.index].staffNo == number }) {
                duplicates.append(keys[position].index)
            }
        }
        return duplicates.sorted()
    }
}

/// What a roster's lines show on their own (`RosterCheck.lines`): it changes only with the lines, so
/// a unit whose grade moves is re-checked from these and its counts without reading its lines again.
public struct RosterLineFindings: Sendable, Hashable {
    /// Staff holding each grade at each level.
    public var counts: StaffCounts
    /// The lines' violations (grade bounds, repeated staff numbers), in roster order.
    public var violations: [RosterViolation]

    /// The counts by grade, whatever the level (grades no line holds left out).
    public var gradeCounts: [StaffGrade: Int] { counts.byGrade }

    /// The rules a report adds from the unit's grade and the counts; every other rule is a line's.
    public static let unitRules: Set<RosterRule> = [.excellentQuota, .tierCap, .tierFloor, .categoryCap, .categoryFloor]

    /// Findings with these counts and line violations.
    public init(counts: StaffCounts, violations: [RosterViolation]) {
        self.counts = counts
        self.violations = violations
    }

    /// The findings behind `report` (made by `RosterCheck.report`), given the counts of the same
    /// lines (a report keeps only the 优秀 and participant counts).
    public init(of report: RosterReport, counts: StaffCounts) {
        self.counts = counts
        self.violations = report.violations.filter { !Self.unitRules.contains($0.rule) }
    }
}

/// The outcome of a roster check.
public struct RosterReport: Sendable, Hashable, Codable {
    /// P: staff who receive a grade.
    public var participants: Int
    /// The excellent quota.
    public var quota: ExcellentQuota
    /// How many staff are proposed 优秀.
    public var excellent: Int
    /// How many 优秀 the unit must give up to meet its quota (0 when within).
    public var mustGiveUp: Int
    /// Every violation; empty means the roster can be confirmed.
    public var violations: [RosterViolation]
    /// 领导班子成员 and 主要负责人 on the roster, outside the quota (nil in reports made before
    /// levels were read).
    public var leaders: Int?

    /// A report with these figures.
    public init(
        participants: Int,
        quota: ExcellentQuota,
        excellent: Int,
        mustGiveUp: Int,
        violations: [RosterViolation],
        leaders: Int? = nil
    ) {
        self.participants = participants
        self.quota = quota
        self.excellent = excellent
        self.mustGiveUp = mustGiveUp
        self.violations = violations
        self.leaders = leaders
    }
}

extension StaffGrade {
    /// Position in `allCases`, for counting without hashing.
    var index: Int {
        switch self {
        case .excellent: 0
        case .good: 1
        case .competent: 2
        case .basic: 3
        case .incompetent: 4
        case .undetermined: 5
        case .excluded: 6
        }
    }
}
