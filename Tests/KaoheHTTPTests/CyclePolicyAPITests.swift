import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import NIOCore
import Postgres
import Prometheus
import Testing

/// 考核政策 per cycle over the API (issue 18): a cycle graded under a custom policy gives the grades
/// this test computes on its own; every bound of the documents is refused by name; a part is
/// refused once its step has come; presets chosen at creation and switched before a cycle opens.
@Suite("Cycle policies")
struct CyclePolicyAPITests {
    static let county: CountyCode = "990301"

    /// Per committee of 10 units (hundredths): one in the 合格 band, five 良好, four in the 优秀
    /// band, each committee 0.07 apart so no two totals tie. Unit 5 is re-checked 6.50 points higher
    /// (replaced under the default 5-point threshold, not under 8) and unit 8 9.00 points lower
    /// (replaced under both).
    static let totals = [6600, 7100, 7500, 7900, 8300, 8600, 9010, 9080, 9150, 9220]

    /// SPEC.md "Grading a unit" with the tried policy, independently of KaoheRules: the re-check
    /// counts when it differs by `threshold` hundredths or more; bands 90/70/60; per committee
    /// 优秀 ≤ ⌊cap·n/100⌋ by total, 合格 ≥ ⌈10·n/100⌉ by lowering the lowest 良好.
    static func expected(_ units: [SyntheticUnit], threshold: Int, capPercent: Int, perCommittee: Bool) -> [String: String] {
        var counting: [String: Int] = [:]
        for unit in units {
            if let recheck = unit.recheck, abs(recheck.hundredths - unit.hundredths) >= threshold {
                counting[unit.code] = recheck.hundredths
            } else {
                counting[unit.code] = unit.hundredths
            }
        }
        var grade: [String: String] = [:]
        for (code, total) in counting {
            grade[code] = total >= 9000 ? "excellent" : total >= 7000 ? "good" : total >= 6000 ? "qualified" : "poor"
        }
        let cohorts = Dictionary(grouping: units) { perCommittee ? $0.committee : "county" }
        for (_, members) in cohorts {
            let n = members.count
            let excellent = members.map(\.code).filter { grade[$0] == "excellent" }.sorted { counting[$0]! > counting[$1]! }
            for code in excellent.dropFirst(capPercent * n / 100) { grade[code] = "good" }
            let floor = (10 * n + 99) / 100
            let qualified = members.count { grade[$0.code] == "qualified" }
            if qualified < floor {
                let goods = members.map(\.code).filter { grade[$0] == "good" }.sorted { counting[$0]! < counting[$1]! }
                for code in goods.prefix(floor - qualified) { grade[code] = "qualified" }
            }
        }
        return grade
    }

    /// Requests as one of the county's accounts (`office`, a committee id, a unit code).
    struct Caller: Sendable {
        let http: any TestClientProtocol
        let tokens: [String: String]

        func callAsFunction(
            _ method: HTTPRequest.Method,
            _ path: String,
            as who: String = "office",
            _ json: String? = nil
        ) async throws
            -> TestResponse
        {
            var headers: HTTPFields = [.authorization: "Bearer \(tokens[who]!)"]
            if json != nil { headers[.contentType] = "application/json" }
            return try await http.executeRequest(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        }
    }

    /// A fresh database with the county of `units` enrolled, kaohed's application over it, `body`
    /// given the client and a caller.
    static func serve(_ units: [SyntheticUnit], body: @Sendable (PostgresClient, Caller) async throws -> Void) async throws {
        let logger = TestCluster.logger("test.policy")
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        let tokens = try await SyntheticCounty.enrol(client: client, county: Self.county, name: "政策县", units: units)
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: AppDependencies(
                client: client,
                migrations: try MigrationCatalog.bundled(),
                metrics: PrometheusCollectorRegistry()
            ),
            logger: logger
        )
        try await app.test(.router) { http in try await body(client, Caller(http: http, tokens: tokens)) }
        await client.close()
    }

    @Test(
        "a cycle graded under its own policy (per committee, 优秀 ≤ 25 %, re-check wins at 8 points): the dry run and the proposal give the independent grades; each part locks with its step"
    )
    func customPolicy() async throws {
        var random = SeededRandom(seed: 20_261_207)
        var units = SyntheticCounty.units(
            county: Self.county,
            totals: Array(repeating: 8000, count: 40),
            departments: ["dept"],
            random: &random
        )
        for serial in units.indices {
            let committee = serial % 4  // SyntheticCounty.units puts unit i in committee i % 4
            let index = serial / 4
            #expect(units[serial].committee == SyntheticCounty.committees[committee])
            units[serial].hundredths = Self.totals[index] + 7 * committee
            units[serial].award = false
            if index == 5 { units[serial].recheck = (units[serial].hundredths + 650, 0) }
            if index == 8 { units[serial].recheck = (units[serial].hundredths - 900, 0) }
        }
        let custom = Self.expected(units, threshold: 800, capPercent: 25, perCommittee: true)
        let builtIn = Self.expected(units, threshold: 500, capPercent: 30, perCommittee: false)
        #expect(custom != builtIn, "the custom policy must change some grade, or the test proves nothing")

        let unitList = units
        try await Self.serve(units) { client, call in
            let base = "/api/v1/counties/\(Self.county)/cycles/2026"
            let now = Date()
            let step = """
                {"opensAt": "\(ShanghaiTime.format(now.addingTimeInterval(-86_400)))", "deadline": "\(ShanghaiTime.format(now.addingTimeInterval(86_400)))", "closesAt": "\(ShanghaiTime.format(now.addingTimeInterval(2 * 86_400)))"}
                """
            var response = try await call(
                .put,
                base,
                as: "office",
                #"{"steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#
            )
            #expect(response.status == .created)
            #expect(
                try await call(
                    .put,
                    base + "/units",
                    as: "office",
                    #"{"units": [\#(unitList.map { "\"\($0.code)\"" }.joined(separator: ","))]}"#
                )
                .status == .ok
            )
            // Created without a preset: the county default, version 1, nothing locked but the staff table (rosters are open).
            var policy = try FilingAPIFixture.json(try await call(.get, base + "/policy", as: "education"))
            #expect(policy["version"] as? Int == 1)
            #expect(policy["preset"] as? String == "county-default")
            #expect(Set((policy["locked"] as? [String: String] ?? [:]).keys) == ["roster", "weighting"])
            let words = (policy["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(words.contains { $0.contains("优秀不超过30%") && $0.contains("全县统一计算") }, "\(words)")

            for unit in unitList {
                response = try await call(
                    .put,
                    "\(base)/units/\(unit.code)/assessment",
                    as: unit.committee,
                    SyntheticCounty.sheet(unit.hundredths, poor: 0)
                )
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            try await client.execute(
                """
                INSERT INTO spot_check_draws (county, cycle, draw_no, population, population_hash, population_size, frozen_at, frozen_by,
                    seed, seed_source, algorithm, algorithm_version, percent, stratification, reviewers_per_unit, reviewer_register, drawn_at, drawn_by)
                VALUES (\(Self.county), '2026', 1, '[]', repeat('0', 64), 40, now(), 'office', '20261207', 'dice', 'consistent_sampler', '1', 20,
                        'committee', 0, '[]', now(), 'office')
                """
            )
            for (rank, unit) in unitList.filter({ $0.recheck != nil }).enumerated() {
                try await client.execute(
                    """
                    INSERT INTO spot_check_selections (county, cycle, draw_no, unit_code, stratum, ticket, rank)
                    VALUES (\(Self.county), '2026', 1, \(unit.code), \(unit.committee), \("0.\(rank + 1)"), \(rank + 1))
                    """
                )
                response = try await call(
                    .put,
                    "\(base)/units/\(unit.code)/recheck",
                    as: "office",
                    SyntheticCounty.sheet(unit.recheck!.hundredths, poor: 0, reviewer: "核验组\(rank)")
                )
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }

            let change =
                #"{"changes": {"defaultCohortScope": "committee", "grading": {"excellentMaxPercent": 25}, "recheck": {"pointsThreshold": 8}}, "reason": "本年度实施方案", "version": 1}"#
            // The dry run, before saving: the grades under the policy tried and under the one in force.
            response = try await call(.post, base + "/policy/dry-run", as: "office", change)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let dryRun = try FilingAPIFixture.json(response)
            let tried = Dictionary(
                uniqueKeysWithValues: (dryRun["units"] as? [[String: Any]] ?? []).map {
                    ($0["code"] as? String ?? "", $0["tried"] as? String ?? "")
                }
            )
            let inForce = Dictionary(
                uniqueKeysWithValues: (dryRun["units"] as? [[String: Any]] ?? []).map {
                    ($0["code"] as? String ?? "", $0["inForce"] as? String ?? "")
                }
            )
            #expect(tried == custom)
            #expect(inForce == builtIn)
            #expect((dryRun["bounds"] as? [Any])?.isEmpty == true)

            // Saved: version 2, in words; a second save of the same version is refused.
            response = try await call(.put, base + "/policy", as: "office", change)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            policy = try FilingAPIFixture.json(response)
            #expect(policy["version"] as? Int == 2)
            let savedWords = (policy["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(savedWords.contains { $0.contains("优秀不超过25%") && $0.contains("按专业考核委员会分别计算") }, "\(savedWords)")
            #expect(savedWords.contains { $0.contains("相差8分及以上") }, "\(savedWords)")
            response = try await call(.put, base + "/policy", as: "office", change)
            #expect(response.status == .conflict)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.version")

            // The staff table is locked: rosters are open.
            response = try await call(.put, base + "/policy", as: "office", #"{"changes": {"roster": {"awardBonusPercent": 0}}}"#)
            #expect(response.status == .conflict)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.after-rosters-open")
            // The spot check is locked: the population is frozen.
            response = try await call(.put, base + "/policy", as: "office", #"{"changes": {"spotCheck": {"defaultPercent": 20}}}"#)
            #expect(response.status == .conflict)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.after-freeze")

            response = try await call(.post, base + "/grading/proposal", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let body = try FilingAPIFixture.json(response)
            #expect((body["conflicts"] as? [Any])?.isEmpty == true, "\(body["conflicts"] ?? "")")
            let grades = Dictionary(
                uniqueKeysWithValues: (body["units"] as? [[String: Any]] ?? []).map {
                    ($0["code"] as? String ?? "", $0["grade"] as? String ?? "")
                }
            )
            #expect(grades == custom)

            // After the proposal the unit grading is locked too.
            response = try await call(.put, base + "/policy", as: "office", #"{"changes": {"grading": {"excellentMaxPercent": 20}}}"#)
            #expect(response.status == .conflict)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.after-proposal")
            policy = try FilingAPIFixture.json(try await call(.get, base + "/policy", as: "office"))
            #expect(Set((policy["locked"] as? [String: String] ?? [:]).keys) == ["grading", "roster", "spotCheck", "weighting"])
            let versions = try FilingAPIFixture.json(try await call(.get, base + "/policy/versions", as: "office"))
            #expect((versions["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? Int } == [2, 1])
            #expect((versions["versions"] as? [[String: Any]])?.first?["reason"] as? String == "本年度实施方案")

            let audited = try await client.query(
                "SELECT count(*) AS n FROM audit_log WHERE county = \(Self.county) AND action = 'cycle.policy'"
            ).one().decode(Int64.self, column: "n")
            #expect(audited == 1)
            let verification = try await AuditChain.verify(client: client, county: Self.county)
            if case .intact = verification {} else { Issue.record("audit chain: \(verification)") }
        }
    }

    @Test("each bound of the documents is refused by name, nothing stored; presets chosen at creation and switched before a cycle opens")
    func boundsAndPresets() async throws {
        var random = SeededRandom(seed: 7)
        let units = SyntheticCounty.units(county: Self.county, totals: [8000, 8100, 8200, 8300], departments: ["dept"], random: &random)
        try await Self.serve(units) { _, call in
            let county = "/api/v1/counties/\(Self.county)"
            // Steps a year ahead: nothing opens, every part may change.
            let later = Date().addingTimeInterval(365 * 86_400)
            let step =
                #"{"opensAt": "\#(ShanghaiTime.format(later))", "deadline": "\#(ShanghaiTime.format(later.addingTimeInterval(86_400)))"}"#
            let steps = #""steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}"#

            // Created from a preset: its scheme and staff table unless named.
            var response = try await call(.put, county + "/cycles/2028", #"{"preset": "shanxi-2013", \#(steps)}"#)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(try FilingAPIFixture.json(response)["policy"] as? String == "shanxi-2013")
            var policy = try FilingAPIFixture.json(try await call(.get, county + "/cycles/2028/policy"))
            #expect(policy["preset"] as? String == "shanxi-2013")
            #expect(((policy["policy"] as? [String: Any])?["roster"] as? [String: Any])?["id"] as? String == "shanxi-2013")
            response = try await call(.put, county + "/cycles/2029", #"{"preset": "no-such", \#(steps)}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "cycle.preset")

            let base = county + "/cycles/2027"
            #expect(try await call(.put, base, #"{\#(steps)}"#).status == .created)
            let refusals: [(change: String, rule: String, field: String)] = [
                (#"{"grading": {"excellentMaxPercent": 35}}"#, "policy.excellent-cap", "/grading/excellentMaxPercent"),
                (#"{"grading": {"qualifiedMinPercent": 75}}"#, "policy.floor", "/grading/qualifiedMinPercent"),
                (#"{"spotCheck": {"minimumPercent": 5, "defaultPercent": 5}}"#, "policy.minimum-rate", "/spotCheck/minimumPercent"),
                (#"{"publicityWorkingDays": 3}"#, "policy.publicity-days", "/publicityWorkingDays"),
                (
                    #"{"grading": {"bands": [{"grade": "excellent", "atLeast": 120}, {"grade": "good", "atLeast": 70}, {"grade": "qualified", "atLeast": 60}]}}"#,
                    "policy.band-points", "/grading/bands[0]/atLeast"
                ),
                (
                    #"{"roster": {"excellentPercentByUnitGrade": {"excellent": 30}}}"#, "policy.staff-excellent-cap",
                    "/roster/excellentPercentByUnitGrade/excellent"
                ),
                (#"{"roster": {"awardBonusPercent": 10}}"#, "policy.award-bonus-cap", "/roster/awardBonusPercent"),
                (#"{"recheck": {"pointsThreshold": 0}}"#, "policy.positive", "/recheck/pointsThreshold"),
                (
                    #"{"grading": {"departmentShareCaps": {"excellent": {"excellentMaxPercent": 40}}}}"#, "policy.department-share-cap",
                    "/grading/departmentShareCaps/excellent/excellentMaxPercent"
                ),
                (#"{"id": "made-up"}"#, "policy.preset", "/id"),
            ]
            for refusal in refusals {
                response = try await call(.put, base + "/policy", #"{"changes": \#(refusal.change)}"#)
                #expect(response.status == .unprocessableContent, "\(refusal.change): \(String(buffer: response.body))")
                let problem = try FilingAPIFixture.json(response)
                #expect(problem["rule"] as? String == refusal.rule, "\(refusal.change): \(problem)")
                #expect(problem["field"] as? String == refusal.field, "\(refusal.change): \(problem)")
            }
            // A reason over 500 characters.
            response = try await call(
                .put,
                base + "/policy",
                #"{"preset": "national-2023", "reason": "\#(String(repeating: "理", count: 501))"}"#
            )
            #expect(response.status == .unprocessableContent)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.reason")
            // A floor below zero is not a percentage at all.
            response = try await call(.put, base + "/policy", #"{"changes": {"grading": {"qualifiedMinPercent": -5}}}"#)
            #expect(response.status == .unprocessableContent)
            // Exactly one kind of change.
            response = try await call(.put, base + "/policy", #"{"preset": "national-2023", "changes": {}}"#)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.change")
            policy = try FilingAPIFixture.json(try await call(.get, base + "/policy"))
            #expect(policy["version"] as? Int == 1)

            // Before it opens a cycle may switch presets; the cycle's staff policy follows.
            response = try await call(.put, base + "/policy", #"{"preset": "national-2023", "reason": "改用人社部规定"}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try FilingAPIFixture.json(response)["version"] as? Int == 2)
            #expect(try FilingAPIFixture.json(try await call(.get, base))["policy"] as? String == "national-2023")
            // A lower staff ratio and a stricter cap are within the documents.
            response = try await call(
                .put,
                base + "/policy",
                #"{"changes": {"grading": {"excellentMaxPercent": 25}, "roster": {"excellentPercentByUnitGrade": {"good": 15}}}}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            // Only the office changes a policy; a unit may read it.
            #expect(try await call(.put, base + "/policy", as: units[0].code, #"{"preset": "county-default"}"#).status == .forbidden)
            #expect(try await call(.get, base + "/policy", as: units[0].code).status == .ok)
            let presets = try FilingAPIFixture.json(try await call(.get, county + "/policy-presets", as: units[0].code))
            #expect((presets["presets"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == PolicyLoader.cyclePresetIds)

            // The cycle itself updated before it opens, naming another staff policy: the stored policy follows,
            // keeping the office's other changes.
            response = try await call(.put, base, #"{"policy": "shanxi-2013", \#(steps)}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            policy = try FilingAPIFixture.json(try await call(.get, base + "/policy"))
            #expect(policy["version"] as? Int == 4)
            let stored = policy["policy"] as? [String: Any]
            #expect((stored?["roster"] as? [String: Any])?["id"] as? String == "shanxi-2013")
            #expect((stored?["grading"] as? [String: Any])?["excellentMaxPercent"] as? Int == 25)
            #expect(try await call(.put, base, #"{"policy": "shanxi-2013", \#(steps)}"#).status == .ok)
            // Nothing changed: no new version.
            #expect(try FilingAPIFixture.json(try await call(.get, base + "/policy"))["version"] as? Int == 4)
        }
    }

    @Test(
        "a committee's indicator weights within 篇十二's ranges: refused outside them by name, scored against once the step opens, locked from then on"
    )
    func committeeWeights() async throws {
        var random = SeededRandom(seed: 11)
        let units = SyntheticCounty.units(county: Self.county, totals: [8000, 8100, 8200, 8300], departments: ["dept"], random: &random)
        #expect(units[0].committee == "agriculture" && units[1].committee == "culture")
        try await Self.serve(units) { client, call in
            let base = "/api/v1/counties/\(Self.county)/cycles/2027"
            let later = Date().addingTimeInterval(30 * 86_400)
            let step =
                #"{"opensAt": "\#(ShanghaiTime.format(later))", "deadline": "\#(ShanghaiTime.format(later.addingTimeInterval(86_400)))"}"#
            var response = try await call(
                .put,
                base,
                #"{"preset": "municipal-2019", "steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(try await call(.put, base + "/units", #"{"units": ["\#(units[0].code)", "\#(units[1].code)"]}"#).status == .ok)

            // 履行职责 75 is over its 70: refused by name, nothing stored.
            func weights(_ keyTasks: Int, main: Int = 30) -> String {
                #"{"changes": {"committeeWeightings": {"agriculture": {"indicatorMax": {"key_tasks": \#(keyTasks), "main_duties": \#(main), "budget_performance": 10, "reform_innovation": 8, "quality_efficiency": 7, "sponsor_eval": 8, "client_eval": 7}}}}}"#
            }
            response = try await call(.put, base + "/policy", weights(35))
            #expect(response.status == .unprocessableContent)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.weights", "\(String(buffer: response.body))")
            // 70 / 15 / 15: within the ranges, the total 100.
            response = try await call(.put, base + "/policy", weights(30))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let words = (try FilingAPIFixture.json(response)["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(words.contains { $0.contains("履行职责70分、创新创优15分、综合测评15分") }, "\(words)")
            // A county-2021 cycle's weights are fixed.
            let fixed = try await call(
                .put,
                "/api/v1/counties/\(Self.county)/cycles/2028",
                #"{"steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#
            )
            #expect(fixed.status == .created)
            response = try await call(.put, "/api/v1/counties/\(Self.county)/cycles/2028/policy", weights(30))
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.weights")

            // The steps open (moved by hand: the test cannot wait a month).
            try await client.execute(
                "UPDATE cycle_steps SET opens_at = now() - interval '1 hour' WHERE county = \(Self.county) AND cycle = '2027'"
            )
            let sheet =
                #"{"scores": {"key_tasks": 28, "main_duties": 20, "budget_performance": 8, "reform_innovation": 6, "quality_efficiency": 6, "sponsor_eval": 6, "client_eval": 6}, "qualitative": {"political": "good", "cadre": "good", "organisation": "good", "conduct": "good"}}"#
            // 重点任务 28: within agriculture's 30, over culture's 25 (the scheme's own).
            response = try await call(.put, "\(base)/units/\(units[0].code)/assessment", as: "agriculture", sheet)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            response = try await call(.put, "\(base)/units/\(units[1].code)/assessment", as: "culture", sheet)
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("key_tasks"), "\(String(buffer: response.body))")
            // From now on the weights are locked.
            response = try await call(.put, base + "/policy", weights(28, main: 32))
            #expect(response.status == .conflict)
            #expect(try FilingAPIFixture.json(response)["rule"] as? String == "policy.after-assessments-open")
        }
    }
}
