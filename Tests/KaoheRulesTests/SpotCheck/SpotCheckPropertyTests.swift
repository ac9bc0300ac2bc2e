import KaoheRules
import PropertyBased
import Testing

@Suite("随机抽查核验: invariants")
struct SpotCheckPropertyTests {
    static let populationGen = zip(Gen.int(in: 0...4), Gen.bool).array(of: 1...80)

    private static func population(_ raw: [(Int, Bool)]) -> [DrawUnit] {
        raw.enumerated().map { DrawUnit(code: testCode($0.offset + 1), committee: "c\($0.element.0)") }
    }

    @Test("a stratum's sample is the county-wide ticket order filtered to the stratum")
    func stratumIsFilteredCountyOrder() async throws {
        let policy = try cyclePolicy().spotCheck
        await propertyCheck(count: 100, input: Self.populationGen, Gen.int(in: 10...100), Gen.int(in: 0...999_999)) {
            raw,
            percent,
            seedNumber in
            let units = Self.population(raw)
            let seed = try DrawSeed(String(repeating: "0", count: 14) + String(1_000_000 + seedNumber))
            let rate = try Percentage(percent)
            let everyone = try SpotCheckDraw.draw(
                population: units,
                seed: seed,
                percent: try Percentage(100),
                strata: .county,
                policy: policy
            )
            let countyOrder = everyone.selected
            let byCommittee = try SpotCheckDraw.draw(population: units, seed: seed, percent: rate, strata: .committee, policy: policy)
            for stratum in byCommittee.strata {
                let filtered = countyOrder.filter { $0.committee == stratum.name }
                #expect(stratum.size == filtered.count)
                #expect(stratum.selected == Array(filtered.prefix(atLeast(percent: percent, of: filtered.count))))
            }
        }
    }

    @Test("growing the rate keeps the earlier sample as a prefix")
    func growingRateKeepsPrefix() async throws {
        let policy = try cyclePolicy().spotCheck
        await propertyCheck(count: 100, input: Self.populationGen, Gen.int(in: 10...100), Gen.int(in: 0...90), Gen.bool) {
            raw,
            low,
            extra,
            perCommittee in
            let units = Self.population(raw)
            let seed = try DrawSeed(String(repeating: "7", count: 20))
            let high = min(100, low + extra)
            let strata: Stratification = perCommittee ? .committee : .county
            let small = try SpotCheckDraw.draw(population: units, seed: seed, percent: try Percentage(low), strata: strata, policy: policy)
            let large = try SpotCheckDraw.draw(population: units, seed: seed, percent: try Percentage(high), strata: strata, policy: policy)
            #expect(small.populationHash == large.populationHash)
            for (a, b) in zip(small.strata, large.strata) {
                #expect(a.name == b.name)
                #expect(Array(b.selected.prefix(a.selected.count)) == a.selected)
                #expect(a.sampleSize == atLeast(percent: low, of: a.size))
            }
        }
    }
}
