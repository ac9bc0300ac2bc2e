import KaoheRules
import Testing

@Suite("随机抽查核验: consistent sampling")
struct SamplerTests {
    @Test("known answer: the ticket of \"abc\" hashed directly")
    func abc() {
        #expect(
            ConsistentSampler.uniform("abc").value
                == "0.56998071861792858926477341561059638840106636224182943832566300809078486324348"
        )
    }

    @Test("known answer: seed 01382438112797316654, id AB-130")
    func ab130() {
        #expect(
            ConsistentSampler(seed: "01382438112797316654").ticket(for: "AB-130").value
                == "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
        )
    }

    /// Computed with `consistent_sampler` 1.0.10 (`first_ticket(id, seed)`); "cat" has a 75-digit D.
    @Test(
        "cross-checked with consistent_sampler 1.0.10",
        arguments: [
            ("91350100M000100Y43", "0.70573729119561030303965550184265680780190728714288425781657482997208897600042"),
            ("911100001000084588", "0.61724568292485287799987472246425684518713676279960624643803698553795883010457"),
            ("91310000775785552L", "0.08917663386994985845489693722964126165890070273485498191030077722084641711958"),
            ("cat", "0.363190722012489506118170350168841474473446054276691670391344099983394853224"),
            ("dog", "0.71155450748031449434230859714086293876532455836294340500395444851159640147754"),
            ("goat", "0.11303205882933554401236466002604765493450747918564128086213438315388156992397"),
        ]
    )
    func pythonVectors(id: String, ticket: String) {
        #expect(ConsistentSampler(seed: "01382438112797316654").ticket(for: id).value == ticket)
    }

    @Test("sampling order matches consistent_sampler's sampler(…, take=4)")
    func pythonOrder() {
        let ids = ["cat", "dog", "goat", "mouse", "rat", "bat", "ant", "bee", "cow", "pig"]
        let order = ConsistentSampler(seed: "01382438112797316654").order(ids).map(\.id)
        #expect(Array(order.prefix(4)) == ["goat", "mouse", "bat", "cow"])
        let hexSeed = String(repeating: "a", count: 64)
        let units = (0..<47).map { "U" + String(repeating: "0", count: 3 - String($0).count) + String($0) }
        #expect(Array(ConsistentSampler(seed: hexSeed).order(units).map(\.id).prefix(5)) == ["U014", "U042", "U006", "U027", "U001"])
    }

    private func population47() -> [DrawUnit] {
        let committees = ["教育", "卫生", "农业", "文旅"]
        return (1...47).map { DrawUnit(code: testCode($0), committee: committees[($0 - 1) % 4]) }
    }

    @Test("47 units: 5 sampled county-wide at 10 %, 2 per committee; matches consistent_sampler")
    func stratified47() throws {
        let policy = try cyclePolicy().spotCheck
        let seed = try DrawSeed("20260212000000000047")
        let ten = try Percentage(10)
        let county = try SpotCheckDraw.draw(population: population47(), seed: seed, percent: ten, strata: .county, policy: policy)
        #expect(
            county.selected.map(\.code)
                == ["123300000000000460", "12330000000000022H", "123300000000000095", "12330000000000023L", "12330000000000032J"]
        )
        #expect(county.populationHash == "8ffa2b4e3c796d09d7d5e867bb15126ac59f9ebb37764734d8c79ca90a9b5523")

        let byCommittee = try SpotCheckDraw.draw(population: population47(), seed: seed, percent: ten, strata: .committee, policy: policy)
        let expected: [String: [String]] = [
            "教育": ["123300000000000095", "123300000000000297"],
            "卫生": ["123300000000000460", "12330000000000022H"],
            "农业": ["12330000000000023L", "12330000000000011D"],
            "文旅": ["12330000000000032J", "12330000000000012G"],
        ]
        for stratum in byCommittee.strata {
            #expect(stratum.sampleSize == atLeast(percent: 10, of: stratum.size))
            #expect(stratum.selected.map(\.code.rawValue) == expected[stratum.name])
        }
        #expect(byCommittee.selected.count == 8)
        #expect(byCommittee.strata.map(\.size).sorted() == [11, 12, 12, 12])
    }

    @Test("draw errors: rate below 10 %, duplicates, empty population, bad seeds")
    func drawErrors() throws {
        let policy = try cyclePolicy().spotCheck
        let seed = try DrawSeed("20260212000000000047")
        #expect {
            try SpotCheckDraw.draw(population: population47(), seed: seed, percent: try Percentage(9), strata: .county, policy: policy)
        } throws: { ($0 as? SpotCheckError)?.rule == "minimum-rate" }
        let duplicated = population47() + [DrawUnit(code: testCode(1), committee: "教育")]
        #expect {
            try SpotCheckDraw.draw(population: duplicated, seed: seed, percent: try Percentage(10), strata: .county, policy: policy)
        } throws: { ($0 as? SpotCheckError)?.field == "units[47].code" }
        #expect(throws: SpotCheckError.self) {
            try SpotCheckDraw.draw(population: [], seed: seed, percent: try Percentage(10), strata: .county, policy: policy)
        }
        #expect(throws: DrawSeedError.self) { try DrawSeed("1234") }
        #expect(throws: DrawSeedError.self) { try DrawSeed(String(repeating: "A", count: 64)) }
        #expect(throws: Never.self) { try DrawSeed(String(repeating: "0f", count: 32)) }
        #expect(DrawSeed.random().text.utf8.count == 64)
    }

    @Test("population hash: sorted codes joined by newline, order-independent")
    func populationHash() {
        #expect(PopulationHash.of(["b", "a"]) == PopulationHash.of(["a", "b"]))
        // sha256("a\nb")
        #expect(PopulationHash.of(["b", "a"]) == "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78")
        #expect(PopulationHash.of(["x"]) == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
    }

    @Test("re-check override: ≥ 5.00 points or a different count of 差")
    func recheckOverride() throws {
        let policy = try cyclePolicy().recheck
        #expect(
            RecheckOverride(
                committeeTotal: score("90"),
                committeePoorCount: 0,
                recheckTotal: score("85"),
                recheckPoorCount: 0,
                policy: policy
            ).overridden
        )
        #expect(
            !RecheckOverride(
                committeeTotal: score("90"),
                committeePoorCount: 0,
                recheckTotal: score("85.01"),
                recheckPoorCount: 0,
                policy: policy
            ).overridden
        )
        #expect(
            RecheckOverride(
                committeeTotal: score("80"),
                committeePoorCount: 0,
                recheckTotal: score("85"),
                recheckPoorCount: 0,
                policy: policy
            ).difference == score("5")
        )
        let poor = RecheckOverride(
            committeeTotal: score("90"),
            committeePoorCount: 0,
            recheckTotal: score("90"),
            recheckPoorCount: 1,
            policy: policy
        )
        #expect(poor.overridden && poor.poorCountDiffers)
        var lenient = policy
        lenient.onPoorCountDifference = false
        #expect(
            !RecheckOverride(
                committeeTotal: score("90"),
                committeePoorCount: 0,
                recheckTotal: score("90"),
                recheckPoorCount: 1,
                policy: lenient
            ).overridden
        )
        let share = RecheckOverride.shareByCommittee([("教育", true), ("教育", false), ("卫生", false)])
        #expect(share["教育"]?.sampled == 2 && share["教育"]?.overridden == 1)
    }

    @Test("reviewers: never of the unit's committee or department, verifiable seed derivation")
    func reviewers() throws {
        let reviewers = (1...12).map { Reviewer(id: "R\($0)", committee: ["教育", "卫生", "农业"][$0 % 3], department: "D\($0 % 4)") }
        let units = [
            ReviewedUnit(code: testCode(1), committee: "教育", department: "D1"),
            ReviewedUnit(code: testCode(2), committee: "卫生", department: "D2"),
        ]
        let seed = try DrawSeed("20260212000000000047")
        let assignments = ReviewerDraw.assign(reviewers: reviewers, units: units, seed: seed, perUnit: 2)
        for (assignment, unit) in zip(assignments, units) {
            #expect(assignment.reviewers.count == 2 && assignment.shortfall == 0)
            for drawn in assignment.reviewers {
                let reviewer = reviewers.first { $0.id == drawn.id }!
                #expect(reviewer.committee != unit.committee && reviewer.department != unit.department)
                // Anyone can recompute the ticket from the documented derivation.
                let sampler = ConsistentSampler(seed: "20260212000000000047/reviewers/" + unit.code.rawValue)
                #expect(sampler.ticket(for: drawn.id) == drawn.ticket)
            }
            #expect(assignment.reviewers[0].ticket < assignment.reviewers[1].ticket)
        }
        let capped = ReviewerDraw.assign(
            reviewers: [Reviewer(id: "only", committee: "x")],
            units: units,
            seed: seed,
            perUnit: 1,
            maxUnitsPerReviewer: 1
        )
        #expect(capped.map(\.shortfall) == [0, 1])
    }
}
