import KaoheRules
import Testing

/// 篇十二 (五): a department's own result caps the 优秀 and 良好 shares among its units, before the
/// county's ratios; known answers.
@Suite("确定考核等次: department share caps (篇十二 (五))")
struct DepartmentShareCapTests {
    private func unit(_ number: Int, _ total: String, department: String, result: DepartmentGrade?) throws -> UnitForGrading {
        let assessed = try countyScheme().assess(countySheet(total: score(total), poor: 0))
        var unit = UnitForGrading(code: testCode(number), committee: "教育", assessed: assessed, departmentGrade: result)
        unit.department = department
        return unit
    }

    private func policy() throws -> GradingPolicy {
        var policy = try gradingPolicy()
        policy.departmentShareCaps = [
            "good": DepartmentShareCap(excellentMaxPercent: try Percentage(40), goodMaxPercent: try Percentage(40))
        ]
        return try policy.validated()
    }

    @Test("a 良好 department of 5 with caps 40 %/40 %: 2 优秀, 2 良好, the rest 合格; then the county's 30 % of 10")
    func knownAnswer() throws {
        let units =
            try ["98", "96", "94", "80", "75"].enumerated().map { try unit($0 + 1, $1, department: "d1", result: .good) }
            + ["99", "91", "85", "70", "65"].enumerated().map { try unit($0 + 6, $1, department: "d2", result: nil) }
        let proposal = try CohortEnforcement(policy: try policy(), scope: .county).propose(units)
        #expect(
            proposal.units.map(\.grade) == [
                .excellent, .excellent, .good, .good, .qualified,
                .excellent, .good, .good, .good, .qualified,
            ]
        )
        #expect(proposal.conflicts.isEmpty)
        #expect(proposal.units[2].reasons.last?.rule == "excellent-cap")
        #expect(proposal.units[2].reasons.last?.message.contains("主管部门d1") == true)
        #expect(proposal.units[4].reasons.last?.rule == "department-good-cap")
        #expect(proposal.units[6].reasons.last?.message.contains("(全县)") == true)  // 91 loses 优秀 to the county's cap
    }

    @Test("without a share cap for the result, or without the department's result, nothing changes")
    func noCap() throws {
        let units = try ["98", "96", "94"].enumerated().map { try unit($0 + 1, $1, department: "d1", result: .excellent) }
        let policy = try policy()
        let capped = try CohortEnforcement(policy: policy, scope: .committee).propose(units)
        let plain = try CohortEnforcement(policy: try gradingPolicy(), scope: .committee).propose(units)
        #expect(capped == plain)
    }

    @Test("a tie across the department's 优秀 cut is a conflict naming the department; the office's decision settles it")
    func tie() throws {
        var policy = try gradingPolicy()
        policy.departmentShareCaps = [
            "good": DepartmentShareCap(excellentMaxPercent: try Percentage(20), goodMaxPercent: try Percentage(40))
        ]
        let units =
            try ["95", "95", "80", "79", "78"].enumerated().map { try unit($0 + 1, $1, department: "d1", result: .good) }
            + ["70", "68", "66", "64", "62"].enumerated().map { try unit($0 + 6, $1, department: "d2", result: nil) }
        let enforcement = CohortEnforcement(policy: policy, scope: .county)
        // ⌊20 % × 5⌋ = 1 优秀 in d1 (the county would allow ⌊30 % × 10⌋ = 3): the two at 95 straddle it.
        let proposal = try enforcement.propose(units)
        #expect(proposal.conflicts.map(\.kind) == ["excellent-cap"])
        #expect(proposal.conflicts.first?.scope == "主管部门d1")
        #expect(proposal.conflicts.first?.units == [testCode(1), testCode(2)].sorted())
        #expect(proposal.units.map(\.grade).prefix(5) == [.good, .good, .qualified, .qualified, .qualified])
        let decided = try enforcement.propose(
            units,
            decisions: [TieDecision(cut: .excellentCap, favoured: [testCode(2)], reference: "纪要1号")]
        )
        #expect(decided.conflicts.isEmpty)
        #expect(decided.units.map(\.grade).prefix(5) == [.good, .excellent, .good, .qualified, .qualified])
    }
}
