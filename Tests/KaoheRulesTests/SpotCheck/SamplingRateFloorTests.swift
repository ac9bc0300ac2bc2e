import KaoheRules
import Testing

/// 抽查比例不低于10%: the floor holds whatever a policy says; a higher rate and one stratum work.
@Suite("随机抽查核验: the 10 % floor and the cycle's own rate")
struct SamplingRateFloorTests {
    let units = (1...30).map { DrawUnit(code: UnitCode("U\($0)"), committee: $0 % 3 == 0 ? "a" : "b") }

    func policy(minimum: Int) throws -> SpotCheckPolicy {
        SpotCheckPolicy(
            minimumPercent: try Percentage(minimum),
            defaultPercent: try Percentage(10),
            defaultStrata: .committee,
            minimumDiceDigits: 20,
            reviewersPerUnit: 2
        )
    }

    @Test("9 % is refused even under a policy whose own minimum is 5 %; 10 % is accepted")
    func hardFloor() throws {
        let seed = try DrawSeed("01382438112797316654")
        #expect(throws: SpotCheckError.self) {
            try SpotCheckDraw.draw(
                population: units,
                seed: seed,
                percent: try Percentage(9),
                strata: .committee,
                policy: try policy(minimum: 5)
            )
        }
        let ten = try SpotCheckDraw.draw(
            population: units,
            seed: seed,
            percent: try Percentage(10),
            strata: .committee,
            policy: try policy(minimum: 5)
        )
        #expect(ten.selected.count == 1 + 2)  // ⌈10 % × 10⌉ + ⌈10 % × 20⌉
    }

    @Test("a cycle policy whose own minimum is below 10 % is refused when it is loaded, naming the field")
    func policyBelowTheFloor() throws {
        var policy = try PolicyLoader.defaultCyclePolicy()
        policy.spotCheck.minimumPercent = try Percentage(5)
        policy.spotCheck.defaultPercent = try Percentage(5)
        #expect(throws: SchemeError.self) { try policy.validated() }
        do { _ = try policy.validated() } catch {
            #expect(error.issues.map(\.field) == ["spotCheck.minimumPercent"])
        }
    }

    @Test("50 % of the county as one stratum: ⌈50 % × 30⌉ = 15, the lowest tickets county-wide")
    func oneStratum() throws {
        let seed = try DrawSeed("01382438112797316654")
        let draw = try SpotCheckDraw.draw(
            population: units,
            seed: seed,
            percent: try Percentage(50),
            strata: .county,
            policy: try policy(minimum: 10)
        )
        #expect(draw.strata.map(\.name) == ["county"])
        #expect(draw.selected.count == 15)
        let expected = ConsistentSampler(seed: seed.text).order(units.map(\.code.rawValue)).prefix(15).map(\.id)
        #expect(Set(draw.selected.map(\.code.rawValue)) == Set(expected))
    }
}
