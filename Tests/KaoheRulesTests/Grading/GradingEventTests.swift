import KaoheRules
import Testing

/// 附件3 events and the office's rulings on ratio breaches after 复议, as known answers.
@Suite("确定考核等次: 不得确定为优秀 / 直接确定为较差 events, 比例研判")
struct GradingEventTests {
    private func unit(_ number: Int, _ total: String, bars: [String] = [], vetoes: [String] = []) throws -> UnitForGrading {
        let assessed = try countyScheme().assess(countySheet(total: score(total), poor: 0))
        return UnitForGrading(code: testCode(number), committee: "教育", assessed: assessed, vetoEvents: vetoes, excellenceBars: bars)
    }

    @Test("不得确定为优秀 caps a 优秀 total at 良好 and never raises or lowers anything else; 直接确定为较差 wins over it")
    func excellenceBar() throws {
        let enforcement = CohortEnforcement(policy: try gradingPolicy(), scope: .county)
        let barred = enforcement.provisional(try unit(1, "96.50", bars: ["安全生产责任事故"]))
        #expect(barred.band == .excellent)
        #expect(barred.grade == .good)
        #expect(barred.reasons.map(\.rule) == ["band", "not-excellent"])
        #expect(barred.reasons.last?.message.contains("安全生产责任事故") == true)
        #expect(enforcement.provisional(try unit(2, "80", bars: ["x"])).grade == .good)
        #expect(enforcement.provisional(try unit(3, "65", bars: ["x"])).grade == .qualified)
        #expect(enforcement.provisional(try unit(3, "65", bars: ["x"])).reasons.map(\.rule) == ["band"])
        let both = enforcement.provisional(try unit(4, "99", bars: ["x"], vetoes: ["数据造假"]))
        #expect(both.grade == .poor)
        #expect(both.reasons.map(\.rule) == ["band", "not-excellent", "direct-poor"])
    }

    @Test("a barred unit leaves its 优秀 place to the next by total: 10 units, cap 3")
    func barredUnitFreesAPlace() throws {
        let totals = ["99", "98", "97", "96", "95", "80", "79", "78", "65", "64"]
        var units = try totals.enumerated().map { try unit($0 + 1, $1) }
        units[0].excellenceBars = ["综治一票否决"]
        let proposal = try CohortEnforcement(policy: try gradingPolicy(), scope: .county).propose(units)
        #expect(
            proposal.units.map(\.grade) == [.good, .excellent, .excellent, .excellent, .good, .good, .good, .good, .qualified, .qualified]
        )
        #expect(proposal.conflicts.isEmpty)
    }

    @Test("a ruling settles exactly the breach it names: kind, scope and units")
    func rulings() {
        let breach = CohortConflict(kind: "qualified-ratio", scope: "county", total: .zero, units: ["B", "A"], seats: 3, message: "")
        let ruling = RatioRuling(kind: "qualified-ratio", scope: "county", units: ["A", "B"], reference: "纪要〔2026〕5号")
        #expect(ruling.units == ["A", "B"])
        #expect(ruling.settles(breach))
        #expect(RatioRuling.open([breach], rulings: [ruling]).isEmpty)
        var later = breach
        later.units = ["A"]
        #expect(!ruling.settles(later))
        #expect(RatioRuling.open([later], rulings: [ruling]) == [later])
        #expect(!RatioRuling(kind: "excellent-ratio", scope: "county", units: ["A", "B"], reference: "r").settles(breach))
        #expect(!RatioRuling(kind: "qualified-ratio", scope: "教育", units: ["A", "B"], reference: "r").settles(breach))
    }
}
