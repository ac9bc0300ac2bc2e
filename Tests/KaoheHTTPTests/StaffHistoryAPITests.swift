import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheRules
import KaoheStore
import NIOCore
import Postgres
import Testing

/// Staff across cycles (issue 19; SPEC "Staff across cycles"): a person's years, followed through a
/// transfer, and the flags their results raise, over the API and on the pages.
@Suite("Staff across cycles")
struct StaffHistoryAPITests {
    typealias F = FilingAPIFixture
    typealias D = DashboardPagesFixture

    static func roster(_ lines: [String]) -> String { #"{"staff": [\#(lines.joined(separator: ", "))]}"# }

    /// 2025 and 2026 for unit A and B: 010 基本合格 both years; 020 工勤技能 优秀 both years; 030 in probation
    /// in 2025, 不合格 in 2026; A's 040 基本合格 in 2025, moved to B as B40 from 2026, 基本合格 again.
    static func file(_ f: F, _ http: some TestClientProtocol) async throws {
        try await f.openCycle(http, "2025")
        try await f.openCycle(http, "2026")
        let a2025 = Self.roster([
            #"{"staffNo": "010", "score": 65, "grade": "basic"}"#,
            #"{"staffNo": "020", "score": 95, "grade": "excellent", "postCategory": "工勤技能"}"#,
            #"{"staffNo": "030", "grade": "undetermined", "probation": true}"#,
            #"{"staffNo": "040", "score": 66, "grade": "basic"}"#,
        ])
        let a2026 = Self.roster([
            #"{"staffNo": "010", "score": 64, "grade": "basic"}"#,
            #"{"staffNo": "020", "score": 96, "grade": "excellent", "postCategory": "工勤技能"}"#,
            #"{"staffNo": "030", "score": 50, "grade": "incompetent"}"#,
        ])
        let b2026 = Self.roster([
            #"{"staffNo": "B40", "score": 63, "grade": "basic"}"#, #"{"staffNo": "B50", "score": 80, "grade": "competent"}"#,
        ])
        for (cycle, unit, account, json) in [
            ("2025", F.unitA, "unit-a", a2025), ("2026", F.unitA, "unit-a", a2026), ("2026", F.unitB, "unit-b", b2026),
        ] {
            let response = try await f.call(http, .put, F.unitPath("roster", cycle: CycleID(cycle), unit: unit), as: account, json: json)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
        }
    }

    @Test("a transfer is the office's, refused by name; a person's years follow it; each year's flags have their article")
    func historyAndTransfers() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await Self.file(f, http)
            let path = "/api/v1/counties/\(F.county)/staff-transfers"
            let move =
                #"{"fromUnit": "\#(F.unitA)", "fromStaffNo": "040", "toUnit": "\#(F.unitB)", "toStaffNo": "B40", "cycle": "2026", "reason": "调入县第二中学"}"#
            #expect(try await f.call(http, .post, path, as: "unit-a", json: move).status == .forbidden)
            var response = try await f.call(
                http,
                .post,
                path,
                as: "office",
                json: move.replacingOccurrences(of: "B40", with: "040").replacingOccurrences(of: F.unitB, with: F.unitA)
            )
            #expect(try F.problem(response).rule == "staff.transfer-same")
            response = try await f.call(
                http,
                .post,
                path,
                as: "office",
                json: move.replacingOccurrences(of: #""cycle": "2026""#, with: #""cycle": "2026-Q1""#)
            )
            #expect(response.status == .unprocessableContent)
            response = try await f.call(http, .post, path, as: "office", json: move)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            response = try await f.call(http, .post, path, as: "office", json: move)
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "staff.transfer-exists")
            let audited = try await f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'staff.transfer'"
            ).one()
            #expect(try audited.decode(Int.self, column: "n") == 1)

            // B40's years: 2025 as A's 040, 2026 as B's B40 — 基本合格 both: the flag of 第四十三条(三).
            response = try await f.call(http, .get, "/api/v1/counties/\(F.county)/units/\(F.unitB)/staff/B40/history", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let years = (try F.json(response))["years"] as? [[String: Any]] ?? []
            #expect(years.map { $0["cycle"] as? String } == ["2025", "2026"])
            #expect(years.map { $0["unit"] as? String } == [F.unitA, F.unitB])
            #expect(years.map { $0["staffNo"] as? String } == ["040", "B40"])
            let flags = years.last?["flags"] as? [[String: Any]] ?? []
            #expect(flags.map { $0["rule"] as? String } == ["basic-two-years"])
            #expect(flags.first?["article"] as? String == "篇十三 第四十三条(三)")
            #expect((years.first?["flags"] as? [Any])?.isEmpty == true)
            // A's own staff: 020 工勤技能 优秀 twice; 030's probation ended 不合格.
            func flagsOf(_ staffNo: String) async throws -> [String] {
                let body = try F.json(
                    try await f.call(http, .get, "/api/v1/counties/\(F.county)/units/\(F.unitA)/staff/\(staffNo)/history", as: "unit-a")
                )
                return ((body["years"] as? [[String: Any]])?.last?["flags"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            }
            #expect(try await flagsOf("020") == ["worker-excellent-two-years"])
            #expect(try await flagsOf("030") == ["incompetent", "probation-incompetent"])
            #expect(try await flagsOf("010") == ["basic-two-years"])
            // Not for committees; nobody of that number: 404.
            #expect(
                try await f.call(http, .get, "/api/v1/counties/\(F.county)/units/\(F.unitA)/staff/010/history", as: "edu").status
                    == .forbidden
            )
            #expect(
                try await f.call(http, .get, "/api/v1/counties/\(F.county)/units/\(F.unitA)/staff/999/history", as: "office").status
                    == .notFound
            )
            // The flags of a cycle's roster, by staff number, the transfer followed.
            let store = StaffHistoryStore(client: f.client)
            let flagsA = try await store.flags(cycle: CycleRef(county: F.county, cycle: "2026"), unit: UnitCode(F.unitA))
            #expect(flagsA == ["010": [.basicTwoYears], "020": [.workerExcellentTwoYears], "030": [.incompetent, .probationIncompetent]])
            #expect(
                try await store.flags(cycle: CycleRef(county: F.county, cycle: "2026"), unit: UnitCode(F.unitB)) == [
                    "B40": [.basicTwoYears]
                ]
            )
        }
        await f.client.close()
    }

    @Test("on the pages: the roster's flags beside each line, and a person's years behind the staff number")
    func pages() async throws {
        let d = try await D.make(propose: false)
        try await d.f.app().test(.router) { http in
            try await d.f.openCycle(http, "2025")
            for cycle in ["2025", "2026"] {
                let json = Self.roster([
                    #"{"staffNo": "010", "name": "王五", "score": 65, "grade": "basic"}"#,
                    #"{"staffNo": "011", "score": 80, "grade": "competent"}"#,
                ])
                let response = try await d.f.call(http, .put, F.unitPath("roster", cycle: CycleID(cycle)), as: "unit-a", json: json)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            let unitPage = D.base + "/units/" + F.unitA
            var page = D.text(try await d.get(http, unitPage, as: "office"))
            #expect(page.contains("结果使用提示") && page.contains("连续两年基本合格,应向较低等级调整岗位"))
            #expect(page.contains(#"href="\#(unitPage)/staff/010""#))
            page = D.text(try await d.get(http, unitPage + "/staff/010", as: "unit-a"))
            #expect(page.contains("历年考核结果") && page.contains("<td>2025</td>") && page.contains("<td>2026</td>"))
            #expect(page.contains("工号 010(王五)") && page.contains("连续两年基本合格"))
            #expect(try await d.get(http, unitPage + "/staff/010", as: "edu").status == .notFound)
            // A committee sees the roster, not the flags of people's years.
            #expect(!D.text(try await d.get(http, unitPage, as: "edu")).contains("连续两年基本合格"))
        }
    }
}
