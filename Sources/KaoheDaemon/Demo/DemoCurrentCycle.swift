import Foundation
import KaoheRules
import KaoheStore
import Logging

/// The current cycle (2026年度), seeded mid-way: the self-assessment and committee deadlines have
/// just passed (late filings still accepted for 7 days), most units filed on time, a few late, a few
/// not at all; rosters are coming in (deadline in 9 days), some over their 优秀 quota or against a
/// bound; the office has held the spot-check draw (dice seed), reviewers have filed some re-checks —
/// one differs enough to override its committee — and the grading proposal has a tie at the last
/// 优秀 place waiting for the office's decision.
///
/// Everything goes through the stores the API uses. Filings are stamped by the database clock, so
/// "late" needs the deadline to pass while seeding: ``start(_:)`` sets the deadline
/// ``deadlineDelay`` ahead and makes the on-time filings; the caller seeds other things (the
/// previous cycle) while it passes, and ``finish(_:_:)`` makes the late filings and the rest,
/// waiting only for whatever of the delay is left.
enum DemoCurrentCycle {
    static let cycle: CycleID = "2026"
    /// The dice digits of the office's public draw (掷骰), fixed so the sample is the same every time.
    static let drawSeed = "20261122314159265358979"
    /// How long after the seeding starts the two passed deadlines fall.
    static let deadlineDelay: TimeInterval = 2

    /// How a filing of the plan goes.
    enum Filing: Equatable { case onTime, late, missing }

    /// One unit's part in the cycle.
    struct Plan {
        var selfAssessment: Filing = .onTime
        var assessment: Filing = .onTime
        /// The committee's total in hundredths (nil when no assessment).
        var total: Int?
        var poor = 0
        var fair = false
        var roster = true
        var overQuota = false
        var boundBreaches = 0
    }

    /// Units by registry index (12 per committee, in committee order).
    static let missingAssessment: Set<Int> = [7, 19, 30, 44]
    static let lateAssessment: Set<Int> = [5, 40]
    static let missingSelfAssessment: Set<Int> = [19, 27, 45]
    static let lateSelfAssessment: Set<Int> = [2, 14, 33, 41]
    static let missingRoster: Set<Int> = [9, 19, 27, 38, 45]
    static let overQuota: Set<Int> = [0, 15, 29]
    static let boundBreaches: [Int: Int] = [0: 1, 37: 2]

    /// Committee totals for the 44 assessed units (hundredths): 12 distinct 优秀, two tied at the
    /// 13th and last 优秀 place (⌊30 % × 44⌋ = 13), one more in the 优秀 band, one 93.00 with a 差
    /// (capped at 良好), 21 良好, 6 合格 (⌈10 % × 44⌉ = 5 needed), one 较差.
    static let excellent = [9_760, 9_690, 9_620, 9_555, 9_480, 9_430, 9_390, 9_345, 9_310, 9_275, 9_240, 9_205]
    static let tiedTotal = 9_150
    static let vetoTotal = 9_300
    static func totals() -> [(total: Int, poor: Int)] {
        var totals: [(total: Int, poor: Int)] = excellent.map { ($0, 0) }
        totals += [(tiedTotal, 0), (tiedTotal, 0), (9_080, 0), (vetoTotal, 1)]
        totals += (0..<21).map { (7_100 + $0 * 88, 0) }
        totals += [6_050, 6_210, 6_380, 6_520, 6_700, 6_890].map { ($0, 0) }
        totals.append((5_620, 0))
        return totals
    }

    static func plans(count: Int, random: inout SeededRandom) -> [Plan] {
        var totals = totals()
        for index in totals.indices.reversed() { totals.swapAt(index, random.below(index + 1)) }
        var plans: [Plan] = []
        for index in 0..<count {
            var plan = Plan()
            if missingSelfAssessment.contains(index) { plan.selfAssessment = .missing }
            if lateSelfAssessment.contains(index) { plan.selfAssessment = .late }
            if missingAssessment.contains(index) {
                plan.assessment = .missing
            } else {
                if lateAssessment.contains(index) { plan.assessment = .late }
                let (total, poor) = totals.removeFirst()
                plan.total = total
                plan.poor = poor
                plan.fair = random.chance(20)
            }
            plan.roster = !missingRoster.contains(index)
            plan.overQuota = overQuota.contains(index)
            plan.boundBreaches = boundBreaches[index] ?? 0
            plans.append(plan)
        }
        return plans
    }

    /// The 优秀 share a unit proposes for its staff, from the grade its committee total suggests.
    static func excellentPercent(_ plan: Plan) -> Int {
        guard let total = plan.total else { return 15 }
        // A unit in the 优秀 band may still be held to 良好 by the 30 % cap, so it plans for 良好's 20 %.
        return total >= 7_000 ? 20 : total >= 6_000 ? 15 : 0
    }

    /// The cycle opened with its on-time filings made, its two deadlines still to pass.
    struct Started {
        var plans: [Plan]
        var random: SeededRandom
        var deadline: Date
    }

    /// Creates the cycle with its self-assessment and assessment deadlines ``deadlineDelay`` ahead,
    /// enrols the units and makes the on-time filings.
    static func start(_ context: DemoContext) async throws -> Started {
        var random = SeededRandom(seed: 2026)
        let plans = plans(count: context.units.count, random: &random)
        let start = Date()
        let deadline = Date(timeIntervalSince1970: (start.timeIntervalSince1970 + deadlineDelay).rounded(.up))
        let today = DemoContext.shanghaiDay(start)
        func passed(opensDay: Int) -> StepTimes {
            StepTimes(
                opensAt: ShanghaiTime.instant(today.adding(days: opensDay)),
                deadline: deadline,
                closesAt: deadline.addingTimeInterval(CycleDefaults.grace)
            )
        }
        let definition = CycleDefinition(
            cycle: cycle,
            kind: .annual,
            title: "\(cycle)年度事业单位绩效考核",
            scheme: "county-2021",
            policy: "tied-2023",
            steps: [
                .selfAssessment: passed(opensDay: -35),
                .assessment: passed(opensDay: -25),
                .roster: DemoContext.step(opensDay: -35, deadlineDay: 9, today: start),
            ]
        )
        let office = context.accounts.office
        let cycles = CycleStore(client: context.client)
        _ = try await cycles.put(county: context.county, definition: definition, actor: office.actor, account: office.account)
        _ = try await cycles.enrol(
            cycle: CycleRef(county: context.county, cycle: cycle),
            units: context.units.map(\.code),
            actor: office.actor
        )
        try await file(.onTime, context, plans: plans, random: &random)
        if Date() > deadline {
            context.logger.warning("demo: the on-time filings took longer than \(deadlineDelay) s; some are marked late")
        }
        return Started(plans: plans, random: random, deadline: deadline)
    }

    /// Once the deadlines have passed (it waits for what is left of them): the late filings, the
    /// rosters, the draw, the re-checks and the grading proposal. Returns the draw.
    static func finish(_ context: DemoContext, _ started: Started) async throws -> SpotCheckRecord {
        var random = started.random
        let plans = started.plans
        let wait = started.deadline.timeIntervalSinceNow + 0.05
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1_000))) }
        try await file(.late, context, plans: plans, random: &random)

        let office = context.accounts.office
        let filings = FilingStore(client: context.client)
        for (unit, plan) in zip(context.units, plans) where plan.roster {
            let shape = DemoPeople.RosterShape(
                unit: unit.code,
                staff: unit.headcount,
                excellentPercent: excellentPercent(plan),
                overQuota: plan.overQuota,
                boundBreaches: plan.boundBreaches
            )
            _ = try await filings.fileRoster(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: unit.code,
                lines: DemoPeople.roster(shape, random: &random),
                collectiveAward: unit.headcount % 11 == 0,
                principal: context.account(of: unit)
            )
        }

        let draw = try await SpotCheckStore(client: context.client).draw(
            cycle: CycleRef(county: context.county, cycle: cycle),
            actor: office.actor,
            seed: try DrawSeed(drawSeed),
            reason: nil
        )
        try await fileRechecks(context, plans: plans, draw: draw, random: &random)
        let grading = try await GradingStore(client: context.client).propose(
            cycle: CycleRef(county: context.county, cycle: cycle),
            principal: office
        )
        if grading.conflicts.isEmpty { context.logger.warning("demo: the grading proposal has no conflict") }
        return draw
    }

    /// Files the self-assessments and assessments the plans make `filing` (on time or late).
    static func file(_ filing: Filing, _ context: DemoContext, plans: [Plan], random: inout SeededRandom) async throws {
        let filings = FilingStore(client: context.client)
        for (unit, plan) in zip(context.units, plans) {
            if plan.selfAssessment == filing {
                _ = try await filings.fileSelfAssessment(
                    cycle: CycleRef(county: context.county, cycle: cycle),
                    unit: unit.code,
                    report: DemoReports.selfAssessment(unit, year: cycle.rawValue, random: &random),
                    principal: context.account(of: unit)
                )
            }
            if plan.assessment == filing, let total = plan.total {
                _ = try await filings.fileAssessment(
                    cycle: CycleRef(county: context.county, cycle: cycle),
                    unit: unit.code,
                    sheet: DemoScores.sheet(hundredths: total, poor: plan.poor, fair: plan.fair, random: &random),
                    principal: context.committee(of: unit)
                )
            }
        }
    }

    /// Re-checks (实地二次评价) by the assigned reviewers of up to five sampled units that have a
    /// committee assessment: one 6.20 points below its committee's (it overrides), the others
    /// within a few points (they do not); the remaining sampled units are still to be visited.
    static func fileRechecks(_ context: DemoContext, plans: [Plan], draw: SpotCheckRecord, random: inout SeededRandom) async throws {
        let index = Dictionary(uniqueKeysWithValues: context.units.enumerated().map { ($1.code, $0) })
        let selected = (draw.selection?.selected ?? []).map(\.code).filter { plans[index[$0]!].total != nil }
        let overriding =
            selected.first { (7_700...8_860).contains(plans[index[$0]!].total!) }
            ?? selected.first { (6_000..<7_000).contains(plans[index[$0]!].total!) }
        let assignments = Dictionary(uniqueKeysWithValues: (draw.reviewerAssignments ?? []).map { ($0.unitCode, $0.reviewers.map(\.id)) })
        let chosen = ([overriding].compactMap { $0 } + selected.filter { $0 != overriding }).prefix(5)
        let store = GradingStore(client: context.client)
        for code in chosen {
            guard let reviewer = assignments[code]?.first, var principal = context.accounts.reviewers[reviewer] else { continue }
            principal.assignedUnits = [code]
            let plan = plans[index[code]!]
            let total: Int
            if code == overriding {
                total = plan.total! >= 7_000 ? plan.total! - 620 : plan.total! + 550
            } else {
                total = min(10_000, max(0, plan.total! + random.within(-300...250)))
            }
            _ = try await store.fileRecheck(
                cycle: CycleRef(county: context.county, cycle: cycle),
                unit: code,
                reviewer: reviewer,
                sheet: DemoScores.sheet(hundredths: total, poor: plan.poor, random: &random),
                principal: principal
            )
        }
    }
}
