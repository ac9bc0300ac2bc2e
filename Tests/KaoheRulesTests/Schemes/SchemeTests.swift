import Foundation
import KaoheRules
import Testing

@Suite("考核指标体系: schemes as data")
struct SchemeTests {
    @Test("county-2021 has the indicator ids and maxima of the issue")
    func countyIndicators() throws {
        let scheme = try countyScheme()
        let maxima = Dictionary(uniqueKeysWithValues: scheme.indicators.map { ($0.id, $0.max) })
        let expected: [String: Int] = [
            "key_tasks": 20, "main_duties": 30, "registration": 10, "innovation": 5, "excellence": 10, "staff_eval": 3,
            "client_eval": 4, "leader_eval": 10, "dept_organisation": 2, "dept_staffing": 2, "dept_hrss": 2, "dept_finance": 2,
        ]
        #expect(maxima == expected.mapValues { Score(points: $0) })
        #expect(scheme.qualitative.map(\.id) == ["political", "cadre", "organisation", "conduct"])
        #expect(scheme.indicators.map(\.max).sum() == Score(points: 100))
        #expect(scheme.awards?.cap(for: .national) == Score(points: 10))
        #expect(scheme.awards?.cap(for: .provincial) == Score(points: 6))
        #expect(scheme.awards?.cap(for: .city) == Score(points: 3))
        #expect(scheme.awards?.cap(for: .county) == Score(points: 1))
    }

    @Test("municipal-2019 loads and a committee weighting within the ranges is accepted")
    func municipal() throws {
        let scheme = try SchemeLoader.builtIn("municipal-2019")
        #expect(scheme.committeeWeighted)
        var weights = Dictionary(uniqueKeysWithValues: scheme.indicators.map { ($0.id, $0.max) })
        weights["key_tasks"] = Score(points: 35)  // duties 70
        weights["sponsor_eval"] = Score(points: 5)  // survey 15
        weights["reform_innovation"] = Score(points: 5)  // innovation 15
        let weighted = try scheme.weighted(SchemeWeighting(indicatorMax: weights))
        #expect(weighted.groups.first { $0.id == "duties" }?.max == Score(points: 70))

        weights["key_tasks"] = Score(points: 40)  // duties 75: out of 50–70 and total 105
        #expect {
            try scheme.weighted(SchemeWeighting(indicatorMax: weights))
        } throws: { error in
            let rules = (error as? SchemeError)?.issues.map(\.rule) ?? []
            return rules.contains("group-range") && rules.contains("total-sum")
        }
        #expect(throws: SchemeError.self) { try countyScheme().weighted(SchemeWeighting(indicatorMax: [:])) }
    }

    @Test("an inconsistent custom scheme is rejected with every issue")
    func invalidScheme() throws {
        let json = """
            {"id":"bad","title":"t","source":"s","totalPoints":100,"committeeWeighted":false,
             "qualitative":[{"id":"p","name":"P"},{"id":"p","name":"P2"}],
             "qualitativeVeto":[{"counts":"poor","atLeast":5,"ceiling":"good"}],
             "groups":[{"id":"g","name":"G","max":90}],
             "indicators":[{"id":"a","name":"A","group":"g","max":50},{"id":"b","name":"B","group":"h","max":30,"whenNotAssigned":"zz"}],
             "awards":{"indicator":"a","caps":{"national":60,"galactic":1}},
             "adjustments":{"additionsMax":-1,"deductionsMax":10}}
            """
        #expect {
            try SchemeLoader.load(from: Data(json.utf8), name: "bad.json")
        } throws: { error in
            guard case .invalid(let schemeError) = error as? SchemeLoadError else { return false }
            let rules = Set(schemeError.issues.map(\.rule))
            return rules.isSuperset(of: [
                "unique-id", "veto-count", "total-sum", "known-group", "known-indicator",
                "group-sum", "award-cap", "known-level", "not-negative",
            ])
        }
        #expect {
            try SchemeLoader.load(from: Data(#"{"id": 3}"#.utf8), name: "x.json")
        } throws: { error in
            guard case .file(let fileError) = error as? SchemeLoadError else { return false }
            return fileError.field == "id" && fileError.rule == "wrong-type"
        }
        #expect(throws: SchemeLoadError.self) { try SchemeLoader.builtIn("county-1999") }
    }

    @Test("a complete sheet totals exactly, with additions and deductions")
    func assess() throws {
        var sheet = countySheet(total: score("88.75"))
        sheet.additions = [ScoreAdjustment(points: score("2.5"), reason: "获市委市政府表彰")]
        sheet.deductions = [ScoreAdjustment(points: score("1.25"), reason: "整改不力")]
        let assessed = try countyScheme().assess(sheet)
        #expect(assessed.quantitative == score("88.75"))
        #expect(assessed.total == score("90"))
        #expect(assessed.poorCount == 0)
        #expect(assessed.qualitativeCeiling == nil)
    }

    @Test("a score above its maximum names the indicator and the maximum")
    func aboveMax() throws {
        var sheet = countySheet(total: Score(points: 80))
        sheet.scores["registration"] = score("10.5")
        sheet.scores["leader_eval"] = score("-1")
        sheet.scores["bogus"] = Score(points: 1)
        sheet.qualitative["political"] = nil
        #expect {
            try countyScheme().assess(sheet)
        } throws: { error in
            let issues = (error as? ScoreSheetError)?.issues ?? []
            let above = issues.first { $0.rule == "above-max" }
            return above?.field == "scores.registration" && above?.message.contains("10.00") == true
                && issues.contains { $0.rule == "below-zero" && $0.field == "scores.leader_eval" }
                && issues.contains { $0.rule == "unknown-indicator" && $0.field == "scores.bogus" }
                && issues.contains { $0.rule == "missing-rating" && $0.field == "qualitative.political" }
        }
    }

    @Test("未承担重点任务: main_duties is scored out of 50, key_tasks must not be filed")
    func noKeyTasks() throws {
        let scheme = try countyScheme()
        var sheet = countySheet(total: Score(points: 80))  // key_tasks 20, main_duties 30, …
        sheet.scores["key_tasks"] = nil
        sheet.scores["main_duties"] = Score(points: 48)
        sheet.notAssigned = ["key_tasks"]
        let assessed = try scheme.assess(sheet)
        #expect(assessed.total == Score(points: 80 - 20 - 30 + 48))

        sheet.scores["main_duties"] = Score(points: 51)
        #expect { try scheme.assess(sheet) } throws: { error in
            (error as? ScoreSheetError)?.issues.contains { $0.rule == "above-max" && $0.message.contains("50.00") } == true
        }
        sheet.scores["main_duties"] = Score(points: 40)
        sheet.scores["key_tasks"] = Score(points: 5)
        #expect { try scheme.assess(sheet) } throws: { error in
            (error as? ScoreSheetError)?.issues.contains { $0.rule == "scored-but-not-assigned" } == true
        }
        // Without the mark, 40 on main_duties is above 30.
        sheet.notAssigned = []
        #expect(throws: ScoreSheetError.self) { try scheme.assess(sheet) }
        sheet.notAssigned = ["registration"]
        #expect { try scheme.assess(sheet) } throws: { error in
            (error as? ScoreSheetError)?.issues.contains { $0.rule == "not-assignable" } == true
        }
    }

    @Test("创先争优 award caps per level, no achievement twice, score equals the awards")
    func awards() throws {
        let scheme = try countyScheme()
        var sheet = countySheet(total: Score(points: 80))
        sheet.scores["excellence"] = Score(points: 6)
        sheet.awards = [
            AwardClaim(achievement: "省级文明单位", level: .provincial, points: Score(points: 5)),
            AwardClaim(achievement: "县级先进集体", level: .county, points: Score(points: 1)),
        ]
        _ = try scheme.assess(sheet)

        sheet.awards = [
            AwardClaim(achievement: "市级表彰A", level: .city, points: Score(points: 2)),
            AwardClaim(achievement: "市级表彰B", level: .city, points: Score(points: 2)),
            AwardClaim(achievement: "市级表彰A", level: .county, points: Score(points: 1)),
            AwardClaim(achievement: "国家级", level: .national, points: Score(points: 1)),
        ]
        #expect { try scheme.assess(sheet) } throws: { error in
            let issues = (error as? ScoreSheetError)?.issues ?? []
            return issues.contains { $0.rule == "award-level-cap" && $0.field == "awards.city" }
                && issues.contains { $0.rule == "duplicate-achievement" && $0.field == "awards[2].achievement" }
                && !issues.contains { $0.rule == "awards-sum" }  // 2+2+1+1 = 6 matches
        }
        sheet.awards = [AwardClaim(achievement: "省级", level: .provincial, points: Score(points: 4))]
        #expect { try scheme.assess(sheet) } throws: { error in
            (error as? ScoreSheetError)?.issues.contains { $0.rule == "awards-sum" } == true
        }
    }

    @Test("adjustments: capped by the scheme and need reasons")
    func adjustments() throws {
        var sheet = countySheet(total: Score(points: 80))
        sheet.additions = [ScoreAdjustment(points: Score(points: 6), reason: "a"), ScoreAdjustment(points: Score(points: 5), reason: " ")]
        sheet.deductions = [ScoreAdjustment(points: score("-1"), reason: "x")]
        #expect { try countyScheme().assess(sheet) } throws: { error in
            let rules = Set((error as? ScoreSheetError)?.issues.map(\.rule) ?? [])
            return rules == ["additions-cap", "reason-required", "below-zero"]
        }
    }

    @Test("qualitative ceilings of both schemes")
    func qualitativeCeilings() throws {
        let county = try countyScheme()
        #expect(county.qualitativeCeiling(poorCount: 0, notGoodCount: 4) == nil)
        #expect(county.qualitativeCeiling(poorCount: 1, notGoodCount: 1)?.ceiling == .good)
        #expect(county.qualitativeCeiling(poorCount: 2, notGoodCount: 2)?.ceiling == .qualified)
        #expect(county.qualitativeCeiling(poorCount: 3, notGoodCount: 3)?.ceiling == .poor)
        let municipal = try SchemeLoader.builtIn("municipal-2019")
        #expect(municipal.qualitativeCeiling(poorCount: 0, notGoodCount: 2) == nil)
        #expect(municipal.qualitativeCeiling(poorCount: 0, notGoodCount: 3)?.ceiling == .good)
        #expect(municipal.qualitativeCeiling(poorCount: 1, notGoodCount: 1)?.ceiling == .qualified)
    }
}

@Suite("内置数据 loaded at start")
struct RulesLibraryTests {
    @Test("every built-in file loads and validates, and the defaults exist")
    func builtIns() throws {
        let library = try RulesLibrary.builtIn()
        #expect(Set(library.schemes.keys) == ["county-2021", "municipal-2019"])
        #expect(Set(library.rosterPolicies.keys) == ["tied-2023", "shanxi-2013", "national-2023", "by-level-2014", "five-tier-2023"])
        #expect(library.cyclePolicy.grading.excellentMaxPercent.value == 30)
        #expect(library.cyclePolicy.grading.qualifiedMinPercent.value == 10)
        #expect(library.cyclePolicy.recheck.pointsThreshold == Score(points: 5))
        #expect(library.cyclePolicy.spotCheck.minimumPercent.value == 10)
        #expect(library.cyclePolicy.publicityWorkingDays == 5)
        #expect(library.calendar.notices.keys.sorted() == [2025, 2026])
    }
}
