import Foundation
import KaoheRules
import Testing

@Suite("层级与五档: leaders outside the quota, categories counted apart, 良好 only in five tiers")
struct StaffLevelTests {
    private func policy(_ id: String = "tied-2023") throws -> RosterPolicy { try PolicyLoader.rosterPolicy(id) }

    private func staff(
        _ prefix: String,
        _ count: Int,
        grade: StaffGrade = .competent,
        score: Int = 80,
        level: StaffLevel = .general
    ) -> [StaffRecord] {
        (1...count).map { StaffRecord(staffNo: "\(prefix)\($0)", score: Score(points: score), grade: grade, level: level) }
    }

    @Test("SPEC: 领导班子成员 and 主要负责人 never count in the unit's quota, its P or its 优秀")
    func leadersOutsideQuota() throws {
        // 10 general staff, 2 of them 优秀; a 良好 unit allows 20 % of P. The two leaders are 优秀 too.
        let roster =
            staff("G", 8) + staff("E", 2, grade: .excellent, score: 95)
            + [StaffRecord(staffNo: "L1", score: Score(points: 96), grade: .excellent, level: .principal)]
            + [StaffRecord(staffNo: "L2", score: Score(points: 94), grade: .excellent, level: .leader)]
        let report = RosterCheck(policy: try policy()).check(roster, unitGrade: .good, gradeIsFinal: true, award: false)
        #expect(report.participants == 10)
        #expect(report.quota.limit == 2)  // ⌊20 % × 10⌋
        #expect(report.excellent == 2)
        #expect(report.leaders == 2)
        #expect(report.violations.isEmpty, "\(report.violations)")
        // Counted with the leaders it would be 4 优秀 of 12 against ⌊2.4⌋ = 2: the rule is what keeps it clean.
        let asStaff = roster.map {
            var line = $0
            line.level = .general
            return line
        }
        let counted = RosterCheck(policy: try policy()).check(asStaff, unitGrade: .good, gradeIsFinal: true, award: false)
        #expect(counted.mustGiveUp == 2)
    }

    @Test("a leader's line still answers to the grade bounds (篇十三 第三十八条)")
    func leadersBounded() throws {
        let roster = [StaffRecord(staffNo: "L1", score: Score(points: 95), grade: .excellent, sanction: .warning, level: .leader)]
        let report = RosterCheck(policy: try policy()).check(roster, unitGrade: .excellent, gradeIsFinal: true, award: false)
        #expect(report.violations.map(\.rule) == [.warningNotExcellent])
        #expect(report.participants == 0)
    }

    @Test("篇五 by-level-2014: 科级、中层、一般 each within 25 % 优秀, beside the unit's quota")
    func categoriesCountedApart() throws {
        let policy = try policy("by-level-2014")
        // 中层: 2 优秀 of 4 (⌊25 % × 4⌋ = 1); 一般: 2 of 16 (⌊4⌋); the unit (良好, 20 % of 20 = 4) holds 4.
        let roster =
            staff("M", 2, level: .middle) + staff("ME", 2, grade: .excellent, score: 92, level: .middle)
            + staff("G", 14) + staff("GE", 2, grade: .excellent, score: 93)
        let report = RosterCheck(policy: policy).check(roster, unitGrade: .good, gradeIsFinal: true, award: false)
        #expect(report.quota.limit == 4)
        #expect(report.mustGiveUp == 0)
        #expect(report.violations.map(\.rule) == [.categoryCap])
        #expect(report.violations.first?.message == "中层干部优秀2人,超过25%×4=1人的上限")
        // The same roster under the county default (no categories) is within its quota.
        #expect(RosterCheck(policy: try self.policy()).check(roster, unitGrade: .good, gradeIsFinal: true, award: false).violations.isEmpty)
    }

    @Test("良好 is a violation under four tiers and a grade under five (001: lines 95/85/75/60)")
    func fiveTiers() throws {
        let good = StaffRecord(staffNo: "A", score: Score(points: 88), grade: .good)
        let four = RosterCheck(policy: try policy()).lines([good])
        #expect(four.violations.map(\.rule) == [.goodNotInTiers])

        let fivePolicy = try policy("five-tier-2023")
        let five = RosterCheck(policy: fivePolicy)
        #expect(five.lines([good]).violations.isEmpty)
        // 良好 needs 85: at 80 the best is 合格.
        let low = five.lines([StaffRecord(staffNo: "B", score: Score(points: 80), grade: .good)])
        #expect(low.violations.map(\.rule) == [.scoreThreshold])
        #expect(low.violations.first?.message.contains("最高为“合格”") == true)
        // 警告 bars 优秀 only: 良好 is allowed, and 优秀 is told its ceiling is 良好.
        #expect(five.lines([StaffRecord(staffNo: "C", score: Score(points: 90), grade: .good, sanction: .warning)]).violations.isEmpty)
        let warned = five.lines([StaffRecord(staffNo: "D", score: Score(points: 97), grade: .excellent, sanction: .warning)])
        #expect(warned.violations.first?.message.contains("最高为“良好”") == true)
        // Under four tiers a warned 优秀 is told 合格.
        let warnedFour = RosterCheck(policy: try policy()).lines([
            StaffRecord(staffNo: "D", score: Score(points: 97), grade: .excellent, sanction: .warning)
        ])
        #expect(warnedFour.violations.first?.message.contains("最高为“合格”") == true)
    }

    @Test("001: 优秀 ≤ 20 % whatever the unit's grade, 不合格 ≥ 5 % (⌈5 % × 20⌉ = 1)")
    func fiveTierLimits() throws {
        let check = RosterCheck(policy: try policy("five-tier-2023"))
        let roster = staff("G", 15) + staff("E", 5, grade: .excellent, score: 96)
        let report = check.check(roster, unitGrade: .excellent, gradeIsFinal: true, award: true)
        #expect(report.quota.limit == 4)  // 20 %, no award bonus in 001
        #expect(report.mustGiveUp == 1)
        #expect(Set(report.violations.map(\.rule)) == [.excellentQuota, .tierFloor])
        #expect(report.violations.contains { $0.message == "不合格0人,低于5%×20=1人的下限" })
        let fixed = staff("G", 15) + staff("E", 4, grade: .excellent, score: 96) + staff("F", 1, grade: .incompetent, score: 50)
        #expect(check.check(fixed, unitGrade: .qualified, gradeIsFinal: true, award: false).violations.isEmpty)
    }

    @Test("terms: the short forms clerks write, blank is 一般, anything else is not on the list")
    func terms() {
        #expect(StaffLevel(term: "中层") == .middle)
        #expect(StaffLevel(term: "领导班子") == .leader)
        #expect(StaffLevel(term: "主要负责人") == .principal)
        #expect(StaffLevel(term: "section") == .section)
        #expect(StaffLevel(term: "") == .general)
        #expect(StaffLevel(term: "部长") == nil)
        #expect(PostCategory(term: "专技") == .professional)
        #expect(PostCategory(term: "工勤技能岗位") == .worker)
        #expect(PostCategory(term: "") == nil)
        #expect(PostCategory(term: "后勤") == nil)
    }

    @Test("counts stored by level and grade read back; a grade alone counts as 一般")
    func storedCounts() {
        var counts = StaffCounts()
        counts.add(StaffRecord(staffNo: "1", grade: .excellent, level: .middle))
        counts.add(StaffRecord(staffNo: "2", grade: .good))
        counts.add(StaffRecord(staffNo: "3", grade: .competent, level: .leader))
        #expect(counts.keyed == ["middle.excellent": 1, "general.good": 1, "leader.competent": 1])
        #expect(StaffCounts(keyed: counts.keyed) == counts)
        #expect(StaffCounts(keyed: ["excellent": 2])[.general, .excellent] == 2)
        #expect(counts.participants(levels: RosterCheck.quotaLevels) == 2)
        // As jsonb prints them, read without a decoder; anything else is not counts.
        #expect(StaffCounts(json: #"{"general.good": 1, "leader.competent": 1, "middle.excellent": 1}"#) == counts)
        #expect(StaffCounts(json: "{}") == StaffCounts())
        #expect(StaffCounts(json: #"{"general.good":1,"excellent":2}"#)?[.general, .excellent] == 2)
        for broken in ["", "[]", #"{"general.good": }"#, #"{"general.good": 1"#, #"{"a": "1"}"#, "null"] {
            #expect(StaffCounts(json: broken) == nil, "\(broken)")
        }
    }

    @Test("a policy's categories are refused by name: leaders, a level twice, 良好 without five tiers")
    func categoryValidation() throws {
        var policy = try policy()
        policy.categoryLimits = [
            CategoryLimit(
                name: "班子",
                levels: [.leader],
                limits: [TierLimit(name: "优秀", grades: [.excellent], maxPercent: Percentage(uncheckedValue: 20))]
            ),
            CategoryLimit(
                name: "中层",
                levels: [.middle],
                limits: [TierLimit(name: "良好", grades: [.good], maxPercent: Percentage(uncheckedValue: 30))]
            ),
            CategoryLimit(name: "中层又一次", levels: [.middle], limits: [TierLimit(name: "优秀", grades: [.excellent])]),
        ]
        do {
            _ = try policy.validated()
            Issue.record("validated")
        } catch {
            let rules = error.issues.map { "\($0.field) \($0.rule)" }
            #expect(rules.contains("categoryLimits[0].levels quota-levels"))
            #expect(rules.contains("categoryLimits[1].limits[0].grades graded-tiers"))
            #expect(rules.contains("categoryLimits[2].levels level-once"))
            #expect(rules.contains("categoryLimits[2].limits[0] limit-required"))
        }
    }

    @Test("cadre-five-tier: 001's five tiers, in words")
    func cadrePreset() throws {
        let preset = try PolicyLoader.cyclePreset("cadre-five-tier")
        #expect(preset.roster.id == "five-tier-2023")
        #expect(preset.roster.bounds.goodMinScore == Score(points: 85))
        #expect(PolicyBounds.issues(preset).isEmpty)
        let words = PolicyWords(preset, committeeNames: [:]).lines.map(\.text).joined()
        #expect(words.contains("五个等次"))
        #expect(words.contains("不合格不低于5%"))
        #expect(words.contains("领导班子成员和主要负责人由主管部门考核"))
        let byLevel = try PolicyLoader.rosterPolicy("by-level-2014")
        var county = try PolicyLoader.defaultCyclePolicy()
        county.roster = byLevel
        #expect(PolicyWords(county, committeeNames: [:]).lines.map(\.text).joined().contains("中层干部单独计算,优秀不超过25%"))
    }
}
