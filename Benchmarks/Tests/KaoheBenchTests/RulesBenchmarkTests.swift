import KaoheBenchWorkloads
import KaoheRules
import Testing

@Suite("kaohe-bench rules workload")
struct RulesBenchmarkTests {
    func countyScheme() throws -> IndicatorScheme { try SchemeLoader.builtIn("county-2021") }
    func gradingPolicy() throws -> GradingPolicy { try PolicyLoader.defaultCyclePolicy().grading }

    @Test("a small province grades every unit, checks every roster and respects the ratios")
    func smallProvince() throws {
        let scheme = try countyScheme()
        let roster = try PolicyLoader.rosterPolicy("tied-2023")
        let bench = RulesBenchmark(units: 2_000, unitsPerCounty: 500, staffPerUnit: 30)
        let province = bench.generate(scheme: scheme, roster: roster)
        let outcome = try bench.run(province, scheme: scheme, grading: try gradingPolicy(), roster: roster)
        #expect(outcome.units == 2_000)
        #expect(outcome.staff == 60_000)
        #expect(outcome.distribution.values.reduce(0, +) == 2_000)
        #expect((outcome.distribution[.excellent] ?? 0) <= 4 * atMost(percent: 30, of: 500))
        #expect(outcome.violations > 0)  // the generator plants warnings on rosters
        // Deterministic: the same seed gives the same figures.
        #expect(
            try bench.run(bench.generate(scheme: scheme, roster: roster), scheme: scheme, grading: try gradingPolicy(), roster: roster)
                == outcome
        )
    }
}
