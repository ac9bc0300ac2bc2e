public import KaoheRules

/// The `kaohe-bench rules` workload: a synthetic province (50,000 units in counties of 500, 30
/// staff each: 1,500,000 staff) graded and roster-checked in one run, all in integer and
/// two-decimal fixed-point arithmetic.
public struct RulesBenchmark: Sendable {
    /// Units in the province.
    public var units: Int
    /// Units per county (each county is one cohort).
    public var unitsPerCounty: Int
    /// Staff per unit.
    public var staffPerUnit: Int
    /// Seed of the deterministic generator.
    public var seed: UInt64

    /// The province of the issue: 50,000 units, 500 per county, 30 staff each.
    public init(units: Int = 50_000, unitsPerCounty: Int = 500, staffPerUnit: Int = 30, seed: UInt64 = 2026) {
        self.units = units
        self.unitsPerCounty = unitsPerCounty
        self.staffPerUnit = staffPerUnit
        self.seed = seed
    }

    /// The generated province.
    public struct Province: Sendable {
        /// Per unit: code, committee, county index, score sheet.
        public var filings: [(code: UnitCode, committee: String, county: Int, sheet: UnitScoreSheet)]
        /// Per unit, its roster.
        public var rosters: [[StaffRecord]]
    }

    /// What a run computed (so the work cannot be optimised away, and to print).
    public struct Outcome: Sendable, Hashable {
        /// Units graded.
        public var units: Int
        /// Staff checked.
        public var staff: Int
        /// Units per grade.
        public var distribution: [UnitGrade: Int]
        /// Tie conflicts reported.
        public var conflicts: Int
        /// Roster violations reported.
        public var violations: Int
        /// Σ of every unit's total, exact.
        public var totalOfTotals: Score
    }

    /// Generates the province deterministically.
    public func generate(scheme: IndicatorScheme, roster policy: RosterPolicy) -> Province {
        var random = SeededRandom(seed: seed)
        var filings: [(code: UnitCode, committee: String, county: Int, sheet: UnitScoreSheet)] = []
        filings.reserveCapacity(units)
        var rosters: [[StaffRecord]] = []
        rosters.reserveCapacity(units)
        let ratings: [QualitativeRating] = [.good, .good, .good, .good, .fair, .fair, .poor]
        for index in 0..<units {
            var first17 = "12"
            let digits = String(index)
            first17 += String(repeating: "0", count: 15 - digits.count) + digits
            let code = first17 + String(UnifiedSocialCreditCode.checkSymbol(forFirst17: first17)!)
            var scores: [String: Score] = [:]
            scores.reserveCapacity(scheme.indicators.count)
            for indicator in scheme.indicators {
                // Mostly strong units, spread to the hundredth so ties are rare but possible.
                let low = indicator.max.hundredths * 72 / 100
                scores[indicator.id] = Score(hundredths: low + Int64(random.next() % UInt64(indicator.max.hundredths - low + 1)))
            }
            var qualitative: [String: QualitativeRating] = [:]
            for point in scheme.qualitative { qualitative[point.id] = ratings[Int(random.next() % UInt64(ratings.count))] }
            let sheet = UnitScoreSheet(
                scores: scores,
                qualitative: qualitative,
                additions: random.next() % 4 == 0 ? [ScoreAdjustment(points: Score(hundredths: 150), reason: "市级表彰")] : [],
                deductions: random.next() % 5 == 0 ? [ScoreAdjustment(points: Score(hundredths: 200), reason: "整改不力")] : []
            )
            filings.append((UnitCode(code), "committee-\(index % 15)", index / unitsPerCounty, sheet))

            var roster: [StaffRecord] = []
            roster.reserveCapacity(staffPerUnit)
            for number in 0..<staffPerUnit {
                let score = Score(hundredths: 5_500 + Int64(random.next() % 4_501))
                var record = StaffRecord(staffNo: "S\(number)", score: score, grade: .competent)
                let roll = random.next() % 100
                switch roll {
                case 0: record.sanction = .warning
                case 1:
                    record.underInvestigation = true
                    record.grade = .undetermined
                case 2:
                    record.leaveMonths = 7
                    record.grade = .excluded
                case 3:
                    record.quarters = [.competent, .incompetent, .good, .competent]
                    record.grade = .basic
                default: break
                }
                if record.grade == .competent {
                    record.grade = GradeBound.scoreCeiling(score, policy.bounds)
                }
                roster.append(record)
            }
            rosters.append(roster)
        }
        return Province(filings: filings, rosters: rosters)
    }

    /// Grades every unit per county and checks every roster against its unit's grade.
    public func run(
        _ province: Province,
        scheme: IndicatorScheme,
        grading: GradingPolicy,
        roster: RosterPolicy
    )
        throws -> Outcome
    {
        var distribution: [UnitGrade: Int] = [:]
        var conflicts = 0
        var violations = 0
        var staff = 0
        var totalOfTotals = Score.zero
        let enforcement = CohortEnforcement(policy: grading, scope: .county)
        let check = RosterCheck(policy: roster)
        var start = 0
        while start < province.filings.count {
            let county = province.filings[start].county
            var end = start
            var cohort: [UnitForGrading] = []
            while end < province.filings.count, province.filings[end].county == county {
                let filing = province.filings[end]
                let assessed = try scheme.assess(filing.sheet)
                totalOfTotals += assessed.total
                cohort.append(UnitForGrading(code: filing.code, committee: filing.committee, assessed: assessed))
                end += 1
            }
            let proposal = try enforcement.propose(cohort)
            conflicts += proposal.conflicts.count
            for (offset, unit) in proposal.units.enumerated() {
                distribution[unit.grade, default: 0] += 1
                let roster = province.rosters[start + offset]
                staff += roster.count
                let report = check.check(roster, unitGrade: unit.grade, gradeIsFinal: false, award: offset % 10 == 0)
                violations += report.violations.count
            }
            start = end
        }
        return Outcome(
            units: province.filings.count,
            staff: staff,
            distribution: distribution,
            conflicts: conflicts,
            violations: violations,
            totalOfTotals: totalOfTotals
        )
    }
}
