import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheRules
import KaoheStore
import NIOCore
import Postgres
import Testing

/// 个别谈话 over the API (issue 19; SPEC "Interviews and staff evaluation").
@Suite("Interview lists over the API")
struct InterviewsAPITests {
    typealias F = FilingAPIFixture

    @Test(
        "drawn from the roster and the draw's seed: the office sees both sets, the committee its own, the unit none; nothing before the draw"
    )
    func lists() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            // 12 participants: a principal, 2 middle cadres, 9 staff; and one 不定等次.
            var rows = ["L1,书记,管理,主要负责人,90,合格", "M1,甲,管理,中层,85,合格", "M2,乙,管理,中层,85,合格", "P1,丙,专技,一般,,不定等次"]
            rows += (1...9).map { "G\($0),职工\($0),专业技术,一般,80,合格" }
            for unit in [F.unitA, F.unitB] {
                let response = try await f.call(
                    http,
                    .put,
                    F.unitPath("roster", unit: unit),
                    as: unit == F.unitA ? "unit-a" : "unit-b",
                    body: RosterLevelsAPITests.csv(rows),
                    contentType: "text/csv"
                )
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            // Before the draw there is no seed.
            var response = try await f.call(http, .get, F.unitPath("interviews"), as: "office")
            #expect(response.status == .conflict)
            #expect(try F.problem(response).rule == "interviews.not-yet")

            try await GradingAPITests.draw(f, units: [F.unitA])
            response = try await f.call(http, .get, F.unitPath("interviews"), as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            var body = try F.json(response)
            #expect(body["participants"] as? Int == 12 && body["size"] as? Int == 3)
            let committee = body["committee"] as? [[String: Any]] ?? []
            let recheck = body["recheck"] as? [[String: Any]] ?? []
            #expect(committee.count == 3 && recheck.count == 3)
            #expect(Set(committee.compactMap { $0["group"] as? String }) == ["leadership", "middle", "general"])
            #expect(committee.first { $0["group"] as? String == "leadership" }?["staffNo"] as? String == "L1")
            // Recomputable: the ticket of <unit>/<staff number> under the draw's seed.
            let seed = body["seed"] as? String ?? ""
            for person in committee {
                let id = "\(F.unitA)/\(person["staffNo"] as? String ?? "")"
                #expect(person["ticket"] as? String == ConsistentSampler(seed: seed).ticket(for: id).value)
            }
            // The committee its own set; the unit none; an unsampled unit has no re-check set.
            body = try F.json(try await f.call(http, .get, F.unitPath("interviews"), as: "edu"))
            #expect(body["committee"] != nil && body["recheck"] == nil)
            response = try await f.call(http, .get, F.unitPath("interviews"), as: "unit-a")
            #expect(response.status == .forbidden)
            body = try F.json(try await f.call(http, .get, F.unitPath("interviews", unit: F.unitB), as: "office"))
            #expect(body["committee"] != nil && body["recheck"] == nil)
        }
        await f.client.close()
    }

    @Test(
        "on the unit page: the office sees both lists of a sampled unit, the reviewer the re-check's, the committee its own, the unit none"
    )
    func onThePage() async throws {
        typealias D = DashboardPagesFixture
        let d = try await D.make(propose: false)
        try await d.f.app().test(.router) { http in
            let rows =
                ["L1,书记,管理,主要负责人,90,合格", "M1,甲,管理,中层,85,合格"]
                + (1...9).map { "G\($0),职工\($0),专业技术,一般,80,合格" }
            let response = try await d.f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: RosterLevelsAPITests.csv(rows),
                contentType: "text/csv"
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            // C has no account of its own here: its clerk's roster goes in through the store.
            let lines = (1...11).map { i in
                RosterLine(
                    line: i,
                    staff: StaffRecord(staffNo: "C\(i)", score: Score(points: 80), grade: .competent),
                    level: i == 1 ? "领导班子" : "一般"
                )
            }
            _ = try await FilingStore(client: d.f.client).fileRoster(
                cycle: CycleRef(county: F.county, cycle: "2026"),
                unit: UnitCode(F.unitC),
                lines: lines,
                collectiveAward: false,
                principal: Principal(county: F.county, account: "office", role: .unit, unitCode: UnitCode(F.unitC))
            )
            let pathA = D.base + "/units/" + F.unitA
            var page = D.text(try await d.get(http, pathA, as: "office"))
            #expect(page.contains("个别谈话名单") && page.contains("专考委现场考核") && page.contains("抽查核验"))
            #expect(page.contains("<td>领导班子成员</td>"))
            page = D.text(try await d.get(http, pathA, as: "edu"))
            #expect(page.contains("专考委现场考核") && !page.contains("<td>抽查核验</td>"))
            #expect(!D.text(try await d.get(http, pathA, as: "unit-a")).contains("个别谈话名单"))
            // The reviewer is assigned to C: the re-check list only.
            page = D.text(try await d.get(http, D.base + "/units/" + F.unitC, as: "rev1"))
            #expect(page.contains("<td>抽查核验</td>") && !page.contains("专考委现场考核"), "\(page.count)")
        }
    }
}
