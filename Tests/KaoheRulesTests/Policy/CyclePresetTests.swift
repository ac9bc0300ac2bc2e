import Foundation
import KaoheRules
import Testing

/// The cycle policy presets of the seed documents (issue 18): each validates, stays within the
/// documents' bounds, names its document, reads in Chinese and grades a generated county within
/// its own ratios; changes are merge patches and are sorted into the parts that lock with their step.
@Suite("Cycle policy presets")
struct CyclePresetTests {
    /// 100 units in 4 committees, totals 55.00–99.00 spread so every band is populated, no two equal.
    static func county() -> [UnitForGrading] {
        (0..<100).map { index in
            UnitForGrading(
                code: UnitCode(UnifiedSocialCreditCode.publicInstitution(division: "350121", serial: index + 1).rawValue),
                committee: ["a", "b", "c", "d"][index % 4],
                total: Score(hundredths: Int64(5500 + 44 * index))
            )
        }
    }

    @Test(
        "every preset validates, crosses no bound, names its document, reads in Chinese and grades a generated county within its ratios",
        arguments: PolicyLoader.cyclePresetIds
    )
    func preset(_ id: String) throws {
        let policy = try PolicyLoader.cyclePreset(id)
        #expect(policy.id == id)
        #expect(PolicyBounds.issues(policy).isEmpty)
        #expect(policy.source.contains("篇") || policy.source.hasPrefix("000"), "\(id) cites no document: \(policy.source)")
        #expect(policy.roster.id == policy.defaultRosterPolicy)
        for line in PolicyWords(policy).lines {
            #expect(!line.text.contains { $0.isASCII && $0.isLetter }, "\(id) \(line.label): \(line.text)")
        }
        let units = Self.county()
        let proposal = try CohortEnforcement(policy: policy.grading, scope: policy.defaultCohortScope).propose(units)
        #expect(proposal.conflicts.isEmpty)
        #expect(proposal.units.count == units.count)
        let cohorts = Dictionary(grouping: proposal.units) { policy.defaultCohortScope == .county ? "county" : $0.committee }
        for (_, members) in cohorts {
            let excellent = members.count { $0.grade == .excellent }
            let qualified = members.count { $0.grade == .qualified }
            #expect(excellent <= policy.grading.excellentMaxPercent.value * members.count / 100)
            #expect(excellent > 0)
            #expect(qualified >= (policy.grading.qualifiedMinPercent.value * members.count + 99) / 100)
        }
    }

    @Test("the presets differ where their documents do: 篇十二 has no 合格 floor and ratios per committee; 000 and 篇十三 their staff ratios")
    func presetsDiffer() throws {
        let county = try PolicyLoader.cyclePreset("county-default")
        let municipal = try PolicyLoader.cyclePreset("municipal-2019")
        #expect(county.grading.qualifiedMinPercent.value == 10)
        #expect(municipal.grading.qualifiedMinPercent.value == 0)
        #expect(municipal.defaultCohortScope == .committee)
        #expect(municipal.grading.ceiling(for: .failed) == .qualified)
        #expect(try PolicyLoader.cyclePreset("shanxi-2013").roster.excellentPercent(unitGrade: .good, award: true).value == 20)
        #expect(try PolicyLoader.cyclePreset("national-2023").roster.excellentPercent(unitGrade: .excellent, award: false).value == 25)
        #expect(throws: SchemeLoadError.self) { try PolicyLoader.cyclePreset("no-such") }
    }

    @Test("a change is a JSON merge patch on the policy in force; null removes an optional part; the parts changed are named")
    func changes() throws {
        var current = try PolicyLoader.defaultCyclePolicy()
        current.grading.departmentShareCaps = ["good": DepartmentShareCap(excellentMaxPercent: Percentage(uncheckedValue: 20))]
        let changed = try PolicyChange.changes(
            Data(#"{"grading": {"excellentMaxPercent": 25, "departmentShareCaps": null}, "recheck": {"pointsThreshold": 8}}"#.utf8)
        ).applied(to: current)
        #expect(changed.grading.excellentMaxPercent.value == 25)
        #expect(changed.grading.departmentShareCaps == nil)
        #expect(changed.recheck.pointsThreshold == Score(points: 8))
        #expect(changed.grading.qualifiedMinPercent == current.grading.qualifiedMinPercent)
        #expect(changed.roster == current.roster)
        #expect(current.changedParts(to: changed) == [.grading])
        let staff = try PolicyChange.changes(Data(#"{"roster": {"awardBonusPercent": 0}, "spotCheck": {"defaultPercent": 15}}"#.utf8))
            .applied(to: current)
        #expect(current.changedParts(to: staff) == [.roster, .spotCheck])
        #expect(current.changedParts(to: current).isEmpty)
        let refused = #expect(throws: DataFileError.self) { try PolicyChange.changes(Data("[1]".utf8)).applied(to: current) }
        #expect(refused?.rule == "json-object")
        let preset = try PolicyChange.preset("national-2023").applied(to: current)
        #expect(preset.roster.id == "national-2023")
    }

    @Test("a policy round-trips through its JSON with the staff table inline; a preset file's roster is read from its id")
    func roundTrip() throws {
        let policy = try PolicyLoader.cyclePreset("shanxi-2013")
        let decoded = try PolicyLoader.cyclePolicy(from: RulesJSON.encode(policy))
        #expect(decoded == policy)
        #expect(decoded.roster.excellentPercentByUnitGrade["excellent"]?.value == 15)
    }
}
