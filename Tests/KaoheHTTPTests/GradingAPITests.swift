import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheJobs
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// Steps 4–7 end to end through the HTTP application against a real cluster: re-checks and the
/// override rule, the proposal with its conflicts and decisions, quotas, publicity, objections,
/// finalisation and the lock, staff appeals, and the monitor.
@Suite("Grading, publicity and monitoring API")
struct GradingAPITests {
    typealias F = FilingAPIFixture
    static let a = F.unitA, b = F.unitB, c = F.unitC
    static let grading = "\(F.cycleBase)/2026/grading"
    static let publicity = "\(F.cycleBase)/2026/publicity"

    /// Records a completed draw of the cycle selecting `units` (the draw itself is the jobs
    /// engineer's; only its rows matter here), with reviewer `rev1` assigned to `assigned`.
    static func draw(_ f: F, cycle: CycleID = "2026", units: [String], assigned: [String] = []) async throws {
        try await f.client.execute(
            """
            INSERT INTO spot_check_draws (county, cycle, draw_no, population, population_hash, population_size, frozen_at, frozen_by,
                seed, seed_source, algorithm, algorithm_version, percent, stratification, reviewers_per_unit, reviewer_register, drawn_at, drawn_by)
            VALUES (\(F.county), \(cycle), 1, '[]', repeat('0', 64), 3, now(), 'office', '01382438112797316654', 'dice',
                    'consistent_sampler', '1', 10, 'committee', 1, '[]', now(), 'office')
            """
        )
        for (rank, unit) in units.enumerated() {
            try await f.client.execute(
                """
                INSERT INTO spot_check_selections (county, cycle, draw_no, unit_code, stratum, ticket, rank)
                VALUES (\(F.county), \(cycle), 1, \(unit), 'county', \("0.\(rank + 1)"), \(rank + 1))
                """
            )
        }
        for unit in assigned {
            try await f.client.execute(
                """
                INSERT INTO reviewer_assignments (county, cycle, draw_no, unit_code, reviewer, ticket, rank)
                VALUES (\(F.county), \(cycle), 1, \(unit), 'rev1', '0.5', 1)
                """
            )
        }
    }

    /// A reviewer `rev1` in the register with account `rev1`; returns its token.
    static func reviewer(_ f: F) async throws -> String {
        try await f.client.execute("INSERT INTO reviewers (county, reviewer, name) VALUES (\(F.county), 'rev1', '核验员甲')")
        return try await AccountStore(client: f.client).create(
            Principal(county: F.county, account: "rev1", role: .reviewer, reviewer: "rev1"),
            displayName: "rev1"
        ).token.secret
    }

    static func recheck(_ sheet: String, reviewer: String = "张核验") -> String {
        var body = sheet.trimmingCharacters(in: .whitespacesAndNewlines)
        body.removeLast()
        return body + #", "reviewer": "\#(reviewer)"}"#
    }

    /// Files the committee assessments with these key-task scores (sheet total = 71 + keyTasks).
    static func assess(_ f: F, _ http: some TestClientProtocol, _ scores: [(String, String, String)]) async throws {
        for (unit, committee, keyTasks) in scores {
            let response = try await f.call(
                http,
                .put,
                F.unitPath("assessment", unit: unit),
                as: committee,
                json: F.sheet(keyTasks: keyTasks)
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
    }

    /// A roster for unit A: 10 staff, 3 proposed 优秀.
    static let roster = """
        {"staff": [
          {"staffNo": "001", "score": 95, "grade": "excellent"}, {"staffNo": "002", "score": 94, "grade": "excellent"},
          {"staffNo": "003", "score": 93, "grade": "excellent"}, {"staffNo": "004", "score": 80, "grade": "competent"},
          {"staffNo": "005", "score": 80, "grade": "competent"}, {"staffNo": "006", "score": 80, "grade": "competent"},
          {"staffNo": "007", "score": 80, "grade": "competent"}, {"staffNo": "008", "score": 80, "grade": "competent"},
          {"staffNo": "009", "score": 80, "grade": "competent"}, {"staffNo": "010", "score": 65, "grade": "basic"}]}
        """

    static func units(_ body: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (body["units"] as? [[String: Any]] ?? []).map { ($0["code"] as? String ?? "", $0) })
    }

    @Test("override rule: a re-check 5.00 points away replaces, 4.99 does not, a different 差 count replaces; deviations per committee")
    func overrideRule() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await Self.assess(f, http, [(Self.a, "edu", "18"), (Self.b, "edu", "18"), (Self.c, "health", "18")])  // all 89.00

            // Before any draw a re-check is refused.
            var response = try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: Self.recheck(F.sheet(keyTasks: "13")))
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "recheck.no-draw")
            try await Self.draw(f, units: [Self.a, Self.b, Self.c])

            // 84.00
            response = try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: Self.recheck(F.sheet(keyTasks: "13")))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            var body = try F.json(response)
            #expect(body["version"] as? Int == 1)
            var comparison = body["comparison"] as? [String: Any]
            #expect(comparison?["overridden"] as? Bool == true)
            #expect((comparison?["difference"] as? NSNumber)?.doubleValue == 5)

            response = try await f.call(
                http,
                .put,
                F.unitPath("recheck", unit: Self.b),
                as: "office",
                json: Self.recheck(F.sheet(keyTasks: "13.01"))
            )  // 84.01
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            comparison = (try F.json(response))["comparison"] as? [String: Any]
            #expect(comparison?["overridden"] as? Bool == false)
            #expect((comparison?["difference"] as? NSNumber)?.doubleValue == 4.99)

            response = try await f.call(
                http,
                .put,
                F.unitPath("recheck", unit: Self.c),
                as: "office",
                json: Self.recheck(F.sheet(political: "poor"))
            )  // 89.00, one 差
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            comparison = (try F.json(response))["comparison"] as? [String: Any]
            #expect(comparison?["overridden"] as? Bool == true)
            #expect((comparison?["difference"] as? NSNumber)?.doubleValue == 0)

            // Both assessments stay visible: the committee's and every re-check version.
            #expect((try F.json(try await f.call(http, .get, F.unitPath("assessment"), as: "unit-a")))["version"] as? Int == 1)
            body = try F.json(try await f.call(http, .get, F.unitPath("recheck"), as: "unit-a"))
            #expect((body["versions"] as? [Any])?.count == 1)

            // Deviations and override rates per committee.
            body = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/spot-check/deviations", as: "auditor"))
            let committees = (body["committees"] as? [[String: Any]] ?? []).map {
                (
                    $0["committee"] as? String ?? "", $0["rechecked"] as? Int ?? -1, $0["overridden"] as? Int ?? -1,
                    $0["overridePercent"] as? Int ?? -1
                )
            }
            #expect(committees.map(\.0) == ["education", "health"])
            #expect(committees.map(\.1) == [2, 1])
            #expect(committees.map(\.2) == [1, 1])
            #expect(committees.map(\.3) == [50, 100])
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/spot-check/deviations", as: "edu").status == .forbidden)

            // The proposal grades each unit on the assessment that counts.
            response = try await f.call(http, .post, Self.grading + "/proposal", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let units = Self.units(try F.json(response))
            #expect(units[Self.a]?["source"] as? String == "recheck")
            #expect((units[Self.a]?["total"] as? NSNumber)?.doubleValue == 84)
            #expect(units[Self.b]?["source"] as? String == "committee")
            #expect((units[Self.b]?["total"] as? NSNumber)?.doubleValue == 89)
            #expect(units[Self.c]?["source"] as? String == "recheck")
            // 合格 at least ⌈10 % × 3⌉ = 1: the lowest, A (84.00), becomes 合格.
            #expect(units.mapValues { $0["grade"] as? String } == [Self.a: "qualified", Self.b: "good", Self.c: "good"])
            let reasons = (units[Self.a]?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            #expect(reasons.first == "recheck-override")

            // A unit that was not sampled; a reviewer not assigned sees nothing.
            let audit = try await f.client.query(
                "SELECT count(*) AS n FROM audit_log WHERE county = \(F.county) AND action = 'recheck.file'"
            ).one()
            #expect(try audit.decode(Int.self, column: "n") == 3)
        }
        await f.client.close()
    }

    @Test("a re-check needs a sampled unit and, for a reviewer account, an assignment")
    func recheckAccess() async throws {
        let f = try await F.make()
        let token = try await Self.reviewer(f)
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await Self.assess(f, http, [(Self.a, "edu", "18"), (Self.b, "edu", "18")])
            try await Self.draw(f, units: [Self.a, Self.b], assigned: [Self.a])
            func asReviewer(_ unit: String) async throws -> TestResponse {
                try await http.executeRequest(
                    uri: F.unitPath("recheck", unit: unit),
                    method: .put,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(string: F.sheet(keyTasks: "17"))
                )
            }
            var response = try await asReviewer(Self.a)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect((try F.json(response))["reviewer"] as? String == "rev1")
            #expect(try await asReviewer(Self.b).status == .notFound)  // sampled, not assigned to rev1
            #expect(try await asReviewer(Self.c).status == .notFound)  // not sampled
            // The office names the assigned reviewer; another name is refused.
            response = try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: Self.recheck(F.sheet(), reviewer: "someone"))
            #expect(try F.problem(response).rule == "recheck.reviewer-assigned")
            response = try await f.call(http, .put, F.unitPath("recheck", unit: Self.c), as: "office", json: Self.recheck(F.sheet()))
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "recheck.not-sampled")
            #expect(try await f.call(http, .put, F.unitPath("recheck"), as: "edu", json: Self.recheck(F.sheet())).status == .forbidden)
            #expect(try await f.call(http, .put, F.unitPath("recheck"), as: "health", json: Self.recheck(F.sheet())).status == .notFound)
            let bad = try await f.call(
                http,
                .put,
                F.unitPath("recheck", unit: Self.b),
                as: "office",
                json: Self.recheck(F.sheet(keyTasks: "25"))
            )
            #expect(try F.problem(bad).rule == "above-max")
        }
        await f.client.close()
    }

    @Test(
        "a tie conflict blocks confirmation until the office decides; quota provisional then final; rosters re-checked on every grade change"
    )
    func proposalDecisionConfirm() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await Self.assess(f, http, [(Self.a, "edu", "14"), (Self.b, "edu", "14"), (Self.c, "health", "17")])  // 85, 85, 88
            var response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster)
            #expect(response.status == .ok, "\(String(buffer: response.body))")

            // Before grading: the roster's own provisional check (band 良好: 20 % of 10 = 2).
            var quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["status"] as? String == "provisional")
            #expect(quota["mustGiveUp"] as? Int == 1)

            #expect(try await f.call(http, .post, Self.grading + "/confirm", as: "office").status == .conflict)  // no proposal yet
            response = try await f.call(http, .post, Self.grading + "/proposal", as: "office")
            var body = try F.json(response)
            let conflicts = body["conflicts"] as? [[String: Any]] ?? []
            #expect(conflicts.count == 1)
            #expect(conflicts.first?["kind"] as? String == "qualified-floor")
            #expect(conflicts.first?["units"] as? [String] == [Self.a, Self.b].sorted())
            #expect(Self.units(body).mapValues { $0["grade"] as? String } == [Self.a: "qualified", Self.b: "qualified", Self.c: "good"])

            response = try await f.call(http, .post, Self.grading + "/confirm", as: "office")
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "grading.conflicts-unresolved")

            // The roster was re-checked against the proposed 合格: 15 % of 10 = 1, give up 2.
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["status"] as? String == "provisional")
            #expect(quota["unitGrade"] as? String == "qualified")
            #expect(quota["mustGiveUp"] as? Int == 2)
            #expect((quota["quota"] as? [String: Any])?["provisional"] as? Bool == true)

            // A decision naming the wrong number of units is refused; the right one resolves the tie.
            response = try await f.call(
                http,
                .put,
                Self.grading + "/decisions",
                as: "office",
                json: #"{"decisions": [{"cut": "qualified-floor", "favoured": ["\#(Self.a)", "\#(Self.b)"], "reference": "县考办〔2026〕3号"}]}"#
            )
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "grading.decision-seats")
            response = try await f.call(
                http,
                .put,
                Self.grading + "/decisions",
                as: "office",
                json: #"{"decisions": [{"cut": "qualified-floor", "favoured": ["\#(Self.a)"], "reference": "县考办〔2026〕3号"}]}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            body = try F.json(response)
            #expect((body["conflicts"] as? [Any])?.isEmpty == true)
            #expect(Self.units(body).mapValues { $0["grade"] as? String } == [Self.a: "good", Self.b: "qualified", Self.c: "good"])

            // A's grade changed: its roster is re-checked (良好: 20 % of 10 = 2, give up 1).
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["unitGrade"] as? String == "good")
            #expect(quota["mustGiveUp"] as? Int == 1)
            #expect(quota["status"] as? String == "provisional")
            var stored = try await f.client.query(
                "SELECT unit_grade, final, must_give_up FROM roster_checks WHERE county = \(F.county) AND unit_code = \(Self.a)"
            ).one()
            #expect(try stored.decode(String.self, column: "unit_grade") == "good")
            #expect(try stored.decode(Bool.self, column: "final") == false)

            response = try await f.call(http, .post, Self.grading + "/confirm", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect((try F.json(response))["state"] as? String == "confirmed")
            quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "unit-a"))
            #expect(quota["status"] as? String == "final")
            #expect((quota["quota"] as? [String: Any])?["provisional"] as? Bool == false)
            #expect((quota["quota"] as? [String: Any])?["limit"] as? Int == 2)
            #expect((quota["violations"] as? [[String: Any]])?.contains { $0["rule"] as? String == "excellent-quota" } == true)
            stored = try await f.client.query("SELECT final FROM roster_checks WHERE county = \(F.county) AND unit_code = \(Self.a)").one()
            #expect(try stored.decode(Bool.self, column: "final") == true)

            // Access: only the office decides; a unit sees only its own quota.
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "auditor").status == .forbidden)
            #expect(try await f.call(http, .get, F.unitPath("quota"), as: "unit-b").status == .notFound)
            #expect(try await f.call(http, .get, Self.grading, as: "auditor").status == .ok)
            let actions = try await f.client.query(
                "SELECT string_agg(action, ',' ORDER BY seq) AS a FROM audit_log WHERE county = \(F.county) AND action LIKE 'grading.%'"
            ).one()
            #expect(try actions.decode(String.self, column: "a") == "grading.propose,grading.decide,grading.confirm")

            // Back to a proposal: no grade moved, so no unit_grades row is rewritten (each keeps its
            // xmin); the checks turn provisional (only their flag flipped in place: the words do
            // not depend on it) and equal what a full check of the lines stores; a second proposal
            // rewrites no check either.
            func xmins(_ table: String) async throws -> String {
                try await f.client.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT string_agg(xmin::text, ',' ORDER BY unit_code) AS x FROM \(table) WHERE county = '\(F.county)'"
                    )
                ).one().decode(String.self, column: "x")
            }
            func summaries() async throws -> String {
                try await f.client.query(
                    "SELECT string_agg(unit_code || final::text || summary::text, '|' ORDER BY unit_code) AS s FROM roster_checks WHERE county = \(F.county)"
                ).one().decode(String.self, column: "s")
            }
            let grades = try await xmins("unit_grades")
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .ok)
            #expect(try await xmins("unit_grades") == grades)
            let rederived = try await summaries()
            #expect(rederived.contains("false{"))
            #expect(!rederived.contains("true{"))
            let checks = try await xmins("roster_checks")
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .ok)
            #expect(try await xmins("roster_checks") == checks)
            try await f.client.execute("DELETE FROM roster_checks WHERE county = \(F.county)")
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .ok)
            #expect(try await summaries() == rederived)
        }
        await f.client.close()
    }

    /// Assessments 85/85/88, the tie decided for A, confirmed.
    static func confirmed(_ f: F, _ http: some TestClientProtocol, cycle: CycleID = "2026") async throws {
        try await f.openCycle(http, cycle.rawValue)
        for (unit, committee, keyTasks) in [(a, "edu", "14"), (b, "edu", "14"), (c, "health", "17")] {
            let response = try await f.call(
                http,
                .put,
                F.unitPath("assessment", cycle: cycle, unit: unit),
                as: committee,
                json: F.sheet(keyTasks: keyTasks)
            )
            #expect(response.status == .ok)
        }
        let base = "\(F.cycleBase)/\(cycle)/grading"
        #expect(try await f.call(http, .post, base + "/proposal", as: "office").status == .ok)
        #expect(
            try await f.call(
                http,
                .put,
                base + "/decisions",
                as: "office",
                json: #"{"decisions": [{"cut": "qualified-floor", "favoured": ["\#(a)"], "reference": "3号"}]}"#
            ).status == .ok
        )
        let confirm = try await f.call(http, .post, base + "/confirm", as: "office")
        #expect(confirm.status == .ok, "\(String(buffer: confirm.body))")
    }

    @Test(
        "a grading answer lists a page of its units (?offset=&limit=, 1,000 by default) with the whole summary; a bad page is 422 naming it"
    )
    func pagedUnits() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await Self.confirmed(f, http)
            // Three units: the default page holds them all, by code.
            let byCode = [Self.a, Self.b, Self.c].sorted()
            var result = try F.json(try await f.call(http, .get, Self.grading, as: "office"))
            #expect((result["units"] as? [[String: Any]])?.map { $0["code"] as? String } == byCode)
            #expect(result["unitsTotal"] as? Int == 3 && result["unitsOffset"] as? Int == 0)
            // The second unit alone, from each answer that carries the grading.
            for (method, path) in [(HTTPRequest.Method.get, ""), (.post, "/proposal"), (.post, "/confirm")] {
                let response = try await f.call(http, method, Self.grading + path + "?offset=1&limit=1", as: "office")
                #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                result = try F.json(response)
                #expect((result["units"] as? [[String: Any]])?.map { $0["code"] as? String } == [byCode[1]], "\(path)")
                #expect(result["unitsTotal"] as? Int == 3 && result["unitsOffset"] as? Int == 1, "\(path)")
            }
            // The summary alone: no unit, every count.
            result = try F.json(try await f.call(http, .get, Self.grading + "?limit=0", as: "office"))
            #expect((result["units"] as? [Any])?.isEmpty == true)
            let distribution = try #require(result["distribution"] as? [String: [String: Int]])
            #expect(distribution.values.flatMap(\.values).reduce(0, +) == 3)
            #expect(result["state"] as? String == "confirmed")
            for bad in ["limit=abc", "limit=10001", "offset=-1", "limit=1&limit=2"] {
                let response = try await f.call(http, .get, Self.grading + "?" + bad, as: "office")
                #expect(response.status == .unprocessableContent, "\(bad)")
                let problem = try F.json(response)
                #expect(problem["rule"] as? String == "grading.page", "\(bad)")
                #expect(problem["field"] as? String == (bad.hasPrefix("offset") ? "offset" : "limit"), "\(bad): \(problem)")
            }
        }
        await f.client.close()
    }

    @Test("publicity opened Thu 12 Feb 2026 closes 26 Feb 2026 23:59:59 (Spring Festival, 调休 14 Feb)")
    func publicityWindowSpringFestival() async throws {
        let f = try await F.make(standingOn: "2026-02-12")
        try await f.app().test(.router) { http in
            try await Self.confirmed(f, http, cycle: "2025")
            let path = "\(F.cycleBase)/2025/publicity"
            let response = try await f.call(http, .post, path + "/open", as: "office", json: #"{"opensOn": "2026-02-12"}"#)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let body = try F.json(response)
            #expect(body["closesOn"] as? String == "2026-02-26")
            #expect(body["closesAt"] as? String == "2026-02-26T23:59:59+08:00")
            #expect(body["workingDays"] as? Int == 5)
            let stored = try await f.client.query(
                "SELECT closes_at = '2026-02-26T15:59:59Z'::timestamptz AS ok FROM publicity_windows WHERE county = \(F.county) AND cycle = '2025'"
            ).one()
            #expect(try stored.decode(Bool.self, column: "ok"))
            #expect(try await f.call(http, .post, path + "/open", as: "office").status == .conflict)
            #expect((try F.json(try await f.call(http, .get, path, as: "unit-a")))["open"] as? Bool == false)
        }
        await f.client.close()
    }

    @Test("公示 cannot open before today, so it cannot be finalised at once: nobody could have objected")
    func publicityNeverOpensInThePast() async throws {
        let f = try await F.make(standingOn: "2026-02-13")
        try await f.app().test(.router) { http in
            try await Self.confirmed(f, http, cycle: "2025")
            let path = "\(F.cycleBase)/2025/publicity"
            let refused = try await f.call(http, .post, path + "/open", as: "office", json: #"{"opensOn": "2026-02-12"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try F.problem(refused).rule == "publicity.opens-in-past")
            #expect(try F.problem(refused).field == "/opensOn")
            let finalise = try await f.call(http, .post, path + "/finalise", as: "office")
            #expect(finalise.status == .conflict)
            #expect(try F.problem(finalise).rule == "publicity.not-open")
            // Today is allowed, and so is a later day.
            let opened = try await f.call(http, .post, path + "/open", as: "office", json: #"{"opensOn": "2026-02-13"}"#)
            #expect(opened.status == .created, "\(String(buffer: opened.body))")
            #expect((try F.json(opened))["closesOn"] as? String == "2026-02-27")
        }
        await f.client.close()
    }

    @Test("objections during publicity, 复议 changes a grade and re-checks ratios and quota; finalise refused before close, then locked")
    func objectionsFinaliseLock() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await Self.confirmed(f, http)
            // No objection before publicity; opening needs confirmed grades (done).
            var response = try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "unit-b", json: #"{"text": "不服"}"#)
            #expect(try F.problem(response).rule == "objection.not-in-publicity")
            response = try await f.call(http, .post, Self.publicity + "/open", as: "office")
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect((try F.json(response))["open"] as? Bool == true)

            response = try await f.call(
                http,
                .post,
                F.unitPath("objections", unit: Self.b),
                as: "unit-b",
                json: #"{"text": "本单位得分与实际不符,请求复议"}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let id = (try F.json(response))["id"] as? Int ?? 0
            #expect(
                try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "auditor", json: #"{"text": "x"}"#).status
                    == .forbidden
            )
            #expect(
                try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "health", json: #"{"text": "x"}"#).status
                    == .notFound
            )
            #expect(
                try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "unit-a", json: #"{"text": "x"}"#).status
                    == .notFound
            )

            response = try await f.call(http, .post, Self.publicity + "/finalise", as: "office")
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "publicity.not-closed")
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .conflict)

            // 复议 by the unit's committee only: B 合格 → 良好; no unit is 合格 any more: a ratio conflict.
            let review = "\(F.cycleBase)/2026/objections/\(id)/review"
            #expect(
                try await f.call(http, .put, review, as: "health", json: #"{"outcome": "upheld", "grade": "good"}"#).status == .notFound
            )
            #expect(
                try await f.call(http, .put, review, as: "office", json: #"{"outcome": "upheld", "grade": "good"}"#).status == .forbidden
            )
            response = try await f.call(http, .put, review, as: "edu", json: #"{"outcome": "upheld", "grade": "良好", "note": "复核得分有误"}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            var body = try F.json(response)
            #expect(body["oldGrade"] as? String == "qualified")
            #expect(body["newGrade"] as? String == "good")
            #expect((body["conflicts"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["qualified-ratio"])
            #expect(try await f.call(http, .put, review, as: "edu", json: #"{"outcome": "rejected"}"#).status == .conflict)
            body = try F.json(try await f.call(http, .get, Self.grading, as: "office"))
            #expect(Self.units(body)[Self.b]?["grade"] as? String == "good")
            #expect((body["conflicts"] as? [Any])?.count == 1)

            // Time passes: the window closes. No more objections; the ratio breach waits for the office's
            // ruling (比例研判); finalise; then everything is locked.
            try await f.client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(F.county)")
            response = try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "unit-b", json: #"{"text": "再提"}"#)
            #expect(try F.problem(response).rule == "objection.not-in-publicity")
            response = try await f.call(http, .post, Self.publicity + "/finalise", as: "office")
            #expect(try F.problem(response).rule == "publicity.conflicts-open")
            response = try await f.call(
                http,
                .put,
                Self.grading + "/ratio-rulings",
                as: "office",
                json: #"{"rulings": [{"kind": "qualified-ratio", "scope": "county", "reference": "纪要〔2026〕4号"}]}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            response = try await f.call(http, .post, Self.publicity + "/finalise", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect((try F.json(response))["finalised"] as? Bool == true)
            for (method, path, json) in [
                (HTTPRequest.Method.post, Self.grading + "/proposal", nil), (.post, Self.grading + "/confirm", nil),
                (.put, Self.grading + "/decisions", #"{"decisions": []}"#), (.post, Self.publicity + "/finalise", nil),
                (.post, F.unitPath("objections", unit: Self.b), #"{"text": "x"}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                let locked = try await f.call(http, method, path, as: path.contains("objections") ? "unit-b" : "office", json: json)
                #expect(locked.status == .conflict, "\(path)")
                #expect(try F.problem(locked).rule == "cycle.results-final", "\(path)")
            }
            #expect((try F.json(try await f.call(http, .get, Self.grading, as: "auditor")))["state"] as? String == "final")
        }
        await f.client.close()
    }

    @Test("the scheduled publicity.close run waits for open objections, then finalises once; a hand finalise after it is refused")
    func publicityCloseJob() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await Self.confirmed(f, http)
            #expect(try await f.call(http, .post, Self.publicity + "/open", as: "office").status == .created)
            let response = try await f.call(http, .post, F.unitPath("objections", unit: Self.b), as: "unit-b", json: #"{"text": "异议"}"#)
            let id = (try F.json(response))["id"] as? Int ?? 0
            var registry = JobRegistry()
            registry.register(PublicityCloseJob())
            let runner = JobRunner(runs: ScheduledRunStore(client: f.client), registry: registry, actor: "daemon:test", logger: f.logger)
            #expect(await runner.runDue() == 0)  // not due before closes_at
            try await f.client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(F.county)")
            try await f.client.execute(
                "UPDATE scheduled_runs SET due_at = now() - interval '1 second' WHERE county = \(F.county) AND kind = 'publicity.close'"
            )
            #expect(await runner.runDue() == 0)  // an objection awaits review: postponed
            #expect((try F.json(try await f.call(http, .get, Self.grading, as: "office")))["state"] as? String == "confirmed")
            #expect(
                try await f.call(http, .put, "\(F.cycleBase)/2026/objections/\(id)/review", as: "edu", json: #"{"outcome": "rejected"}"#)
                    .status == .ok
            )
            try await f.client.execute("UPDATE scheduled_runs SET retry_at = NULL WHERE county = \(F.county) AND kind = 'publicity.close'")
            #expect(await runner.runDue() == 1)
            #expect(await runner.runDue() == 0)
            #expect((try F.json(try await f.call(http, .get, Self.grading, as: "office")))["state"] as? String == "final")
            let run = try await f.client.query("SELECT done_by FROM scheduled_runs WHERE county = \(F.county) AND kind = 'publicity.close'")
                .one()
            #expect(try run.decode(String?.self, column: "done_by") == "daemon:test")
            let hand = try await f.call(http, .post, Self.publicity + "/finalise", as: "office")
            #expect(try F.problem(hand).rule == "cycle.results-final")
        }
        await f.client.close()
    }

    @Test(
        "staff appeals (复核): within 10 working days accepted, after refused, filed on the server's day (the office records a paper one with its own), once per person; outcome recorded once"
    )
    func appeals() async throws {
        // Told Thu 12 Feb 2026: the 10th working day after is Wed 4 Mar (14 and 28 Feb are 调休 working days).
        let f = try await F.make(standingOn: "2026-03-04")
        let clock = try #require(f.clock)
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster).status == .ok)
            let path = F.unitPath("appeals")
            // Only someone on the unit's latest roster, with the grade it gives them, and an appealable one.
            for (json, rule, field) in [
                (
                    #"{"staffNo": "999", "grade": "basic", "notifiedOn": "2026-02-12", "reason": "x"}"#, "appeal.staff-not-on-roster",
                    "/staffNo"
                ),
                (
                    #"{"staffNo": "001", "grade": "basic", "notifiedOn": "2026-02-12", "reason": "x"}"#, "appeal.grade-not-appealable",
                    "/staffNo"
                ),
                (
                    #"{"staffNo": "010", "grade": "incompetent", "notifiedOn": "2026-02-12", "reason": "x"}"#, "appeal.grade-mismatch",
                    "/grade"
                ),
                // The unit cannot say when it filed: backdating would beat the deadline.
                (
                    #"{"staffNo": "010", "grade": "basic", "notifiedOn": "2026-02-12", "filedOn": "2026-03-04", "reason": "x"}"#,
                    "appeal.filed-on-by-office", "/filedOn"
                ),
            ] {
                let refused = try await f.call(http, .post, path, as: "unit-a", json: json)
                #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body))")
                #expect(try F.problem(refused).rule == rule)
                #expect(try F.problem(refused).field == field)
            }
            // On Thu 5 Mar it is one working day too late, whoever asks.
            clock.set(day: "2026-03-05")
            let appeal = #"{"staffNo": "010", "grade": "基本合格", "notifiedOn": "2026-02-12", "reason": "测评分统计有误"}"#
            var response = try await f.call(http, .post, path, as: "unit-a", json: appeal)
            #expect(response.status == .unprocessableContent)
            #expect(try F.problem(response).rule == "appeal.too-late")
            // The office records the paper application handed in on 4 Mar, audited as such; not a day after today.
            response = try await f.call(
                http,
                .post,
                path,
                as: "office",
                json: #"{"staffNo": "010", "grade": "basic", "notifiedOn": "2026-02-12", "filedOn": "2026-03-06", "reason": "纸质申请"}"#
            )
            #expect(try F.problem(response).rule == "appeal.filed-in-future")
            response = try await f.call(
                http,
                .post,
                path,
                as: "office",
                json: #"{"staffNo": "010", "grade": "basic", "notifiedOn": "2026-02-12", "filedOn": "2026-03-04", "reason": "纸质申请"}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            var body = try F.json(response)
            #expect(body["lastDay"] as? String == "2026-03-04")
            #expect(body["filedOn"] as? String == "2026-03-04")
            let id = body["id"] as? Int ?? 0
            let audit = try await f.client.query(
                "SELECT details->>'paperFiledOn' AS paper, details->>'recordedOn' AS recorded FROM audit_log WHERE county = \(F.county) AND action = 'appeal.file'"
            ).one()
            #expect(try audit.decode(String?.self, column: "paper") == "2026-03-04")
            #expect(try audit.decode(String?.self, column: "recorded") == "2026-03-05")
            // One application per person: the unit's own, back on the last day, is a second one.
            clock.set(day: "2026-03-04")
            response = try await f.call(http, .post, path, as: "unit-a", json: appeal)
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "appeal.already-filed")
            response = try await f.call(
                http,
                .post,
                path,
                as: "unit-a",
                json: #"{"staffNo": "001", "grade": "excellent", "notifiedOn": "2026-02-12", "reason": "x"}"#
            )
            #expect(try F.problem(response).rule == "appeal.grade-not-appealable")
            #expect(
                try await f.call(
                    http,
                    .post,
                    path,
                    as: "edu",
                    json: #"{"staffNo": "1", "grade": "basic", "notifiedOn": "2026-02-12", "reason": "x"}"#
                ).status == .forbidden
            )

            let decide = "\(F.cycleBase)/2026/appeals/\(id)"
            #expect(try await f.call(http, .put, decide, as: "unit-a", json: #"{"outcome": "upheld"}"#).status == .forbidden)
            #expect(try await f.call(http, .put, decide, as: "office", json: #"{"outcome": "changed"}"#).status == .unprocessableContent)
            response = try await f.call(
                http,
                .put,
                decide,
                as: "office",
                json: #"{"outcome": "changed", "grade": "competent", "note": "经复核改为合格"}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            body = try F.json(response)
            #expect(body["outcome"] as? String == "changed")
            #expect(body["decidedGrade"] as? String == "competent")
            #expect(try await f.call(http, .put, decide, as: "office", json: #"{"outcome": "rejected"}"#).status == .conflict)
        }
        await f.client.close()
    }

    @Test("the monitor shows step statuses, deadlines, distribution, draw and deviations, quotas, violations and conflicts")
    func monitor() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await Self.assess(f, http, [(Self.a, "edu", "14"), (Self.b, "edu", "14"), (Self.c, "health", "17")])
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster).status == .ok)
            #expect(
                try await f.call(http, .put, F.unitPath("self-assessment", unit: Self.b), as: "unit-b", json: #"{"report": "自评"}"#).status
                    == .ok
            )
            try await Self.draw(f, units: [Self.a, Self.c])
            #expect(
                try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: Self.recheck(F.sheet(keyTasks: "8"))).status == .ok
            )  // 79 vs 85
            #expect(try await f.call(http, .post, Self.grading + "/proposal", as: "office").status == .ok)

            let response = try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "auditor")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let body = try F.json(response)
            let units = Self.units(body)
            #expect(units.count == 3)
            #expect(
                units[Self.a]?["steps"] as? [String: String] == [
                    "self_assessment": "not_started", "assessment": "filed", "roster": "draft",
                ]
            )
            #expect(
                units[Self.b]?["steps"] as? [String: String] == [
                    "self_assessment": "filed", "assessment": "filed", "roster": "not_started",
                ]
            )
            #expect(units[Self.a]?["gradeSource"] as? String == "recheck")
            let quota = units[Self.a]?["quota"] as? [String: Any]
            #expect(quota?["status"] as? String == "provisional")
            #expect(quota?["used"] as? Int == 3)
            #expect(quota?["limit"] as? Int == 1)  // A is 合格 (79.00): 15 % of 10
            #expect(quota?["mustGiveUp"] as? Int == 2)
            #expect((units[Self.b]?["quota"] as? [String: Any])?["status"] as? String == "unknown")
            #expect(
                (body["violations"] as? [[String: Any]])?.contains {
                    $0["unit"] as? String == Self.a && $0["rule"] as? String == "excellent-quota"
                } == true
            )
            let distribution = body["distribution"] as? [String: [String: Int]]
            #expect(distribution?["education"]?.values.reduce(0, +) == 2)
            #expect(distribution?["health"] == ["good": 1])
            #expect((body["grading"] as? [String: Any])?["state"] as? String == "proposed")
            let draw = body["draw"] as? [String: Any]
            #expect((draw?["selections"] as? [[String: Any]])?.map { $0["unit"] as? String } == [Self.a, Self.c])
            let deviations = body["deviations"] as? [String: Any]
            #expect((deviations?["committees"] as? [[String: Any]])?.first?["overridePercent"] as? Int == 100)
            #expect((deviations?["units"] as? [[String: Any]])?.first?["overridden"] as? Bool == true)
            let deadlines = body["deadlines"] as? [[String: Any]] ?? []
            #expect(deadlines.contains { $0["what"] as? String == "deadline.assessment" })
            #expect(((body["stepSummary"] as? [String: [String: Int]])?["assessment"])?["filed"] == 3)

            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "unit-a").status == .forbidden)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "other-office").status == .notFound)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2099/monitor", as: "office").status == .notFound)
        }
        await f.client.close()
    }
}
