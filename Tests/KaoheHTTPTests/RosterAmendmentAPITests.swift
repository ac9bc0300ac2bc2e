import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheStore
import NIOCore
import Postgres
import Testing

/// Issue 19, results that can still change on the record (SPEC "Staff across cycles"): a 复核 decided
/// `changed` and a grade 补定 after an investigation closes are each a new roster version — the line
/// changed, the version before kept, the checks re-run, audited with its content hashes.
@Suite("Roster amendments: 复核 and 补定等次")
struct RosterAmendmentAPITests {
    typealias F = FilingAPIFixture
    typealias G = GradingAPITests

    /// GradingAPITests' roster of unit A and 011, left 不定等次 under investigation, scoring 92.
    static let roster = G.roster.replacingOccurrences(
        of: #"{"staffNo": "010", "score": 65, "grade": "basic"}]}"#,
        with:
            #"{"staffNo": "010", "score": 65, "grade": "basic"}, {"staffNo": "011", "score": 92, "grade": "undetermined", "underInvestigation": true}]}"#
    )

    /// The latest roster of unit A, with its lines, as the API serves it.
    static func roster(
        _ f: F,
        _ http: some TestClientProtocol
    ) async throws -> (version: Int, content: [String: Any], staff: [String: [String: Any]]) {
        let body = try F.json(try await f.call(http, .get, F.unitPath("roster") + "?include=staff", as: "office"))
        let staff = (body["staff"] as? [[String: Any]] ?? []).map { ($0["staff"] as? [String: Any]) ?? [:] }
        return (
            body["version"] as? Int ?? 0, body["content"] as? [String: Any] ?? [:],
            Dictionary(uniqueKeysWithValues: staff.map { ($0["staffNo"] as? String ?? "", $0) })
        )
    }

    @Test(
        "补定等次 after the results are final: the office only, with the case; refused by name otherwise; a new version, in the quota, audited and verifiable"
    )
    func determinationAfterFinalisation() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await G.confirmed(f, http)
            #expect(Self.roster.contains(#""staffNo": "011""#))
            var response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            // 公示, its window closed by hand, the results final.
            #expect(try await f.call(http, .post, G.publicity + "/open", as: "office").status == .created)
            try await f.client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second' WHERE county = \(F.county)")
            response = try await f.call(http, .post, G.publicity + "/finalise", as: "office")
            #expect((try F.json(response))["finalised"] as? Bool == true, "\(String(buffer: response.body))")

            let path = F.unitPath("roster") + "/determinations"
            let good = #"{"staffNo": "011", "grade": "优秀", "sanction": "none", "case": "县纪委结案通知〔2027〕3号", "reason": "结案,未予处分"}"#
            #expect(try await f.call(http, .post, path, as: "unit-a", json: good).status == .forbidden)
            #expect(try await f.call(http, .post, path, as: "edu", json: good).status == .forbidden)
            for (json, rule, status) in [
                (good.replacingOccurrences(of: #""sanction": "none""#, with: #""sanction": "记过""#), "determination.sanction", 422),
                (good.replacingOccurrences(of: "县纪委结案通知〔2027〕3号", with: " "), "determination.case", 422),
                (good.replacingOccurrences(of: "优秀", with: "不定等次"), "determination.grade", 422),
                (good.replacingOccurrences(of: "011", with: "004"), "determination.not-pending", 409),
                (good.replacingOccurrences(of: "011", with: "999"), "roster.staff-not-on-roster", 422),
            ] {
                response = try await f.call(http, .post, path, as: "office", json: json)
                #expect(response.status.code == status, "\(json): \(String(buffer: response.body))")
                #expect(try F.problem(response).rule == rule, "\(json)")
            }
            #expect(try await Self.roster(f, http).version == 1)

            response = try await f.call(http, .post, path, as: "office", json: good)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let amended = try await Self.roster(f, http)
            #expect(amended.version == 2)
            #expect(amended.staff["011"]?["grade"] as? String == "excellent")
            #expect(amended.staff["011"]?["underInvestigation"] as? Bool == false)
            #expect(amended.content["excellent"] as? Int == 4)
            // It counts in the quota as if given on time: 4 优秀 of 11 now.
            let quota = try F.json(try await f.call(http, .get, F.unitPath("quota"), as: "office"))
            #expect(quota["excellent"] as? Int == 4 && quota["status"] as? String == "final", "\(quota)")
            // The version before is kept; the line is no longer pending.
            let first = try F.json(try await f.call(http, .get, F.unitPath("roster") + "/history/1", as: "office"))
            #expect((first["content"] as? [String: Any])?["excellent"] as? Int == 3)
            response = try await f.call(http, .post, path, as: "office", json: good)
            #expect(try F.problem(response).rule == "determination.not-pending")
            // Audited as a roster filing, with the case, and its content and lines verifiable.
            let audit = try await f.client.query(
                """
                SELECT details->>'amendment' AS amendment, details->>'case' AS "case", details->>'fromGrade' AS "from"
                FROM audit_log WHERE county = \(F.county) AND action = 'filing.roster' AND details->>'version' = '2'
                """
            ).one()
            #expect(try audit.decode(String.self, column: "amendment") == "补定等次")
            #expect(try audit.decode(String.self, column: "case") == "县纪委结案通知〔2027〕3号")
            #expect(try audit.decode(String.self, column: "from") == "undetermined")
            let verified = try await AuditChain.verifyContent(client: f.client, county: F.county)
            #expect(verified.broken == nil, "\(verified)")
            #expect(verified.matching >= 2)
        }
        await f.client.close()
    }

    @Test("a 复核 decided changed is the roster's from then on: a new version with the line changed, shown and verifiable")
    func appealChangesTheRoster() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: G.roster).status == .ok)
            let today = ShanghaiTime.format(Date()).prefix(10)
            var response = try await f.call(
                http,
                .post,
                F.unitPath("appeals"),
                as: "unit-a",
                json: #"{"staffNo": "010", "grade": "basic", "notifiedOn": "\#(today)", "reason": "测评分统计有误"}"#
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let id = (try F.json(response))["id"] as? Int ?? 0
            response = try await f.call(
                http,
                .put,
                "\(F.cycleBase)/2026/appeals/\(id)",
                as: "office",
                json: #"{"outcome": "changed", "grade": "competent", "note": "重新统计得分为72"}"#
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let amended = try await Self.roster(f, http)
            #expect(amended.version == 2)
            #expect(amended.staff["010"]?["grade"] as? String == "competent")
            // The score stays as filed (65): the change is on the record, its bound breach shown.
            let rules = (amended.content["violations"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            #expect(rules.contains("score-threshold"))
            let audit = try await f.client.query(
                "SELECT details->>'appeal' AS appeal FROM audit_log WHERE county = \(F.county) AND action = 'filing.roster' AND details->>'amendment' = '复核'"
            ).one()
            #expect(try audit.decode(String.self, column: "appeal") == String(id))
            #expect(try await AuditChain.verifyContent(client: f.client, county: F.county).broken == nil)
        }
        await f.client.close()
    }

    @Test(
        "补定等次 on the unit page: the office's form lists who is pending; a refusal keeps what was typed; done, the page shows the new version"
    )
    func determinationOnThePage() async throws {
        typealias D = DashboardPagesFixture
        let d = try await D.make(propose: false)
        let path = D.base + "/units/" + F.unitA
        try await d.f.app().test(.router) { http in
            #expect(try await d.f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster).status == .ok)
            var page = D.text(try await d.get(http, path, as: "office"))
            #expect(page.contains("<h2>补定等次</h2>") && page.contains(#"<option value="011">"#))
            #expect(!D.text(try await d.get(http, path, as: "unit-a")).contains("<h2>补定等次</h2>"))
            let csrf = d.sessions["office"]!.csrf
            func once(_ page: String) throws -> String { try DashboardPolicyTests.once(page) }
            var response = try await d.post(
                http,
                path + "/determinations",
                as: "office",
                csrf: csrf,
                fields: [
                    "staffNo": "011", "grade": "competent", "sanction": "warning", "case": "", "reason": "结案", "_once": try once(page),
                ]
            )
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("未能补定等次:请填写结案文书或案件编号"))
            #expect(page.contains(#"<option value="warning" selected>"#) && page.contains(">结案</textarea>"))
            response = try await d.post(
                http,
                path + "/determinations",
                as: "office",
                csrf: csrf,
                fields: ["staffNo": "011", "grade": "competent", "sanction": "warning", "case": "结案通知〔2027〕5号", "_once": try once(page)]
            )
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasSuffix("?filed=roster&version=2") == true)
            page = D.text(try await d.get(http, path + "?filed=roster&version=2", as: "office"))
            #expect(page.contains("第 2 版") && !page.contains("<h2>补定等次</h2>"))
            // Nobody but the office.
            #expect(
                try await d.post(http, path + "/determinations", as: "unit-a", csrf: d.sessions["unit-a"]!.csrf, fields: ["staffNo": "011"])
                    .status == .forbidden
            )
        }
    }
}
