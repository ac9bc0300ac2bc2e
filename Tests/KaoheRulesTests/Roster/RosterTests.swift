import Foundation
import KaoheRules
import Testing

@Suite("工作人员名册: quota and grade bounds")
struct RosterTests {
    private func policy(_ id: String = "tied-2023") throws -> RosterPolicy { try PolicyLoader.rosterPolicy(id) }

    private func competent(_ count: Int, from start: Int = 1) -> [StaffRecord] {
        (start..<(start + count)).map { StaffRecord(staffNo: "S\($0)", score: Score(points: 80), grade: .competent) }
    }

    @Test("tied-2023: 15 % of 20 is 3 for a 合格 unit; 20 %, 25 %, 0 %; the award adds 5 above 0")
    func quotaTied() throws {
        let policy = try policy()
        func limit(_ grade: UnitGrade, award: Bool = false, participants: Int = 20) -> Int {
            ExcellentQuota(unitGrade: grade, gradeIsFinal: true, award: award, participants: participants, policy: policy).limit
        }
        #expect(limit(.qualified) == 3)
        #expect(limit(.good) == 4)
        #expect(limit(.excellent) == 5)
        #expect(limit(.poor) == 0)
        #expect(limit(.poor, award: true) == 0)
        #expect(limit(.good, award: true) == 5)
        #expect(limit(.good, participants: 14) == 2)  // ⌊2.8⌋
    }

    @Test("shanxi-2013 and national-2023 presets")
    func presets() throws {
        let shanxi = try policy("shanxi-2013")
        #expect(shanxi.excellentPercent(unitGrade: .good, award: false).value == 15)
        #expect(shanxi.excellentPercent(unitGrade: .good, award: true).value == 20)
        let national = try policy("national-2023")
        #expect(national.excellentPercent(unitGrade: .good, award: false).value == 20)
        #expect(national.excellentPercent(unitGrade: .excellent, award: false).value == 25)
        #expect(throws: SchemeLoadError.self) { try PolicyLoader.rosterPolicy("beijing-1990") }
    }

    @Test("participants exclude 不定等次 and 不参加; the quota is provisional until the grade is final")
    func participants() throws {
        var staff = competent(18)
        staff.append(StaffRecord(staffNo: "U1", grade: .undetermined, underInvestigation: true))
        staff.append(StaffRecord(staffNo: "X1", grade: .excluded, leaveMonths: 7))
        let report = RosterCheck(policy: try policy()).check(staff, unitGrade: .good, gradeIsFinal: false, award: false)
        #expect(report.participants == 18)
        #expect(report.quota.limit == 3)
        #expect(report.quota.provisional)
        #expect(report.quota.summary.contains("暂定"))
        #expect(report.violations.isEmpty)
    }

    @Test("too many 优秀: the unit sees how many it must give up")
    func overQuota() throws {
        var staff = competent(15, from: 6)
        staff += (1...5).map { StaffRecord(staffNo: "E\($0)", score: Score(points: 95), grade: .excellent) }
        let report = RosterCheck(policy: try policy()).check(staff, unitGrade: .qualified, gradeIsFinal: true, award: false)
        #expect(report.quota.limit == 3)
        #expect(report.mustGiveUp == 2)
        #expect(report.violations.map(\.rule) == [.excellentQuota])
        #expect(report.violations[0].staffNo == nil)
        #expect(report.violations[0].message.contains("须减少2人"))
    }

    @Test("every grade bound, reported by staff number and rule")
    func bounds() throws {
        let staff = [
            StaffRecord(staffNo: "A", score: Score(points: 95), grade: .excellent, sanction: .warning),
            StaffRecord(staffNo: "B", score: Score(points: 85), grade: .competent, sanction: .demerit),
            StaffRecord(staffNo: "C", score: Score(points: 85), grade: .basic, sanction: .demotion),
            StaffRecord(staffNo: "D", score: Score(points: 85), grade: .competent, underInvestigation: true),
            StaffRecord(staffNo: "E", score: Score(points: 85), grade: .competent, probation: true),
            StaffRecord(staffNo: "F", score: Score(points: 85), grade: .undetermined, leaveMonths: 7),
            StaffRecord(staffNo: "G", grade: .basic, refused: true),
            StaffRecord(staffNo: "H", score: Score(points: 89), grade: .excellent),
            StaffRecord(staffNo: "I", score: score("69.99"), grade: .competent),
            StaffRecord(staffNo: "J", score: score("59.99"), grade: .basic),
            StaffRecord(staffNo: "K", score: Score(points: 85), grade: .competent, quarters: [.good, .incompetent, .incompetent, .good]),
            StaffRecord(staffNo: "L", score: Score(points: 85), grade: .competent, quarters: [.good, .incompetent, .good, .good]),
            StaffRecord(staffNo: "M", score: Score(points: 85), grade: .undetermined),
            StaffRecord(staffNo: "N", score: Score(points: 85), grade: .excluded),
            StaffRecord(staffNo: "O", score: Score(points: 85), grade: .competent, sanction: .dismissal),
            StaffRecord(staffNo: "P", score: Score(points: 85), grade: .competent, unassignedMonths: 7),
            StaffRecord(staffNo: "A", score: Score(points: 80), grade: .competent),
            StaffRecord(staffNo: "Q", score: Score(points: 101), grade: .competent),
        ]
        let report = RosterCheck(policy: try policy()).check(staff, unitGrade: .excellent, gradeIsFinal: true, award: false)
        let found = Set(report.violations.map { "\($0.staffNo ?? "-"):\($0.rule.rawValue)" })
        #expect(
            found == [
                "A:warning-not-excellent", "B:demerit-at-most-basic", "C:demotion-incompetent",
                "D:investigation-undetermined", "E:probation-undetermined", "F:leave-excluded", "G:refused-incompetent",
                "H:score-threshold", "I:score-threshold", "J:score-threshold", "K:quarters-incompetent",
                "L:quarter-at-most-basic", "M:undetermined-needs-reason", "N:excluded-needs-reason",
                "O:demotion-incompetent", "P:unassigned-excluded", "A:duplicate-staff-number", "Q:score-range",
            ]
        )
    }

    @Test("bounds that are met report nothing")
    func boundsMet() throws {
        let staff = [
            StaffRecord(staffNo: "A", score: Score(points: 95), grade: .competent, sanction: .warning),
            StaffRecord(staffNo: "B", score: Score(points: 85), grade: .basic, sanction: .demerit),
            StaffRecord(staffNo: "C", score: Score(points: 85), grade: .incompetent, sanction: .demotion),
            StaffRecord(staffNo: "D", grade: .undetermined, underInvestigation: true, leaveMonths: 6),
            StaffRecord(staffNo: "F", grade: .excluded, underInvestigation: true, leaveMonths: 7),
            StaffRecord(staffNo: "G", grade: .incompetent, refused: true),
            StaffRecord(staffNo: "J", score: score("59.99"), grade: .incompetent),
            StaffRecord(staffNo: "L", score: Score(points: 90), grade: .basic, quarters: [.good, .incompetent]),
        ]
        let report = RosterCheck(policy: try policy()).check(staff, unitGrade: .excellent, gradeIsFinal: true, award: false)
        #expect(report.violations.isEmpty)
    }

    @Test("a custom policy with tier caps and floors, loaded from JSON")
    func tierLimits() throws {
        let json = """
            {"id":"custom","title":"t","source":"s",
             "excellentPercentByUnitGrade":{"excellent":30,"good":30,"qualified":30,"poor":30},"awardBonusPercent":5,
             "tierLimits":[{"name":"优秀与合格","grades":["excellent","competent"],"maxPercent":80},
                           {"name":"不合格","grades":["incompetent"],"minPercent":5}],
             "bounds":{"excellentMinScore":90,"competentMinScore":70,"basicMinScore":60,"leaveMonthsOver":6,
                       "unassignedMonthsOver":6,"incompetentQuartersForIncompetent":2,"incompetentQuartersForBasic":1}}
            """
        let policy = try PolicyLoader.rosterPolicy(from: Data(json.utf8))
        let report = RosterCheck(policy: policy).check(competent(10), unitGrade: .good, gradeIsFinal: true, award: false)
        #expect(Set(report.violations.map(\.rule)) == [.tierCap, .tierFloor])
        #expect(throws: SchemeLoadError.self) {
            try PolicyLoader.rosterPolicy(from: Data(json.replacingOccurrences(of: "\"poor\":30", with: "\"bad\":30").utf8))
        }
    }
}

@Suite("工号重复")
struct DuplicateStaffNumberTests {
    @Test("every repeat after the first is reported, once per repeat, in roster order")
    func duplicates() throws {
        let numbers = ["A", "B", "A", "C", "B", "A", "工号1", "工号1"]
        let staff = numbers.map { StaffRecord(staffNo: $0, score: Score(points: 80), grade: .competent) }
        let report = RosterCheck(policy: try PolicyLoader.rosterPolicy("tied-2023"))
            .check(staff, unitGrade: .good, gradeIsFinal: true, award: false)
        #expect(report.violations.filter { $0.rule == .duplicateStaffNo }.map(\.staffNo) == ["A", "B", "A", "工号1"])
    }
}
