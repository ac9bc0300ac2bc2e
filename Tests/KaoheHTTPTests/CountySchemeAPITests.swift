import Foundation
import HTTPTypes
import HummingbirdTesting
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// Issue 18: a county's own indicator scheme in a cycle's policy, and a committee entering its own
/// weights within 篇十二's ranges — both until committees may score.
@Suite("County schemes and committee weights")
struct CountySchemeAPITests {
    typealias P = CyclePolicyAPITests
    static let county = P.county

    /// Cycle 2027 (of `preset`) with every step a month away, two units enrolled.
    static func cycle2027(_ call: P.Caller, units: [SyntheticUnit], preset: String) async throws -> String {
        let base = "/api/v1/counties/\(county)/cycles/2027"
        let later = Date().addingTimeInterval(30 * 86_400)
        let step =
            #"{"opensAt": "\#(ShanghaiTime.format(later))", "deadline": "\#(ShanghaiTime.format(later.addingTimeInterval(86_400)))"}"#
        let response = try await call(
            .put,
            base,
            #"{"preset": "\#(preset)", "steps": {"self_assessment": \#(step), "assessment": \#(step), "roster": \#(step)}}"#
        )
        #expect(response.status == .created, "\(String(buffer: response.body))")
        #expect(try await call(.put, base + "/units", #"{"units": ["\#(units[0].code)", "\#(units[1].code)"]}"#).status == .ok)
        return base
    }

    static func json(_ response: TestResponse) throws -> [String: Any] { try FilingAPIFixture.json(response) }

    @Test("篇十二: a committee sets its own weights within the ranges, not another committee's; audited as itself; locked once it may score")
    func committeeEntersOwnWeights() async throws {
        var random = SeededRandom(seed: 12)
        let units = SyntheticCounty.units(county: Self.county, totals: [8000, 8100], departments: ["dept"], random: &random)
        #expect(units[0].committee == "agriculture")
        try await P.serve(units) { client, call in
            let base = try await Self.cycle2027(call, units: units, preset: "municipal-2019")
            let path = base + "/committees/agriculture/weighting"
            var response = try await call(.get, path, as: "agriculture")
            #expect(response.status == .ok)
            var body = try Self.json(response)
            #expect(body["committeeWeighted"] as? Bool == true)
            #expect(body["indicatorMax"] == nil)
            let duties = (body["groups"] as? [[String: Any]])?.first { $0["id"] as? String == "duties" }
            #expect((duties?["range"] as? [String: Any])?["max"] as? Int == 70)

            func weights(_ keyTasks: Int) -> String {
                #"{"indicatorMax": {"key_tasks": \#(keyTasks), "main_duties": 30, "budget_performance": 10, "reform_innovation": 8, "quality_efficiency": 7, "sponsor_eval": 8, "client_eval": 7}, "reason": "本委细化权重"}"#
            }
            // Another committee's account, a unit's: 403. Over 履行职责's 70: 422 naming the field.
            #expect(try await call(.put, path, as: "culture", weights(30)).status == .forbidden)
            #expect(try await call(.get, path, as: units[0].code).status == .forbidden)
            response = try await call(.put, path, as: "agriculture", weights(35))
            #expect(response.status == .unprocessableContent)
            body = try Self.json(response)
            #expect(body["rule"] as? String == "policy.weights")
            #expect((body["field"] as? String)?.hasPrefix("/committeeWeightings/agriculture") == true, "\(body)")
            // Within the ranges: saved as a new version, in the committee's name.
            response = try await call(.put, path, as: "agriculture", weights(30))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            body = try Self.json(response)
            #expect((body["indicatorMax"] as? [String: Any])?["key_tasks"] as? Int == 30)
            #expect(body["version"] as? Int == 2)
            let audit = try await client.query(
                "SELECT actor, details->>'changed' AS changed FROM audit_log WHERE county = \(Self.county) AND action = 'cycle.policy' ORDER BY seq DESC LIMIT 1"
            ).one()
            #expect(try audit.decode(String.self, column: "actor").contains("agriculture"))
            #expect(try audit.decode(String.self, column: "changed") == "weighting")
            // The office reads them in words.
            response = try await call(.get, base + "/policy")
            let words = (try Self.json(response)["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(words.contains { $0.contains("履行职责70分、创新创优15分、综合测评15分") }, "\(words)")
            // Once the assessment step opens: 409, the weights stay.
            try await client.execute(
                "UPDATE cycle_steps SET opens_at = now() - interval '1 hour' WHERE county = \(Self.county) AND cycle = '2027'"
            )
            response = try await call(.put, path, as: "agriculture", #"{"indicatorMax": null}"#)
            #expect(response.status == .conflict)
            #expect(try Self.json(response)["rule"] as? String == "policy.after-assessments-open")
            body = try Self.json(try await call(.get, path, as: "agriculture"))
            #expect((body["locked"] as? String)?.contains("不能再改") == true)
            #expect((body["indicatorMax"] as? [String: Any])?["key_tasks"] as? Int == 30)
        }
    }

    @Test(
        "a county's own scheme: refused by name when it is not whole or poses as a built-in one; once saved, units are scored against it; locked once committees score"
    )
    func countyOwnScheme() async throws {
        var random = SeededRandom(seed: 13)
        let units = SyntheticCounty.units(county: Self.county, totals: [8000, 8100], departments: ["dept"], random: &random)
        try await P.serve(units) { client, call in
            let base = try await Self.cycle2027(call, units: units, preset: "county-default")
            // The county moves 5 points from 主要职责 to 重点任务 (履行职责 stays 60).
            var scheme = try SchemeLoader.builtIn("county-2021")
            scheme.id = "county-990301-2027"
            scheme.title = "政策县2027年度单位绩效考核指标"
            scheme.source = "县2027年度实施方案"
            scheme.indicators = scheme.indicators.map {
                var indicator = $0
                if indicator.id == "key_tasks" { indicator.max = Score(points: 25) }
                if indicator.id == "main_duties" { indicator.max = Score(points: 25) }
                return indicator
            }
            func put(_ scheme: IndicatorScheme) async throws -> TestResponse {
                let json = String(decoding: RulesJSON.encode(scheme), as: UTF8.self)
                return try await call(.put, base + "/policy", #"{"changes": {"scheme": \#(json)}, "reason": "县实施方案"}"#)
            }
            // Posing as the built-in scheme, or indicators summing to 105: refused by name.
            var posing = scheme
            posing.id = "county-2021"
            var response = try await put(posing)
            #expect(response.status == .unprocessableContent)
            #expect(try Self.json(response)["rule"] as? String == "policy.scheme-id")
            var over = scheme
            over.indicators[0].max = over.indicators[0].max + Score(points: 5)
            response = try await put(over)
            #expect(response.status == .unprocessableContent)
            var problem = try Self.json(response)
            #expect(problem["rule"] as? String == "policy.scheme")
            #expect((problem["field"] as? String)?.hasPrefix("/scheme") == true, "\(problem)")

            response = try await put(scheme)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let saved = try Self.json(response)
            #expect((saved["policy"] as? [String: Any])?["defaultScheme"] as? String == "county-990301-2027")
            let words = (saved["words"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(words.contains { $0.contains("县自定指标体系“政策县2027年度单位绩效考核指标”") }, "\(words)")
            #expect(try Self.json(try await call(.get, base))["scheme"] as? String == "county-990301-2027")

            // Committees score against it: 重点任务 23 is over the built-in 20 but within the county's
            // 25; 主要职责 28 is over the county's 25.
            try await client.execute(
                "UPDATE cycle_steps SET opens_at = now() - interval '1 hour' WHERE county = \(Self.county) AND cycle = '2027'"
            )
            let committee = units[0].committee
            let assessment = "\(base)/units/\(units[0].code)/assessment"
            response = try await call(
                .put,
                assessment,
                as: committee,
                FilingAPIFixture.sheet(keyTasks: "23").replacingOccurrences(of: "\"main_duties\": 28", with: "\"main_duties\": 24")
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            response = try await call(.put, assessment, as: committee, FilingAPIFixture.sheet(keyTasks: "23"))
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains("main_duties"))
            // And the scheme can no longer change.
            response = try await call(.put, base + "/policy", #"{"changes": {"scheme": null}}"#)
            #expect(response.status == .conflict)
            problem = try Self.json(response)
            #expect(problem["rule"] as? String == "policy.after-assessments-open")
        }
    }
}
