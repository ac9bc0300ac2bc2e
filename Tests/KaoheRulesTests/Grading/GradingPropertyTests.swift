import KaoheRules
import PropertyBased
import Testing

@Suite("确定考核等次: invariants")
struct GradingPropertyTests {
    /// (total in half points 100…200 → 50.00…100.00, 差 count, committee) — coarse so ties happen.
    static let unitsGen = zip(Gen.int(in: 100...200), Gen.int(in: 0...3), Gen.int(in: 0...3)).array(of: 1...60)

    static func units(_ raw: [(Int, Int, Int)], scheme: IndicatorScheme) -> [UnitForGrading] {
        raw.enumerated().map { index, item in
            let total = Score(hundredths: Int64(item.0) * 50)
            return UnitForGrading(
                code: testCode(index + 1),
                committee: "c\(item.2)",
                total: total,
                qualitativeCeiling: scheme.qualitativeCeiling(poorCount: item.1, notGoodCount: item.1)
            )
        }
    }

    @Test("after enforcement 优秀 ≤ ⌊30 % N⌋ and, when enough 良好 exist, 合格 ≥ ⌈10 % N⌉, per cohort")
    func ratiosHold() async throws {
        let scheme = try countyScheme()
        let policy = try gradingPolicy()
        await propertyCheck(count: 300, input: Self.unitsGen, Gen.bool) { raw, perCommittee in
            let units = Self.units(raw, scheme: scheme)
            let scope: CohortScope = perCommittee ? .committee : .county
            let proposal = try CohortEnforcement(policy: policy, scope: scope).propose(units)
            let cohorts = Dictionary(grouping: proposal.units) { perCommittee ? $0.committee : "county" }
            for (name, members) in cohorts {
                let excellent = members.count { $0.grade == .excellent }
                #expect(excellent <= atMost(percent: 30, of: members.count), "cohort \(name)")
                let qualified = members.count { $0.grade == .qualified }
                let shortfall = proposal.conflicts.contains { $0.kind == "qualified-shortfall" && $0.scope == name }
                #expect(shortfall || qualified >= atLeast(percent: 10, of: members.count), "cohort \(name)")
            }
        }
    }

    @Test("raising one unit's score never lowers its own grade")
    func monotone() async throws {
        let scheme = try countyScheme()
        let policy = try gradingPolicy()
        await propertyCheck(count: 300, input: Self.unitsGen, Gen.int(in: 0...59), Gen.int(in: 1...30), Gen.bool) {
            raw,
            pick,
            raise,
            perCommittee in
            let units = Self.units(raw, scheme: scheme)
            let index = pick % units.count
            var raised = units
            raised[index].total += Score(hundredths: Int64(raise) * 50)
            let enforcement = CohortEnforcement(policy: policy, scope: perCommittee ? .committee : .county)
            let before = try enforcement.propose(units).units[index].grade
            let after = try enforcement.propose(raised).units[index].grade
            #expect(after.rank <= before.rank, "raised \(units[index].total) by \(raise * 50) hundredths: \(before) → \(after)")
        }
    }
}
