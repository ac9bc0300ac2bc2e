import KaoheRules
import PropertyBased
import Testing

@Suite("工作人员名册: invariants")
struct RosterPropertyTests {
    /// Facts: (score 0…100, sanction, investigation, probation, leave months, refused, failed quarters 0…4).
    static let staffGen = zip(
        zip(Gen.int(in: 0...100), Gen.int(in: 0...4), Gen.int(in: 0...9), Gen.int(in: 0...9)),
        zip(Gen.int(in: 0...12), Gen.int(in: 0...19), Gen.int(in: 0...4), Gen.int(in: 0...3))
    ).array(of: 0...60)

    @Test("a roster within quota and bounds reports no violation")
    func compliantRosterIsClean() async throws {
        let policy = try PolicyLoader.rosterPolicy("tied-2023")
        let grades = UnitGrade.allCases
        await propertyCheck(count: 200, input: Self.staffGen, Gen.int(in: 0...3), Gen.bool) { raw, gradeIndex, award in
            var staff: [StaffRecord] = raw.enumerated().map { index, facts in
                let ((points, sanction, investigation, probation), (leave, refused, failed, _)) = facts
                var record = StaffRecord(
                    staffNo: "S\(index)",
                    score: Score(points: points),
                    grade: .competent,
                    sanction: Sanction.allCases[sanction],
                    underInvestigation: investigation == 0,
                    probation: probation == 0,
                    leaveMonths: leave,
                    refused: refused == 0,
                    quarters: failed == 0 ? [] : (0..<4).map { $0 < failed - 1 ? .incompetent : .good }
                )
                record.grade = Self.bestAllowed(record, policy.bounds)
                return record
            }
            // Keep within the quota: the lowest-scoring 优秀 step down to 合格 (allowed: their score ≥ 90).
            let participants = staff.count { $0.grade.isGraded }
            let quota = ExcellentQuota(
                unitGrade: grades[gradeIndex],
                gradeIsFinal: true,
                award: award,
                participants: participants,
                policy: policy
            )
            var excellent = staff.indices.filter { staff[$0].grade == .excellent }
            excellent.sort { staff[$0].score! > staff[$1].score! }
            for index in excellent.dropFirst(quota.limit) { staff[index].grade = .competent }

            let report = RosterCheck(policy: policy).check(staff, unitGrade: grades[gradeIndex], gradeIsFinal: true, award: award)
            #expect(report.violations.isEmpty, "\(report.violations)")
            #expect(report.excellent <= report.quota.limit)
        }
    }

    @Test("a report re-derived from a stored report and the grade counts, under another unit grade, equals a full check")
    func regradeFromFindings() async throws {
        var policy = try PolicyLoader.rosterPolicy("tied-2023")
        // Tier limits as 001 has them (不合格 at least 5 %), and a cap, so both rules occur.
        policy.tierLimits = [
            TierLimit(name: "不合格", grades: [.incompetent], minPercent: Percentage(uncheckedValue: 5)),
            TierLimit(name: "优秀和合格", grades: [.excellent, .competent], maxPercent: Percentage(uncheckedValue: 80)),
        ]
        // And a category counted apart (篇五), so leaders, levels and the category rules occur too.
        policy.categoryLimits = [
            CategoryLimit(
                name: "中层干部",
                levels: [.middle, .section],
                limits: [TierLimit(name: "优秀", grades: [.excellent], maxPercent: Percentage(uncheckedValue: 25))]
            )
        ]
        let check = RosterCheck(policy: policy)
        let grades = UnitGrade.allCases
        // Any grades, duplicates included, so line violations, the quota and the tier limits all occur.
        let gen = zip(Gen.int(in: 0...100), Gen.int(in: 0...5), Gen.int(in: 0...3), Gen.int(in: 0...12)).array(of: 0...60)
        await propertyCheck(count: 300, input: gen, zip(Gen.int(in: 0...3), Gen.int(in: 0...3)), zip(Gen.bool, Gen.bool, Gen.bool)) {
            raw,
            moves,
            flags in
            let (from, to) = moves
            let (finalBefore, finalAfter, award) = flags
            let staff = raw.enumerated().map { index, facts in
                let (points, grade, sanction, number) = facts
                return StaffRecord(
                    staffNo: number == 0 ? "S0" : "S\(index)",
                    score: Score(points: points),
                    grade: StaffGrade.allCases[grade % StaffGrade.allCases.count],
                    sanction: Sanction.allCases[sanction],
                    level: StaffLevel.allCases[(index + points) % StaffLevel.allCases.count]
                )
            }
            let stored = check.check(staff, unitGrade: grades[from], gradeIsFinal: finalBefore, award: award)
            // Counted here by key, as the store keeps them, not by `RosterCheck.lines`.
            let counts = StaffCounts(keyed: Dictionary(grouping: staff) { "\($0.level.rawValue).\($0.grade.rawValue)" }.mapValues(\.count))
            let rederived = check.report(
                RosterLineFindings(of: stored, counts: counts),
                unitGrade: grades[to],
                gradeIsFinal: finalAfter,
                award: award
            )
            #expect(rederived == check.check(staff, unitGrade: grades[to], gradeIsFinal: finalAfter, award: award))
        }
    }

    /// The best grade the facts allow, computed independently of ``GradeBound`` from SPEC.md's list.
    static func bestAllowed(_ staff: StaffRecord, _ bounds: StaffBoundThresholds) -> StaffGrade {
        if staff.leaveMonths > 6 { return .excluded }
        if staff.refused { return .incompetent }
        if staff.underInvestigation || staff.probation { return .undetermined }
        var rank = 0
        switch staff.sanction {
        case .none: break
        case .warning: rank = max(rank, 1)
        case .demerit: rank = max(rank, 2)
        case .demotion, .dismissal: rank = 3
        }
        let points = staff.score!.hundredths / 100
        rank = max(rank, points >= 90 ? 0 : points >= 70 ? 1 : points >= 60 ? 2 : 3)
        let failed = staff.quarters.count { $0 == .incompetent }
        if failed >= 2 { rank = 3 } else if failed == 1 { rank = max(rank, 2) }
        return [StaffGrade.excellent, .competent, .basic, .incompetent][rank]
    }
}

@Suite("Roster rules in words")
struct RosterRuleNameTests {
    @Test("every roster rule has a Chinese name a clerk reads, with no English in it, each different")
    func chineseNames() {
        for rule in RosterRule.allCases {
            #expect(!rule.chinese.isEmpty && !rule.chinese.contains { $0.isASCII && $0.isLetter }, "\(rule)")
        }
        #expect(Set(RosterRule.allCases.map(\.chinese)).count == RosterRule.allCases.count)
    }
}
