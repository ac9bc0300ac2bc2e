import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheJobs
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// What decides grades besides the scores, through the live API: 附件3 events (不得确定为优秀 /
/// 直接确定为较差), departments' annual results (篇十二 (五)), ratio breaches after 复议 blocking
/// finalisation until the office rules (比例研判), and a cycle's own spot-check rate and strata.
@Suite("Grading inputs: events, department results, ratio rulings, the cycle's spot-check rate")
struct GradingInputsAPITests {
    typealias F = FilingAPIFixture
    static let a = F.unitA, b = F.unitB, c = F.unitC
    static let grading = "\(F.cycleBase)/2026/grading"

    static func units(_ body: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (body["units"] as? [[String: Any]] ?? []).map { ($0["code"] as? String ?? "", $0) })
    }

    static func grades(_ body: [String: Any]) -> [String: String] {
        units(body).mapValues { $0["grade"] as? String ?? "" }
    }

    static func rules(_ body: [String: Any], _ unit: String) -> [String] {
        (units(body)[unit]?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
    }

    @Test(
        "直接确定为较差 and 不得确定为优秀 events: office only, audited, honoured by the proposal at once, withdrawn on record, shown in grading and monitor"
    )
    func events() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // A 91.00 (band 优秀), B 85.00, C 88.00: three units, so no 优秀 place (⌊30 % × 3⌋ = 0) and one 合格 (⌈10 % × 3⌉).
            for (unit, committee, keyTasks) in [(Self.a, "edu", "20"), (Self.b, "edu", "14"), (Self.c, "health", "17")] {
                #expect(
                    try await f.call(http, .put, F.unitPath("assessment", unit: unit), as: committee, json: F.sheet(keyTasks: keyTasks))
                        .status == .ok
                )
            }
            let events = F.unitPath("grading-events", unit: Self.c)
            let veto = #"{"kind": "direct-poor", "reason": "安全生产一票否决", "document": "县应急局通报〔2026〕3号"}"#
            #expect(try await f.call(http, .post, events, as: "health", json: veto).status == .forbidden)
            #expect(try await f.call(http, .post, events, as: "auditor", json: veto).status == .forbidden)
            #expect(try await f.call(http, .post, events, as: "other-office", json: veto).status == .notFound)
            var response = try await f.call(http, .post, events, as: "office", json: #"{"kind": "veto", "reason": "x", "document": "y"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "grading-event.kind")
            #expect(try F.problem(response).field == "/kind")
            response = try await f.call(
                http,
                .post,
                events,
                as: "office",
                json: #"{"kind": "direct-poor", "reason": " ", "document": "y"}"#
            )
            #expect(try F.problem(response).field == "/reason")

            // Before any proposal: recorded; the proposal honours it.
            response = try await f.call(http, .post, events, as: "office", json: veto)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect((try F.json(response))["number"] as? Int == 1)
            response = try await f.call(http, .post, Self.grading + "/proposal", as: "office")
            var body = try F.json(response)
            #expect(Self.grades(body) == [Self.a: "good", Self.b: "qualified", Self.c: "poor"])
            #expect(Self.rules(body, Self.c).last == "direct-poor")
            let message = (Self.units(body)[Self.c]?["reasons"] as? [[String: Any]])?.last?["message"] as? String ?? ""
            #expect(message.contains("安全生产一票否决") && message.contains("县应急局通报〔2026〕3号"))

            // While a proposal exists: a 不得确定为优秀 event on A re-runs it at once (Chinese kind accepted).
            response = try await f.call(
                http,
                .post,
                F.unitPath("grading-events", unit: Self.a),
                as: "office",
                json: #"{"kind": "不得确定为优秀等次", "reason": "审计发现违规发放津补贴", "document": "县审计局〔2026〕7号"}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            body = try F.json(try await f.call(http, .get, Self.grading, as: "auditor"))
            #expect(Self.rules(body, Self.a) == ["band", "not-excellent"])
            #expect(
                (body["events"] as? [[String: Any]])?.map {
                    "\($0["unit"] as? String ?? "")#\($0["number"] as? Int ?? 0):\($0["kind"] as? String ?? "")"
                }
                    == ["\(Self.c)#1:direct-poor", "\(Self.a)#1:not-excellent"]
            )  // by unit code
            let monitor = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "office"))
            #expect((monitor["gradingEvents"] as? [Any])?.count == 2)

            // Withdrawn: C is graded on its scores again; B (lowest 良好) becomes the 合格 place; both events stay on record.
            #expect(try await f.call(http, .post, events + "/1/withdraw", as: "edu", json: #"{"reason": "x"}"#).status == .notFound)
            response = try await f.call(http, .post, events + "/1/withdraw", as: "office", json: #"{"reason": "通报对象有误"}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect((try F.json(response))["withdrawnAt"] as? String != nil)
            #expect(try await f.call(http, .post, events + "/1/withdraw", as: "office", json: #"{"reason": "again"}"#).status == .notFound)
            body = try F.json(try await f.call(http, .get, Self.grading, as: "office"))
            #expect(Self.grades(body) == [Self.a: "good", Self.b: "qualified", Self.c: "good"])
            #expect((body["events"] as? [Any])?.count == 1)
            let stored = try await f.client.query(
                "SELECT count(*)::int AS n, count(withdrawn_at)::int AS w FROM grading_events WHERE county = \(F.county)"
            ).one()
            #expect(try stored.decode(Int.self, column: "n") == 2 && stored.decode(Int.self, column: "w") == 1)
            let audit = try await f.client.query(
                "SELECT action FROM audit_log WHERE county = \(F.county) AND action LIKE 'grading.event.%' ORDER BY seq"
            ).map { try $0.decode(String.self, column: "action") }
            #expect(audit == ["grading.event.record", "grading.event.record", "grading.event.withdraw"])

            // Once publicity opened, grades change only through 复议.
            #expect(try await f.call(http, .post, Self.grading + "/confirm", as: "office").status == .ok)
            #expect(try await f.call(http, .post, "\(F.cycleBase)/2026/publicity/open", as: "office").status == .created)
            response = try await f.call(http, .post, events, as: "office", json: veto)
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "grading.publicity-open")
        }
        await f.client.close()
    }

    @Test("部门年度综合考核结果: a 不合格 department's units are at most 合格, a 合格 one's at most 良好; recorded, corrected, audited")
    func departmentResults() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            for (unit, committee, keyTasks) in [(Self.a, "edu", "20"), (Self.b, "edu", "14"), (Self.c, "health", "17")] {
                #expect(
                    try await f.call(http, .put, F.unitPath("assessment", unit: unit), as: committee, json: F.sheet(keyTasks: keyTasks))
                        .status == .ok
                )
            }
            let path = "\(F.cycleBase)/2026/departments/edu/result"
            #expect(try await f.call(http, .put, path, as: "edu", json: #"{"grade": "failed", "document": "x"}"#).status == .forbidden)
            #expect(
                try await f.call(
                    http,
                    .put,
                    "\(F.cycleBase)/2026/departments/nope/result",
                    as: "office",
                    json: #"{"grade": "failed", "document": "x"}"#
                ).status == .notFound
            )
            var response = try await f.call(http, .put, path, as: "office", json: #"{"grade": "bad", "document": "x"}"#)
            #expect(try F.problem(response).rule == "department-result.grade")
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .ok)
            response = try await f.call(http, .put, path, as: "office", json: #"{"grade": "failed", "document": "县委考核办〔2026〕1号"}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            // Every unit of the fixture is under `edu`: all at most 合格.
            var body = try F.json(try await f.call(http, .get, Self.grading, as: "office"))
            #expect(Self.grades(body) == [Self.a: "qualified", Self.b: "qualified", Self.c: "qualified"])
            #expect(Self.rules(body, Self.c) == ["band", "department-ceiling"])
            #expect((body["departmentResults"] as? [String: String]) == ["edu": "failed"])
            // Corrected to 良好: no ceiling (policy caps only 合格 and 不合格 departments).
            #expect(try await f.call(http, .put, path, as: "office", json: #"{"grade": "good", "document": "更正"}"#).status == .ok)
            body = try F.json(try await f.call(http, .get, Self.grading, as: "office"))
            #expect(Self.grades(body) == [Self.a: "good", Self.b: "qualified", Self.c: "good"])
            let details = try await f.client.query(
                "SELECT details->>'oldGrade' AS old FROM audit_log WHERE county = \(F.county) AND action = 'grading.department-result' ORDER BY seq DESC LIMIT 1"
            ).one()
            #expect(try details.decode(String?.self, column: "old") == "failed")
        }
        await f.client.close()
    }

    @Test("a ratio breach left by 复议 blocks finalisation (by hand and by the job) until the office rules on exactly that breach")
    func ratioBreachBlocksFinalise() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await GradingAPITests.confirmed(f, http)  // A 良好 (decided), B 合格, C 良好
            #expect(try await f.call(http, .post, "\(F.cycleBase)/2026/publicity/open", as: "office").status == .created)
            var response = try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "unit-b", json: #"{"text": "请求复议"}"#)
            let id = (try F.json(response))["id"] as? Int ?? 0
            response = try await f.call(
                http,
                .put,
                "\(F.cycleBase)/2026/objections/\(id)/review",
                as: "edu",
                json: #"{"outcome": "upheld", "grade": "good"}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            try await f.client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(F.county)")
            try await f.client.execute(
                "UPDATE scheduled_runs SET due_at = now() - interval '1 second' WHERE county = \(F.county) AND kind = 'publicity.close'"
            )

            // No 合格 left: qualified-ratio in the county. Neither the office nor the job may finalise.
            response = try await f.call(http, .post, "\(F.cycleBase)/2026/publicity/finalise", as: "office")
            #expect(response.status == .conflict)
            let problem = try F.problem(response)
            #expect(problem.rule == "publicity.conflicts-open")
            #expect(problem.field == "/conflicts")
            #expect(problem.detail.contains("qualified-ratio"))
            let runner = JobRunner(runs: ScheduledRunStore(client: f.client), logger: TestCluster.logger("test.jobs"))
            #expect(await runner.runDue() == 0)
            #expect((try F.json(try await f.call(http, .get, Self.grading, as: "office")))["state"] as? String == "confirmed")

            // Rulings: only on an open breach, with a reference; then finalisation proceeds (here: by the job).
            let rulings = Self.grading + "/ratio-rulings"
            #expect(try await f.call(http, .put, rulings, as: "edu", json: #"{"rulings": []}"#).status == .forbidden)
            response = try await f.call(
                http,
                .put,
                rulings,
                as: "office",
                json: #"{"rulings": [{"kind": "excellent-ratio", "scope": "county", "reference": "1号"}]}"#
            )
            #expect(try F.problem(response).rule == "grading.ruling-unmatched")
            response = try await f.call(
                http,
                .put,
                rulings,
                as: "office",
                json: #"{"rulings": [{"kind": "qualified-floor", "scope": "county", "reference": "1号"}]}"#
            )
            #expect(try F.problem(response).rule == "grading.ruling-kind")
            response = try await f.call(
                http,
                .put,
                rulings,
                as: "office",
                json: #"{"rulings": [{"kind": "qualified-ratio", "scope": "county", "reference": " "}]}"#
            )
            #expect(try F.problem(response).field == "/rulings/0/reference")
            response = try await f.call(
                http,
                .put,
                rulings,
                as: "office",
                json:
                    #"{"rulings": [{"kind": "qualified-ratio", "scope": "county", "reference": "县事考委会议纪要〔2026〕4号", "note": "复议改判后据实确定"}]}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let body = try F.json(response)
            #expect((body["openConflicts"] as? [Any])?.isEmpty == true)
            #expect((body["conflicts"] as? [Any])?.count == 1)
            #expect((body["ratioRulings"] as? [[String: Any]])?.first?["units"] as? [String] == [])
            // Ten minutes later the waiting run looks again.
            try await f.client.execute("UPDATE scheduled_runs SET retry_at = NULL WHERE county = \(F.county) AND kind = 'publicity.close'")
            #expect(await runner.runDue() == 1)
            #expect((try F.json(try await f.call(http, .get, Self.grading, as: "office")))["state"] as? String == "final")
            #expect(try await f.call(http, .put, rulings, as: "office", json: #"{"rulings": []}"#).status == .conflict)
        }
        await f.client.close()
    }

    @Test("the cycle's own spot-check rate and strata are used by the draw; below 10 % is refused")
    func cycleSpotCheckRate() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            let base = "\(F.cycleBase)/2027"
            var response = try await f.call(http, .put, base, as: "office", json: #"{"spotCheck": {"percent": 9}}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "cycle.spot-check-percent")
            response = try await f.call(http, .put, base, as: "office", json: #"{"spotCheck": {"strata": "province"}}"#)
            #expect(try F.problem(response).field == "/spotCheck/strata")
            response = try await f.call(http, .put, base, as: "office", json: #"{"spotCheck": {"percent": 50, "strata": "county"}}"#)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let spotCheck = (try F.json(response))["spotCheck"] as? [String: Any]
            #expect(spotCheck?["percent"] as? Int == 50 && spotCheck?["strata"] as? String == "county")
            #expect(
                try await f.call(http, .put, base + "/units", as: "office", json: #"{"units": ["\#(Self.a)", "\#(Self.b)", "\#(Self.c)"]}"#)
                    .status == .ok
            )
            #expect(try await f.call(http, .post, base + "/spot-check/freeze", as: "office").status == .created)
            response = try await f.call(http, .post, base + "/spot-check/draw", as: "office", json: #"{"seed": "01382438112797316654"}"#)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let draw = try await f.client.query(
                """
                SELECT d.percent, d.stratification, (SELECT count(*)::int FROM spot_check_selections s
                    WHERE s.county = d.county AND s.cycle = d.cycle AND s.draw_no = d.draw_no) AS selected
                FROM spot_check_draws d WHERE d.county = \(F.county) AND d.cycle = '2027'
                """
            ).one()
            #expect(try draw.decode(Int.self, column: "percent") == 50)
            #expect(try draw.decode(String.self, column: "stratification") == "county")
            #expect(try draw.decode(Int.self, column: "selected") == 2)  // ⌈50 % × 3⌉, one stratum
        }
        await f.client.close()
    }
}
