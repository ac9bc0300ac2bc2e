import Foundation
public import KaoheRules
public import KaoheStore
public import Postgres

/// 监控基准县: the county the monitor is measured on (issue 5 item 7: 500 units, 25,000 staff) —
/// `kaohe-bench monitor` builds it with this generator.
/// County 990101 基准县: `units` units in 4 committees, one department; cycle 2026 with every step
/// open; each unit's committee assessment (totals spread 76.00, 76.03, …: no ties up to 500 units, repeating past that), a roster of
/// `staffPerUnit` staff (12 proposed 优秀 — over quota for most units, so the monitor carries open
/// violations — one 基本合格, the rest 合格), and the office's grading proposal. Filed through the
/// stores (each filing in its own transaction with its audit entry, as over the API), then
/// `ANALYZE`d, as autovacuum would shortly after a bulk load.
public struct MonitorBenchCounty: Sendable {
    /// The county code.
    public static let county: CountyCode = "990101"
    /// The cycle.
    public static let cycle: CycleID = "2026"
    /// The cycle as one value.
    public static var cycleRef: CycleRef { CycleRef(county: county, cycle: cycle) }
    /// The four committees.
    public static let committees = ["education", "health", "agriculture", "culture"]

    /// Units in the county.
    public var units: Int
    /// Staff per unit's roster.
    public var staffPerUnit: Int
    /// Its code: `county` (990101) for the county measured, another for its neighbours.
    public var code: CountyCode
    /// Its cycle.
    public var ref: CycleRef { CycleRef(county: code, cycle: Self.cycle) }

    /// A county of `units` units with `staffPerUnit` staff each (default: the 500 × 50).
    public init(units: Int = 500, staffPerUnit: Int = 50, code: CountyCode = Self.county) {
        self.units = units
        self.staffPerUnit = staffPerUnit
        self.code = code
    }

    /// `count` counties of the same size beside the measured one (990102, 990103, …), built before
    /// it so that its figures are taken in a database that also holds other counties (issue 21).
    public func neighbours(_ count: Int) -> [MonitorBenchCounty] {
        (0..<count).map { MonitorBenchCounty(units: units, staffPerUnit: staffPerUnit, code: CountyCode(rawValue: String(990_102 + $0))) }
    }

    /// The `serial`th unit's code of county 990101: `12990101` + 9 digits + the GB 32100 check symbol.
    public static func code(_ serial: Int) -> UnitCode {
        MonitorBenchCounty().unitCode(serial)
    }

    /// The `serial`th unit's code in this county: `12` + its code + 9 digits + the check symbol.
    public func unitCode(_ serial: Int) -> UnitCode {
        UnitCode(UnifiedSocialCreditCode.publicInstitution(division: code, serial: serial))
    }

    /// What was built: the office's account and token (to call the API as the office).
    public struct Built: Sendable {
        /// The office account's principal.
        public var office: Principal
        /// Its bearer token (`kh_…`).
        public var officeToken: String
        /// The units' codes.
        public var codes: [UnitCode]
    }

    /// Builds the county in a migrated, empty database; `progress` is told after each 100 units.
    /// The units file `concurrently` at a time (each still its own filing and audit entry, batched
    /// by `FilingBatcher` as concurrent requests are); `propose` false leaves the grading to the caller.
    public func build(
        client: PostgresClient,
        concurrently: Int = 1,
        propose: Bool = true,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Built {
        let county = code
        let codes = (1...units).map(unitCode)
        try await RegistryStore(client: client).enrol(
            county: County(code: county, name: county == Self.county ? "基准县" : "邻县\(county.rawValue)"),
            committees: Self.committees.map { Committee(county: county, id: $0, name: "\($0)专考委") },
            departments: [Department(county: county, id: "dept", name: "主管部门")],
            units: codes.enumerated().map {
                UnitRecord(
                    county: county,
                    code: $1,
                    name: "单位\($0)",
                    committee: Self.committees[$0 % Self.committees.count],
                    department: "dept",
                    headcount: staffPerUnit
                )
            }
        )
        let accounts = AccountStore(client: client)
        let office = Principal(county: county, account: "office", role: .office)
        let token = try await accounts.create(office, displayName: "县事考办").token.secret
        var committeePrincipals: [String: Principal] = [:]
        for committee in Self.committees {
            let principal = Principal(county: county, account: committee, role: .committee, committee: committee)
            _ = try await accounts.create(principal, displayName: committee)
            committeePrincipals[committee] = principal
        }
        let now = Date()
        let times = StepTimes(
            opensAt: now.addingTimeInterval(-86_400),
            deadline: now.addingTimeInterval(86_400),
            closesAt: now.addingTimeInterval(2 * 86_400)
        )
        let cycles = CycleStore(client: client)
        _ = try await cycles.put(
            county: county,
            definition: CycleDefinition(
                cycle: Self.cycle,
                kind: .annual,
                title: "2026年度事业单位绩效考核",
                scheme: "county-2021",
                policy: "tied-2023",
                steps: Dictionary(uniqueKeysWithValues: FilingStep.allCases.map { ($0, times) })
            ),
            actor: office.actor,
            account: office.account
        )
        _ = try await cycles.enrol(cycle: CycleRef(county: county, cycle: Self.cycle), units: codes, actor: office.actor)
        let filings = FilingStore(client: client)
        let roster = (1...staffPerUnit).map { n -> RosterLine in
            let grade: StaffGrade = n <= 12 ? .excellent : (n == staffPerUnit ? .basic : .competent)
            let score = n <= 12 ? 95 : (n == staffPerUnit ? 65 : 80)
            return RosterLine(line: n, staff: StaffRecord(staffNo: "\(n)", score: Score(points: score), grade: grade), name: "职工\(n)")
        }
        let cycle = CycleRef(county: county, cycle: Self.cycle)
        let principals = committeePrincipals
        let fileUnit: @Sendable (Int) async throws -> Void = { index in
            _ = try await filings.fileAssessment(
                cycle: cycle,
                unit: codes[index],
                // 5.00, 5.03, … 19.97 for the first 500 units (no ties); past that 重点任务 wraps
                // within its maximum of 20, and totals repeat (ties, as a province has).
                sheet: Self.sheet(keyTasksHundredths: 500 + (3 * index) % 1501),
                principal: principals[Self.committees[index % Self.committees.count]]!
            )
            _ = try await filings.fileRoster(cycle: cycle, unit: codes[index], lines: roster, collectiveAward: false, principal: office)
        }
        let width = max(1, concurrently)
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var done = 0
            while next < min(width, codes.count) {
                let index = next
                group.addTask {
                    try await fileUnit(index)
                    return index
                }
                next += 1
            }
            while try await group.next() != nil {
                done += 1
                if done % 100 == 0 { progress(done) }
                if next < codes.count {
                    let index = next
                    group.addTask {
                        try await fileUnit(index)
                        return index
                    }
                    next += 1
                }
            }
        }
        try await Self.loadYearsAhead(client: client, county: county, actor: office.actor)
        if propose {
            _ = try await GradingStore(client: client).propose(cycle: CycleRef(county: county, cycle: Self.cycle), principal: office)
        }
        try await client.execute("ANALYZE")
        return Built(office: office, officeToken: token, codes: codes)
    }

    /// A county-2021 sheet: 71 points besides 重点任务, all qualitative points 好.
    /// 公示 opened today and a staff appeal notified today reach into next year's calendar in late
    /// December: for this year and next, where no notice is built in, a **made-up** one (1 January
    /// only, and its source says it is not a State Council notice), as the tests load.
    static func loadYearsAhead(client: PostgresClient, county: CountyCode, actor: String) async throws {
        let today = CivilDate(daysSinceEpoch: (Int(Date().timeIntervalSince1970) + 8 * 3600) / 86_400)
        for year in today.year...today.year + 1 where !WorkingDayCalendar.builtInYears.contains(year) {
            let newYear = try CivilDate(year: year, month: 1, day: 1)
            let notice = HolidayNotice(
                year: year,
                source: "基准用虚构安排:仅元旦放假,不是国务院通知 / made up for the benchmark, not a State Council notice",
                timeZone: "Asia/Shanghai",
                utcOffsetSeconds: 8 * 3600,
                holidays: [HolidayPeriod(name: "元旦", from: newYear, to: newYear)],
                makeUpWorkdays: []
            )
            _ = try await CalendarStore(client: client).load(county: county, notice: notice, actor: actor)
        }
    }

    public static func sheet(keyTasksHundredths: Int) -> UnitScoreSheet {
        var scores: [String: Score] = ["key_tasks": Score(hundredths: Int64(keyTasksHundredths))]
        for (id, points) in [
            ("main_duties", 28), ("registration", 9), ("innovation", 4), ("excellence", 6), ("staff_eval", 3), ("client_eval", 4),
            ("leader_eval", 9), ("dept_organisation", 2), ("dept_staffing", 2), ("dept_hrss", 2), ("dept_finance", 2),
        ] {
            scores[id] = Score(points: points)
        }
        let good = Dictionary(uniqueKeysWithValues: ["political", "cadre", "organisation", "conduct"].map { ($0, QualitativeRating.good) })
        return UnitScoreSheet(scores: scores, qualitative: good)
    }
}
