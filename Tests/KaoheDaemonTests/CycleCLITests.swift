import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Testing

/// The office's cycle steps from the command line, run as the built `kaohe` binary against a fresh
/// database: create and enrol, propose → decide → confirm, publicity, 复议, finalise, appeals, the
/// exports; every refusal exits non-zero with the store's rule, and a step already done says when.
@Suite("Office CLI: a whole cycle — cycle, grading, publicity, objection, appeal, export")
struct CycleCLITests {
    static let county: CountyCode = "990103"
    let cli = OfficeCLITests()

    /// County 990103 with committee `education`, 10 units, office account `zhang`, committee account `edu`.
    func seeded(_ label: String = #function) async throws -> (PostgresConfiguration, PostgresClient, codes: [String]) {
        let (database, client) = try await cli.migrated(label)
        let codes = (1...10).map { OfficeCLITests.code(300 + $0) }
        try await RegistryStore(client: client).enrol(
            county: County(code: Self.county, name: "测试县"),
            committees: [Committee(county: Self.county, id: "education", name: "教育专考委")],
            departments: [Department(county: Self.county, id: "edu-bureau", name: "县教育局")],
            units: codes.enumerated().map {
                UnitRecord(
                    county: Self.county,
                    code: UnitCode($1),
                    name: "第\($0 + 1)中学",
                    committee: "education",
                    department: "edu-bureau",
                    headcount: 40
                )
            }
        )
        try await TestCalendars.loadYearsAhead(client, county: Self.county)
        let accounts = AccountStore(client: client)
        _ = try await accounts.create(Principal(county: Self.county, account: "zhang", role: .office), displayName: "张伟")
        _ = try await accounts.create(
            Principal(county: Self.county, account: "edu", role: .committee, committee: "education"),
            displayName: "教育专考委"
        )
        return (database, client, codes)
    }

    static func sheet(keyTasks: Int) -> UnitScoreSheet {
        var scores: [String: Score] = [:]
        for (id, points) in [
            ("key_tasks", keyTasks), ("main_duties", 28), ("registration", 9), ("innovation", 4), ("excellence", 6),
            ("staff_eval", 3), ("client_eval", 4), ("leader_eval", 9), ("dept_organisation", 2),
            ("dept_staffing", 2), ("dept_hrss", 2), ("dept_finance", 2),
        ] {
            scores[id] = Score(points: points)
        }
        let good = Dictionary(uniqueKeysWithValues: ["political", "cadre", "organisation", "conduct"].map { ($0, QualitativeRating.good) })
        return UnitScoreSheet(scores: scores, qualitative: good)
    }

    @Test(
        "create → enrol → propose → decide → confirm → publicity → 复议 → finalise → appeal → export, by CLI; refusals exit 1 and say when a step was done"
    )
    func wholeCycle() async throws {
        let (database, client, codes) = try await seeded()
        let c = ["--county", Self.county.rawValue, "--cycle", "2026"]
        let now = Date()
        var create = ["cycle", "create"] + c + ["--as", "zhang"]
        for step in ["self_assessment", "assessment", "roster"] {
            create += [
                "--opens", "\(step)=\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))",
                "--deadline", "\(step)=\(ShanghaiTime.format(now.addingTimeInterval(3600)))",
                "--closes", "\(step)=\(ShanghaiTime.format(now.addingTimeInterval(7200)))",
            ]
        }
        let created = try await cli.kaohe(database, create)
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("cycle created"))
        let enrolled = try await cli.kaohe(database, ["cycle", "enrol"] + c + ["--as", "zhang", "--all"])
        #expect(enrolled.status == 0, "\(enrolled.err)")
        #expect(enrolled.out.contains("10 units enrolled"))
        let shown = try await cli.kaohe(database, ["cycle", "show"] + c)
        #expect(shown.out.contains("进行中 open"))

        // 延期: one unit's roster gets a later deadline (audited); an earlier one and no reason are refused.
        let later = String(ShanghaiTime.format(now.addingTimeInterval(3 * 86_400)).prefix(10))
        let extend = ["cycle", "extend"] + c + ["--as", "zhang", "--step", "roster", "--unit", codes[1]]
        let extended = try await cli.kaohe(database, extend + ["--deadline", later, "--reason", "单位遭受洪灾"])
        #expect(extended.status == 0, "\(extended.err)")
        #expect(extended.out.contains("extended for unit \(codes[1]): deadline \(later)T23:59:59"))
        let earlier = try await cli.kaohe(database, extend + ["--deadline", later, "--reason", "再次"])
        #expect(earlier.status == 1)
        #expect(earlier.err.contains("extension.later"))
        let notATime = try await cli.kaohe(database, extend + ["--deadline", "下周", "--reason", "x"])
        #expect(notATime.status != 0)
        #expect(try await CycleStore(client: client).extensions(cycle: CycleRef(county: Self.county, cycle: "2026")).count == 1)

        // A unit account may not act as the office; an unknown account is named.
        let stranger = try await cli.kaohe(database, ["grading", "propose"] + c + ["--as", "nobody"])
        #expect(stranger.status == 1)
        #expect(stranger.err.contains("nobody"))
        let committeeAsOffice = try await cli.kaohe(database, ["grading", "propose"] + c + ["--as", "edu"])
        #expect(committeeAsOffice.status == 1)
        #expect(committeeAsOffice.err.contains("this needs office"))

        // Totals 82…91 except the two lowest, tied at 81: the 合格 floor (⌈10 % × 10⌉ = 1) cuts the tie.
        let committee = Principal(county: Self.county, account: "edu", role: .committee, committee: "education")
        for (index, code) in codes.enumerated() {
            _ = try await FilingStore(client: client).fileAssessment(
                cycle: CycleRef(county: Self.county, cycle: "2026"),
                unit: UnitCode(code),
                sheet: Self.sheet(keyTasks: max(10, 9 + index)),
                principal: committee
            )
        }
        // The first unit's roster: staff 7 graded 不合格 (who appeals below).
        let roster = [
            RosterLine(line: 1, staff: StaffRecord(staffNo: "6", score: Score(points: 80), grade: .competent)),
            RosterLine(line: 2, staff: StaffRecord(staffNo: "7", score: Score(points: 50), grade: .incompetent)),
            RosterLine(line: 3, staff: StaffRecord(staffNo: "8", score: Score(points: 85), grade: .undetermined, underInvestigation: true)),
        ]
        _ = try await FilingStore(client: client).fileRoster(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: UnitCode(codes[0]),
            lines: roster,
            collectiveAward: false,
            principal: Principal(county: Self.county, account: "zhang", role: .office)
        )
        let proposed = try await cli.kaohe(database, ["grading", "propose"] + c + ["--as", "zhang", "--units"])
        #expect(proposed.status == 0, "\(proposed.err)")
        #expect(proposed.out.contains("qualified-floor"))
        let early = try await cli.kaohe(database, ["grading", "confirm"] + c + ["--as", "zhang"])
        #expect(early.status == 1)
        #expect(early.err.contains("grading.conflicts-unresolved"))
        let badDecision = try await cli.kaohe(database, ["grading", "decide"] + c + ["--as", "zhang", "--decision", "cap:x"])
        #expect(badDecision.status != 0)
        let decided = try await cli.kaohe(
            database,
            ["grading", "decide"] + c + ["--as", "zhang", "--decision", "qualified-floor:\(codes[0]):会议纪要3号"]
        )
        #expect(decided.status == 0, "\(decided.err)")
        #expect(decided.out.contains("无冲突"))
        let confirmed = try await cli.kaohe(database, ["grading", "confirm"] + c + ["--as", "zhang"])
        #expect(confirmed.status == 0, "\(confirmed.err)")
        #expect(confirmed.out.contains("grades confirmed"))

        let opened = try await cli.kaohe(database, ["publicity", "open"] + c + ["--as", "zhang"])
        #expect(opened.status == 0, "\(opened.err)")
        let openedAgain = try await cli.kaohe(database, ["publicity", "open"] + c + ["--as", "zhang"])
        #expect(openedAgain.status == 1)
        #expect(openedAgain.err.contains("publicity.already-open"))
        #expect(openedAgain.err.contains("opened at") && openedAgain.err.contains("by zhang"))
        let lateProposal = try await cli.kaohe(database, ["grading", "propose"] + c + ["--as", "zhang"])
        #expect(lateProposal.status == 1)
        #expect(lateProposal.err.contains("grading.publicity-open"))
        let tooEarly = try await cli.kaohe(database, ["publicity", "finalise"] + c + ["--as", "zhang"])
        #expect(tooEarly.status == 1)
        #expect(tooEarly.err.contains("publicity.not-closed"))

        // 异议 during publicity; 复议 is the committee's: the office account is refused.
        let office = Principal(county: Self.county, account: "zhang", role: .office)
        let objection = try await GradingStore(client: client).fileObjection(
            cycle: CycleRef(county: Self.county, cycle: "2026"),
            unit: UnitCode(codes[3]),
            text: "得分有误",
            principal: office
        )
        let review = ["objection", "review"] + c + ["--id", String(objection.id), "--outcome", "rejected", "--note", "经复议维持原等次"]
        let byOffice = try await cli.kaohe(database, review + ["--as", "zhang"])
        #expect(byOffice.status == 1)
        #expect(byOffice.err.contains("this needs committee"))
        let reviewed = try await cli.kaohe(database, review + ["--as", "edu"])
        #expect(reviewed.status == 0, "\(reviewed.err)")
        let reviewedAgain = try await cli.kaohe(database, review + ["--as", "edu"])
        #expect(reviewedAgain.status == 1)
        #expect(reviewedAgain.err.contains("already reviewed"))
        #expect(try await cli.kaohe(database, ["objection", "list"] + c).out.contains("不成立 rejected by edu"))

        // The window closes (moved into the past, as the clock would), then the office finalises once.
        try await client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(Self.county)")
        let finalised = try await cli.kaohe(database, ["publicity", "finalise"] + c + ["--as", "zhang"])
        #expect(finalised.status == 0, "\(finalised.err)")
        #expect(finalised.out.contains("results final"))
        let finalisedAgain = try await cli.kaohe(database, ["publicity", "finalise"] + c + ["--as", "zhang"])
        #expect(finalisedAgain.status == 1)
        #expect(finalisedAgain.err.contains("cycle.results-final"))
        #expect(finalisedAgain.err.contains("finalised at") && finalisedAgain.err.contains("by zhang"))

        // 复核: recorded by the office, decided once.
        let today = try await client.query("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS d").one().decode(
            String.self,
            column: "d"
        )
        let appeal = try await cli.kaohe(
            database,
            ["appeal", "record"] + c + [
                "--as", "zhang", "--unit", codes[0], "--staff-no", "7",
                "--grade", "不合格", "--notified-on", today, "--reason", "不服",
            ]
        )
        #expect(appeal.status == 0, "\(appeal.err)")
        let appealID = try #require(appeal.out.firstMatch(of: /appeal #(\d+)/)?.1).description
        let decide = ["appeal", "decide"] + c + ["--as", "zhang", "--id", appealID, "--outcome", "changed", "--grade", "基本合格"]
        #expect(try await cli.kaohe(database, decide).status == 0)
        let decideAgain = try await cli.kaohe(database, decide)
        #expect(decideAgain.status == 1)
        #expect(decideAgain.err.contains("appeal.already-decided"))
        // 补定等次: staff 8's case closed with a 警告; version 2 was the 复核's.
        let determine = ["appeal", "determine"] + c + ["--as", "zhang", "--unit", codes[0], "--grade", "合格", "--sanction", "warning"]
        let notPending = try await cli.kaohe(database, determine + ["--staff-no", "6", "--case", "结案〔2026〕1号"])
        #expect(notPending.status == 1 && notPending.err.contains("determination.not-pending"), "\(notPending.err)")
        let determined = try await cli.kaohe(database, determine + ["--staff-no", "8", "--case", "结案〔2026〕1号"])
        #expect(determined.status == 0, "\(determined.err)")
        #expect(determined.out.contains("roster version 3"), "\(determined.out)")

        // Exports: the monitor (one row per unit) and the county's history.
        let directory = FileManager.default.temporaryDirectory.path + "/kaohe-cli-export-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try await cli.kaohe(database, ["export", "monitor"] + c + ["--output", directory + "/m.csv"]).status == 0)
        let monitor = try Data(contentsOf: URL(fileURLWithPath: directory + "/m.csv"))
        #expect(Array(monitor.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let monitorLines = String(decoding: monitor, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(monitorLines.count == 11)
        // Codes are kept as text for spreadsheets, `="…"` (ExcelCSV).
        #expect(
            monitorLines.contains {
                $0.hasPrefix("\"=\"\"\(codes[9])\"\"\"") && $0.contains("89.00") && $0.contains("良好") && $0.contains("县教育局")
            }
        )
        #expect(
            try await cli.kaohe(database, ["export", "history", "--county", Self.county.rawValue, "--output", directory + "/h.csv"]).status
                == 0
        )
        let history = String(decoding: try Data(contentsOf: URL(fileURLWithPath: directory + "/h.csv")), as: UTF8.self)
        #expect(history.contains(#""=""2026""","=""2026年度事业单位绩效考核""",final,10,10"#))
        #expect(
            try await cli.kaohe(
                database,
                ["export", "history", "--county", Self.county.rawValue, "--format", "xlsx", "--output", directory + "/h.xlsx"]
            ).status == 0
        )
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/h.xlsx")).prefix(2)) == [0x50, 0x4B])
        #expect(try await cli.kaohe(database, ["cycle", "list", "--county", Self.county.rawValue]).out.contains("final"))
        let missing = try await cli.kaohe(database, ["export", "monitor", "--county", Self.county.rawValue, "--cycle", "2031"])
        #expect(missing.status == 1)

        // The audit trail names the office's account, exactly as the API would.
        let actions = try await client.query(
            "SELECT action, actor FROM audit_log WHERE county = \(Self.county) AND (action LIKE 'grading.%' OR action LIKE 'publicity.%') ORDER BY seq"
        )
        let pairs = try actions.map { "\(try $0.decode(String.self, column: "action")) \(try $0.decode(String.self, column: "actor"))" }
        #expect(
            pairs == [
                "grading.propose 990103/zhang", "grading.decide 990103/zhang", "grading.confirm 990103/zhang",
                "publicity.open 990103/zhang", "publicity.finalise 990103/zhang",
            ]
        )
        await client.close()
    }

    @Test("kaohe calendar load: a bad notice is refused by name, a good one is audited and moves a 公示 across its holidays and 调休 Saturday")
    func calendarLoad() async throws {
        let (database, client, _) = try await seeded()
        let directory = NSTemporaryDirectory() + "kaohe-calendar-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A made-up 2030 notice (no build knows 2030): 春节 2030-02-02 (Sat) to 02-10 (Sun), 调休 Saturday 02-16.
        func notice(makeUp: String) -> String {
            """
            {"year": 2030, "source": "测试用虚构的2030年安排", "timeZone": "Asia/Shanghai", "utcOffsetSeconds": 28800,
             "holidays": [{"name": "元旦", "from": "2030-01-01", "to": "2030-01-01"}, {"name": "春节", "from": "2030-02-02", "to": "2030-02-10"}],
             "makeUpWorkdays": ["\(makeUp)"]}
            """
        }
        try notice(makeUp: "2030-02-13").write(toFile: directory + "/bad.json", atomically: true, encoding: .utf8)
        try notice(makeUp: "2030-02-16").write(toFile: directory + "/2030.json", atomically: true, encoding: .utf8)

        let bad = try await cli.kaohe(database, ["calendar", "load", "--county", Self.county.rawValue, directory + "/bad.json"])
        #expect(bad.status == 1)
        #expect(bad.err.contains("2030-02-13不是周末") && bad.err.contains("calendar.calendar-data"), "\(bad.err)")
        let missing = try await cli.kaohe(database, ["calendar", "load", "--county", "990199", directory + "/2030.json"])
        #expect(missing.status == 1 && missing.err.contains("990199"), "\(missing.err)")
        #expect(try await client.query("SELECT 1 AS one FROM holiday_notices WHERE year = 2030").first == nil)

        let loaded = try await cli.kaohe(database, ["calendar", "load", "--county", Self.county.rawValue, directory + "/2030.json"])
        #expect(loaded.status == 0, "\(loaded.err)")
        #expect(loaded.out.contains("loaded 2030: 2 holiday periods, 1 make-up working days"))
        let list = try await cli.kaohe(database, ["calendar", "list", "--county", Self.county.rawValue])
        #expect(list.out.contains("2026\tbuilt in"), "\(list.out)")
        #expect(list.out.split(separator: "\n").contains { $0.hasPrefix("2030\tloaded") && $0.contains("by cli:") }, "\(list.out)")
        let audit = try await client.query(
            "SELECT actor, object FROM audit_log WHERE county = \(Self.county) AND action = 'calendar.load'"
        ).map { "\(try $0.decode(String.self, column: "actor")) \(try $0.decode(String.self, column: "object"))" }
        #expect(audit.count == 1 && audit[0].hasPrefix("cli:") && audit[0].hasSuffix(" calendars/2030"), "\(audit)")

        // The county's calendar now knows 2030: a 公示 of 5 working days opened Wednesday 2030-02-13
        // runs 14, 15, the 调休 Saturday 16, 18, 19; one opened before the holidays skips all nine days.
        let calendar = try await client.withConnection { try await CalendarStore.calendar(on: $0, county: Self.county) }
        #expect(
            try PublicityWindow(opensOn: CivilDate(parsing: "2030-02-13"), workingDays: 5, calendar: calendar).closesOn.description
                == "2030-02-19"
        )
        #expect(
            try PublicityWindow(opensOn: CivilDate(parsing: "2030-01-30"), workingDays: 5, calendar: calendar).closesOn.description
                == "2030-02-13"
        )
        // Another county's calendar does not.
        let other = try await client.withConnection { try await CalendarStore.calendar(on: $0, county: "990199") }
        #expect(throws: CalendarError.self) { try other.isWorkingDay(CivilDate(parsing: "2030-02-16")) }

        // The text form (`--year`): the notice's wording, a made-up 2031 (春节 Thu 23 – Sat 25
        // January, 调休 Sunday 26 January); a line that cannot be read names its line.
        try "元旦：1月1日\n春节：1月32日至25日".write(toFile: directory + "/bad.txt", atomically: true, encoding: .utf8)
        try "测试用虚构的2031年安排\n一、元旦：1月1日（周三）放假1天。\n二、春节：1月23日（周四）至25日（周六）放假调休，共3天。1月26日（周日）上班。\n"
            .write(toFile: directory + "/2031.txt", atomically: true, encoding: .utf8)
        let badText = try await cli.kaohe(
            database,
            ["calendar", "load", "--county", Self.county.rawValue, "--year", "2031", directory + "/bad.txt"]
        )
        #expect(badText.status == 1)
        #expect(badText.err.contains("第2行:日期“1月32日”不存在") && badText.err.contains("calendar.calendar-text"), "\(badText.err)")
        let text = try await cli.kaohe(
            database,
            ["calendar", "load", "--county", Self.county.rawValue, "--year", "2031", "--source", "虚构的2031年通知", directory + "/2031.txt"]
        )
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("loaded 2031: 2 holiday periods, 1 make-up working days (虚构的2031年通知)"), "\(text.out)")
        #expect(text.out.contains("春节\t2031-01-23 – 2031-01-25") && text.out.contains("调休上班\t2031-01-26"), "\(text.out)")
        await client.close()
    }

    @Test(
        "kaohe cycle policy: created from a preset, shown in words, a bound refused by name, a change saved and audited, tried on the filings; kaohe rules grade --policy grades under a policy file"
    )
    func cyclePolicy() async throws {
        let (database, client, _) = try await seeded()
        let county = Self.county.rawValue
        let created = try await cli.kaohe(
            database,
            ["cycle", "create", "--county", county, "--cycle", "2027", "--as", "zhang", "--preset", "municipal-2019"]
        )
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("scheme municipal-2019, policy tied-2023"), "\(created.out)")
        let shown = try await cli.kaohe(database, ["cycle", "policy", "show", "--county", county, "--cycle", "2027"])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(shown.out.contains("第1版") && shown.out.contains("合格及以下据实确定(无下限)") && shown.out.contains("按专业考核委员会分别计算"), "\(shown.out)")
        let refused = try await cli.kaohe(
            database,
            [
                "cycle", "policy", "set", "--county", county, "--cycle", "2027", "--as", "zhang", "--changes",
                #"{"grading": {"excellentMaxPercent": 40}}"#,
            ]
        )
        #expect(refused.status == 1)
        #expect(refused.err.contains("policy.excellent-cap") && refused.err.contains("高于文件规定的30%"), "\(refused.err)")
        let saved = try await cli.kaohe(
            database,
            [
                "cycle", "policy", "set", "--county", county, "--cycle", "2027", "--as", "zhang", "--reason", "县实施方案",
                "--changes", #"{"grading": {"excellentMaxPercent": 20}}"#,
            ]
        )
        #expect(saved.status == 0, "\(saved.err)")
        #expect(saved.out.contains("第2版") && saved.out.contains("优秀不超过20%"), "\(saved.out)")
        let audited = try await client.query(
            "SELECT details->>'changed' AS changed, details->>'reason' AS reason FROM audit_log WHERE county = \(Self.county) AND action = 'cycle.policy'"
        ).map { "\(try $0.decode(String.self, column: "changed")) \(try $0.decode(String.self, column: "reason"))" }
        #expect(audited.first == "grading 县实施方案")
        let tried = try await cli.kaohe(
            database,
            ["cycle", "policy", "try", "--county", county, "--cycle", "2027", "--preset", "county-default"]
        )
        #expect(tried.status == 0, "\(tried.err)")
        #expect(tried.out.contains("试算 dry run: 0 个单位"), "\(tried.out)")
        // A new year: 2028 created, 2027's policy copied into it.
        #expect(try await cli.kaohe(database, ["cycle", "create", "--county", county, "--cycle", "2028", "--as", "zhang"]).status == 0)
        let copied = try await cli.kaohe(
            database,
            ["cycle", "policy", "set", "--county", county, "--cycle", "2028", "--as", "zhang", "--copy-from", "2027", "--reason", "沿用上年政策"]
        )
        #expect(copied.status == 0, "\(copied.err)")
        #expect(copied.out.contains("优秀不超过20%") && copied.out.contains("按专业考核委员会分别计算"), "\(copied.out)")
        let noSuch = try await cli.kaohe(
            database,
            ["cycle", "policy", "set", "--county", county, "--cycle", "2028", "--as", "zhang", "--copy-from", "2019"]
        )
        #expect(noSuch.status == 1 && noSuch.err.contains("--copy-from 2019"), "\(noSuch.err)")
        let json = try await cli.kaohe(database, ["cycle", "policy", "show", "--county", county, "--cycle", "2027", "--json"])
        let policy = try PolicyLoader.cyclePolicy(from: Data(json.out.utf8))
        #expect(policy.grading.excellentMaxPercent.value == 20 && policy.defaultScheme == "municipal-2019")

        // The same policy, as a file, for the rules alone: 6 of 10 units in the 优秀 band, 2 keep it under 20 % (3 under 30 %).
        let directory = NSTemporaryDirectory() + "kaohe-policy-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var countyWide = policy
        countyWide.defaultScheme = "county-2021"
        countyWide.defaultCohortScope = .county
        try RulesJSON.encode(countyWide).write(to: URL(fileURLWithPath: directory + "/policy.json"))
        var tooMany = countyWide
        tooMany.grading.excellentMaxPercent = Percentage(uncheckedValue: 40)
        try RulesJSON.encode(tooMany).write(to: URL(fileURLWithPath: directory + "/too-many.json"))
        let units = (21...30).map { main in
            #"{"code": "\#(OfficeCLITests.code(400 + main))", "committee": "education", "scores": {"key_tasks": 20, "main_duties": \#(main), "registration": 9, "innovation": 4, "excellence": 6, "staff_eval": 3, "client_eval": 4, "leader_eval": 9, "dept_organisation": 2, "dept_staffing": 2, "dept_hrss": 2, "dept_finance": 2}, "qualitative": {"political": "good", "cadre": "good", "organisation": "good", "conduct": "good"}}"#
        }
        let input = Data(#"{"units": [\#(units.joined(separator: ","))]}"#.utf8)
        func grade(_ arguments: [String]) async throws -> (status: Int32, excellent: Int, err: String) {
            let process = try DaemonProcess("kaohe", ["rules", "grade"] + arguments, input: input)
            let status = try await process.waitForExit(timeout: .seconds(60))
            let output = (try? JSONSerialization.jsonObject(with: Data(process.standardOutput.utf8))) as? [String: Any]
            let excellent = (output?["units"] as? [[String: Any]] ?? []).count { $0["grade"] as? String == "excellent" }
            return (status, excellent, process.standardError)
        }
        #expect(try await grade([]).excellent == 3)
        #expect(try await grade(["--policy", directory + "/policy.json"]).excellent == 2)
        let bound = try await grade(["--policy", directory + "/too-many.json"])
        #expect(bound.status == 2 && bound.err.contains("policy.excellent-cap"), "\(bound.err)")

        // The county's own scheme for 2028 (no step open yet), from a file; one posing as the
        // built-in scheme is refused by name; `none` goes back.
        var own = try SchemeLoader.builtIn("county-2021")
        own.id = "county-\(county)-2028"
        own.title = "本县2028年度单位绩效考核指标"
        try RulesJSON.encode(own).write(to: URL(fileURLWithPath: directory + "/scheme.json"))
        var posing = own
        posing.id = "county-2021"
        try RulesJSON.encode(posing).write(to: URL(fileURLWithPath: directory + "/posing.json"))
        func setScheme(_ file: String) async throws -> (status: Int32, out: String, err: String) {
            try await cli.kaohe(
                database,
                ["cycle", "policy", "set", "--county", county, "--cycle", "2028", "--as", "zhang", "--scheme", file, "--reason", "县实施方案"]
            )
        }
        var schemeSet = try await setScheme(directory + "/posing.json")
        #expect(schemeSet.status == 1 && schemeSet.err.contains("policy.scheme-id"), "\(schemeSet.err)")
        schemeSet = try await setScheme(directory + "/scheme.json")
        #expect(schemeSet.status == 0, "\(schemeSet.err)")
        #expect(schemeSet.out.contains("县自定指标体系“本县2028年度单位绩效考核指标”"), "\(schemeSet.out)")
        schemeSet = try await setScheme("none")
        #expect(schemeSet.status == 0, "\(schemeSet.err)")
        #expect(!schemeSet.out.contains("县自定指标体系") && schemeSet.out.contains("考核指标"), "\(schemeSet.out)")
        await client.close()
    }
}
