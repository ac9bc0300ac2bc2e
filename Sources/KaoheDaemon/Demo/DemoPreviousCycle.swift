import Foundation
import KaoheRules
import KaoheStore

/// The previous cycle (2025年度), finished: every unit filed, the committees assessed all 48, the
/// spot check was drawn and its units re-checked (none overridden), the grades were confirmed
/// without a tie, publicised from 12 Feb 2026 (closing 26 Feb after the Spring Festival) and
/// finalised — the county's history and a 公示 list to print.
///
/// It goes through the same stores as the current cycle, today: its filings carry today's date,
/// and its steps are opened long ago and closed by the office's hand once everything is in.
enum DemoPreviousCycle {
    static let cycle: CycleID = "2025"
    static let drawSeed = "20260105271828182845904"
    static let publicityOpensOn = "2026-02-12"

    /// 48 distinct totals (hundredths): 13 in the 优秀 band (under ⌊30 % × 48⌋ = 14), 6 合格, 1 较差, 28 良好.
    static func totals() -> [Int] {
        var totals = (0..<13).map { 9_050 + $0 * 61 }
        totals += (0..<28).map { 7_040 + $0 * 69 }
        totals += [6_120, 6_280, 6_440, 6_610, 6_760, 6_930]
        totals.append(5_840)
        return totals
    }

    static func seed(_ context: DemoContext) async throws {
        var random = SeededRandom(seed: 2025)
        var totals = totals()
        for index in totals.indices.reversed() { totals.swapAt(index, random.below(index + 1)) }
        let office = context.accounts.office
        let step = DemoContext.step(opensDay: -400, deadlineDay: 0)
        let definition = CycleDefinition(
            cycle: cycle,
            kind: .annual,
            title: "\(cycle)年度事业单位绩效考核",
            scheme: "county-2021",
            policy: "tied-2023",
            steps: [.selfAssessment: step, .assessment: step, .roster: step]
        )
        let cycles = CycleStore(client: context.client)
        _ = try await cycles.put(county: context.county, definition: definition, actor: office.actor, account: office.account)
        _ = try await cycles.enrol(
            cycle: CycleRef(county: context.county, cycle: cycle),
            units: context.units.map(\.code),
            actor: office.actor
        )

        let filings = FilingStore(client: context.client)
        for (unit, total) in zip(context.units, totals) {
            _ = try await filings.fileSelfAssessment(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: unit.code,
                report: DemoReports.selfAssessment(unit, year: cycle.rawValue, random: &random),
                principal: context.account(of: unit)
            )
            _ = try await filings.fileAssessment(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: unit.code,
                sheet: DemoScores.sheet(hundredths: total, poor: 0, fair: random.chance(15), random: &random),
                principal: context.committee(of: unit)
            )
            let shape = DemoPeople.RosterShape(
                unit: unit.code,
                staff: unit.headcount,
                excellentPercent: total >= 9_000 ? 25 : total >= 7_000 ? 20 : total >= 6_000 ? 15 : 0,
                overQuota: false,
                boundBreaches: 0
            )
            _ = try await filings.fileRoster(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: unit.code,
                lines: DemoPeople.roster(shape, random: &random),
                collectiveAward: false,
                principal: context.account(of: unit)
            )
        }
        for filingStep in FilingStep.allCases {
            _ = try await cycles.closeStep(
                cycle: CycleRef(county: context.county, cycle: cycle),
                step: filingStep,
                actor: office.actor,
                account: office.account
            )
        }

        let draw = try await SpotCheckStore(client: context.client).draw(
            cycle: CycleRef(county: context.county, cycle: cycle),
            actor: office.actor,
            seed: try DrawSeed(drawSeed),
            reason: nil
        )
        let byCode = Dictionary(uniqueKeysWithValues: zip(context.units.map(\.code), totals))
        // The demo's history stands on the day its 公示 opened (12 Feb 2026): the store refuses a
        // window opened before today, and this one is told today is that day.
        let grading = GradingStore(client: context.client, clock: .manual(ManualClock(day: publicityOpensOn)))
        for assignment in draw.reviewerAssignments ?? [] {
            guard let reviewer = assignment.reviewers.first?.id, var principal = context.accounts.reviewers[reviewer],
                let total = byCode[assignment.unitCode]
            else { continue }
            principal.assignedUnits = [assignment.unitCode]
            let recheck = min(10_000, max(0, total + random.within(-250...200)))
            _ = try await grading.fileRecheck(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: assignment.unitCode,
                reviewer: reviewer,
                sheet: DemoScores.sheet(hundredths: recheck, poor: 0, random: &random),
                principal: principal
            )
        }
        _ = try await grading.propose(cycle: CycleRef(county: context.county, cycle: cycle), principal: office)
        _ = try await grading.confirm(cycle: CycleRef(county: context.county, cycle: cycle), principal: office)
        _ = try await grading.openPublicity(
            cycle: CycleRef(county: context.county, cycle: cycle),
            opensOn: publicityOpensOn,
            principal: office
        )
        _ = try await grading.finalise(cycle: CycleRef(county: context.county, cycle: cycle), principal: office)
    }
}
