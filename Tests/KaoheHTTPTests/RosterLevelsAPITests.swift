import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheStore
import Postgres
import Testing

/// 层级 and 岗位类别 as closed lists over the API (SPEC "Staff rosters"; issue 19 "Leaders and
/// categories"), and 001's five tiers under the `cadre-five-tier` preset (issue 18).
@Suite("Roster levels, categories and five tiers over the API")
struct RosterLevelsAPITests {
    typealias F = FilingAPIFixture

    /// The roster's CSV: 工号, 姓名, 岗位类别, 层级, 测评分, 拟定等次.
    static func csv(_ rows: [String]) -> [UInt8] {
        Array(("工号,姓名,岗位类别,层级,测评分,拟定等次\r\n" + rows.joined(separator: "\r\n") + "\r\n").utf8)
    }

    func rosterVersions(_ f: F) async throws -> Int {
        try await f.client.query(
            "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'roster'"
        ).one().decode(Int.self, column: "n")
    }

    @Test("leaders are filed, bounded and kept out of the quota; an unknown 层级 or 岗位类别 is refused by cell and rule, nothing stored")
    func leadersAndRefusals() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // 10 general staff, 3 优秀 (no assessment yet: quota unknown); two leaders rated 优秀,
            // one of them warned (the bound still applies to a leader's line).
            var rows = (1...7).map { "S\($0),职工\($0),专业技术,一般,80,合格" }
            rows += (8...10).map { "S\($0),职工\($0),管理,中层,93,优秀" }
            rows += ["L1,书记,管理,主要负责人,96,优秀", "L2,副院长,专技,领导班子,95,优秀"]
            var response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: Self.csv(rows), contentType: "text/csv")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let content = try #require((try F.json(response))["content"] as? [String: Any])
            #expect(content["participants"] as? Int == 10)
            #expect(content["excellent"] as? Int == 3)
            #expect(content["leaders"] as? Int == 2)
            let staffCounts = content["staffCounts"] as? [String: Int]
            #expect(
                staffCounts?["principal.excellent"] == 1 && staffCounts?["leader.excellent"] == 1 && staffCounts?["middle.excellent"] == 3
            )
            // The lines read back as filed, the clerk's own terms.
            response = try await f.call(http, .get, F.unitPath("roster") + "?include=staff", as: "unit-a")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains(#""level":"领导班子""#))

            // An unknown 层级: 422 naming the cell and rule; the roster on file is unchanged.
            let before = try await rosterVersions(f)
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Self.csv(["S1,职工1,专业技术,一般,80,合格", "S2,职工2,专业技术,部长,80,合格"]),
                contentType: "text/csv"
            )
            #expect(response.status == .unprocessableContent)
            var problem = try F.json(response)
            #expect(problem["rule"] as? String == "roster.level")
            #expect(problem["field"] as? String == "line 3, column 4")
            #expect((problem["detail"] as? String)?.contains("一般工作人员") == true)
            // An unknown 岗位类别, in JSON: the pointer names it.
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                json: #"{"staff": [{"staffNo": "S1", "grade": "competent", "score": 80, "postCategory": "后勤", "level": "中层"}]}"#
            )
            #expect(response.status == .unprocessableContent)
            problem = try F.json(response)
            #expect(problem["rule"] as? String == "roster.post-category")
            #expect(problem["field"] as? String == "/staff/0/postCategory")
            #expect(try await rosterVersions(f) == before)

            // 良好 under the county's four tiers: stored, with the violation by staff number.
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Self.csv(["S1,职工1,专业技术,一般,88,良好", "S2,职工2,专业技术,一般,80,合格"]),
                contentType: "text/csv"
            )
            #expect(response.status == .ok)
            let violations = ((try F.json(response))["content"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []
            #expect(violations.map { $0["rule"] as? String } == ["good-not-in-tiers"])
            #expect(violations.first?["staffNo"] as? String == "S1")
        }
    }

    @Test("cadre-five-tier (001): 良好 is a grade with its own line, 优秀 ≤ 20 %, 不合格 ≥ 5 %")
    func fiveTierCycle() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http, preset: "cadre-five-tier")
            var response = try await f.call(http, .get, "\(F.cycleBase)/2026/policy", as: "office")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("five-tier-2023"))
            // 20 graded staff: 4 优秀 (⌊20 % × 20⌋ = 4 whatever the unit's grade), 6 良好 (≥ 85),
            // 9 合格, 1 不合格 (⌈5 % × 20⌉ = 1): clean.
            var rows = (1...4).map { "E\($0),职工,专业技术,一般,96,优秀" }
            rows += (1...6).map { "G\($0),职工,专业技术,一般,87,良好" }
            rows += (1...9).map { "C\($0),职工,专业技术,一般,78,合格" }
            rows += ["F1,职工,专业技术,一般,55,不合格"]
            response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: Self.csv(rows), contentType: "text/csv")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            var content = (try F.json(response))["content"] as? [String: Any]
            #expect(content?["policy"] as? String == "five-tier-2023")
            #expect((content?["violations"] as? [Any])?.isEmpty == true, "\(content ?? [:])")
            #expect((content?["gradeCounts"] as? [String: Int])?["good"] == 6)

            // A 良好 under its line (80 < 85), and no 不合格 at all: both named.
            rows = (1...4).map { "E\($0),职工,专业技术,一般,96,优秀" } + ["G1,职工,专业技术,一般,80,良好"]
            rows += (1...15).map { "C\($0),职工,专业技术,一般,78,合格" }
            response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: Self.csv(rows), contentType: "text/csv")
            content = (try F.json(response))["content"] as? [String: Any]
            let rules = (content?["violations"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            #expect(rules == ["score-threshold", "tier-floor"])
        }
    }
}
