import KaoheRules
import Testing

@Suite("确定考核等次: unit grading")
struct GradingTests {
    private func unit(
        _ number: Int,
        _ total: String,
        committee: String = "教育",
        poor: Int = 0,
        veto: Bool = false
    ) throws -> UnitForGrading {
        let assessed = try countyScheme().assess(countySheet(total: score(total), poor: poor))
        return UnitForGrading(
            code: testCode(number),
            committee: committee,
            assessed: assessed,
            vetoEvents: veto ? ["数据造假"] : []
        )
    }

    @Test("bands: 90 优秀, 70 良好, 60 合格, below 较差 (inclusive)")
    func bands() throws {
        let policy = try gradingPolicy()
        #expect(policy.band(for: score("90")) == .excellent)
        #expect(policy.band(for: score("89.99")) == .good)
        #expect(policy.band(for: score("70")) == .good)
        #expect(policy.band(for: score("69.99")) == .qualified)
        #expect(policy.band(for: score("60")) == .qualified)
        #expect(policy.band(for: score("59.99")) == .poor)
    }

    @Test("qualitative veto and direct 较差")
    func vetoes() throws {
        let enforcement = CohortEnforcement(policy: try gradingPolicy(), scope: .county)
        #expect(enforcement.provisional(try unit(1, "95", poor: 1)).grade == .good)
        #expect(enforcement.provisional(try unit(2, "95", poor: 2)).grade == .qualified)
        let three = enforcement.provisional(try unit(3, "95", poor: 3))
        #expect(three.grade == .poor)
        #expect(three.band == .excellent)
        #expect(three.reasons.map(\.rule) == ["band", "qualitative-veto"])
        let vetoed = enforcement.provisional(try unit(4, "99", veto: true))
        #expect(vetoed.grade == .poor)
        #expect(vetoed.reasons.last?.rule == "direct-poor")
        // A veto never raises: 1 差 on a 良好 total stays 良好.
        #expect(enforcement.provisional(try unit(5, "75", poor: 1)).grade == .good)
        var department = try unit(6, "95")
        department.departmentGrade = .qualified
        #expect(enforcement.provisional(department).grade == .good)
        department.departmentGrade = .failed
        #expect(enforcement.provisional(department).grade == .qualified)
    }

    /// 47 units across 4 committees (12, 12, 12, 11): 20 qualify for 优秀, nobody below 70.
    private func county47() throws -> [UnitForGrading] {
        let committees = ["教育", "卫生", "农业", "文旅"]
        return try (1...47).map { number in
            // Totals 99.50, 99.00, … distinct: the first 20 are ≥ 90.
            let total = Score(hundredths: 10_000 - Int64(number) * 50)
            return try unit(number, total.description, committee: committees[(number - 1) % 4])
        }
    }

    @Test("47 units county-wide: 14 may be 优秀, at least 5 合格")
    func county47Wide() throws {
        let units = try county47()
        let proposal = try CohortEnforcement(policy: try gradingPolicy(), scope: .county).propose(units)
        #expect(proposal.conflicts.isEmpty)
        let excellent = proposal.units.filter { $0.grade == .excellent }.map(\.code)
        #expect(excellent == (1...14).map(testCode))
        #expect(proposal.units[14].grade == .good)
        #expect(proposal.units[14].reasons.last?.rule == "excellent-cap")
        #expect(proposal.units[14].reasons.last?.message.contains("30%×47=14") == true)
        let qualified = proposal.units.filter { $0.grade == .qualified }.map(\.code)
        #expect(qualified == (43...47).map(testCode))
        #expect(proposal.distribution == [.excellent: 14, .good: 28, .qualified: 5])
    }

    @Test("47 units per committee: ⌊30 % × stratum⌋ 优秀 and ⌈10 % × stratum⌉ 合格 in each")
    func county47PerCommittee() throws {
        let proposal = try CohortEnforcement(policy: try gradingPolicy(), scope: .committee).propose(try county47())
        for committee in ["教育", "卫生", "农业", "文旅"] {
            let members = proposal.units.filter { $0.committee == committee }
            let excellent = members.count { $0.grade == .excellent }
            let qualified = members.count { $0.grade == .qualified }
            #expect(excellent == atMost(percent: 30, of: members.count))
            #expect(qualified == atLeast(percent: 10, of: members.count))
        }
        #expect(proposal.distribution[.excellent] == 3 + 3 + 3 + 3)
        #expect(proposal.distribution[.qualified] == 2 * 4)
    }

    @Test("a tie at the 优秀 cut is a conflict naming the units, resolved only by a decision")
    func excellentTie() throws {
        // N = 10: at most 3 优秀. 95, 94, then 92 and 92 tied for the third place.
        let totals = ["95", "94", "92", "92", "91", "80", "79", "78", "77", "65"]
        let units = try totals.enumerated().map { try unit($0.offset + 1, $0.element) }
        let enforcement = CohortEnforcement(policy: try gradingPolicy(), scope: .county)
        let open = try enforcement.propose(units)
        #expect(open.conflicts.count == 1)
        let conflict = try #require(open.conflicts.first)
        #expect(conflict.kind == "excellent-cap")
        #expect(conflict.units == [testCode(3), testCode(4)].sorted())
        #expect(conflict.seats == 1)
        #expect(conflict.total == score("92"))
        #expect(open.units.map(\.grade).prefix(5) == [.excellent, .excellent, .good, .good, .good])
        #expect(open.units[2].reasons.last?.rule == "tie-conflict")

        let decided = try enforcement.propose(
            units,
            decisions: [
                TieDecision(cut: .excellentCap, favoured: [testCode(4)], reference: "事考办〔2026〕3号")
            ]
        )
        #expect(decided.conflicts.isEmpty)
        #expect(decided.units[3].grade == .excellent)
        #expect(decided.units[3].reasons.last?.rule == "office-decision")
        #expect(decided.units[2].grade == .good)

        #expect(throws: TieDecisionError.self) {
            try enforcement.propose(
                units,
                decisions: [
                    TieDecision(cut: .excellentCap, favoured: [testCode(3), testCode(4)], reference: "x")
                ]
            )
        }
        #expect {
            try enforcement.propose(units, decisions: [TieDecision(cut: .excellentCap, favoured: [testCode(9)], reference: "x")])
        } throws: { error in (error as? TieDecisionError)?.rule == "decision-unmatched" }
    }

    @Test("a tie at the 合格 floor is a conflict; the floor still holds")
    func qualifiedTie() throws {
        // N = 10: at least 1 合格; the two lowest 良好 are tied at 75.
        let totals = ["95", "88", "87", "86", "85", "84", "83", "82", "75", "75"]
        let units = try totals.enumerated().map { try unit($0.offset + 1, $0.element) }
        let enforcement = CohortEnforcement(policy: try gradingPolicy(), scope: .county)
        let open = try enforcement.propose(units)
        #expect(open.conflicts.map(\.kind) == ["qualified-floor"])
        #expect(open.conflicts[0].units == [testCode(9), testCode(10)].sorted())
        #expect(open.conflicts[0].seats == 1)
        #expect(open.units[8].grade == .qualified && open.units[9].grade == .qualified)
        let decided = try enforcement.propose(
            units,
            decisions: [
                TieDecision(cut: .qualifiedFloor, favoured: [testCode(9)], reference: "纪要")
            ]
        )
        #expect(decided.units[8].grade == .good)
        #expect(decided.units[9].grade == .qualified)
    }

    @Test("when no 良好 unit is left to lower, the shortfall is reported")
    func shortfall() throws {
        let units = try (1...3).map { try unit($0, "95", veto: true) }
        let proposal = try CohortEnforcement(policy: try gradingPolicy(), scope: .county).propose(units)
        #expect(proposal.conflicts.map(\.kind) == ["qualified-shortfall"])
        #expect(proposal.units.allSatisfy { $0.grade == .poor })
    }
}

@Suite("比例复核 after 复议")
struct CohortRatioCheckTests {
    @Test("grades set by hand are checked against the ratios without regrading")
    func breaches() throws {
        let check = CohortRatioCheck(policy: try gradingPolicy(), scope: .county)
        // N = 10: at most 3 优秀, at least 1 合格.
        var units = (1...10).map { (code: testCode($0), committee: "教育", grade: UnitGrade.good) }
        units[0].grade = .excellent
        units[9].grade = .qualified
        #expect(check.breaches(units).isEmpty)
        for index in 1...3 { units[index].grade = .excellent }
        units[9].grade = .good
        let conflicts = check.breaches(units)
        #expect(conflicts.map(\.kind) == ["excellent-ratio", "qualified-ratio"])
        #expect(conflicts[0].units.count == 4)
        #expect(conflicts[0].seats == 3)
    }
}
