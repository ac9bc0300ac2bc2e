import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// 延期 over the API: the whole step moves (and its scheduled close with it); one unit's grant lets
/// that unit file after the step closed, on time until its own deadline, while the others stay
/// refused; every refusal names its field and rule; each grant is audited.
@Suite("Deadline extensions (延期)")
struct ExtensionsAPITests {
    typealias F = FilingAPIFixture
    static let extensions = "\(F.cycleBase)/2026/steps/roster/extensions"
    static let roster = #"{"staff": [{"staffNo": "1", "grade": "competent"}]}"#

    static func grant(unit: String? = nil, deadline: String, closesAt: String? = nil, reason: String = "单位遭受洪灾,材料损毁") -> String {
        var fields = [#""deadline": "\#(deadline)""#, #""reason": "\#(reason)""#]
        if let unit { fields.append(#""unit": "\#(unit)""#) }
        if let closesAt { fields.append(#""closesAt": "\#(closesAt)""#) }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func day(_ days: Double) -> String { String(ShanghaiTime.format(Date().addingTimeInterval(days * 86_400)).prefix(10)) }

    @Test("the whole step: deadline and scheduled close move, keeping the late window; refusals name field and rule")
    func wholeStep() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http, deadlineIn: 86_400, closesIn: 3 * 86_400)
            // Refusals first: nothing is stored by any of them.
            for (json, status, rule, field) in [
                (Self.grant(deadline: Self.day(5), reason: "  "), HTTPResponse.Status.unprocessableContent, "extension.reason", "/reason"),
                (Self.grant(deadline: "明天"), .unprocessableContent, "extension.time", "/deadline"),
                (Self.grant(deadline: Self.day(-2)), .unprocessableContent, "extension.deadline-future", "/deadline"),
                (
                    Self.grant(deadline: Self.day(5), closesAt: Self.day(4)), .unprocessableContent, "extension.closes-before-deadline",
                    "/closesAt"
                ),
                (Self.grant(unit: "91350100MA00000000", deadline: Self.day(5)), .notFound, "cycle.enrolled", "/unit"),
            ] {
                let refused = try await f.call(http, .post, Self.extensions, as: "office", json: json)
                #expect(refused.status == status, "\(json): \(String(buffer: refused.body))")
                if status != .notFound {
                    #expect(try F.problem(refused).rule == rule)
                    #expect(try F.problem(refused).field == field)
                }
            }
            #expect(
                try await f.call(http, .post, Self.extensions, as: "unit-a", json: Self.grant(deadline: Self.day(5))).status == .forbidden
            )

            let response = try await f.call(http, .post, Self.extensions, as: "office", json: Self.grant(deadline: Self.day(5)))
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let body = try F.json(response)
            #expect((body["deadline"] as? String)?.hasPrefix(Self.day(5) + "T23:59:59") == true)
            // The late window (2 days) is kept after the new deadline.
            #expect((body["closesAt"] as? String)?.hasPrefix(Self.day(7) + "T23:59:59") == true)
            #expect(body["unit"] == nil)

            let cycle = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026", as: "unit-b"))
            let step = (cycle["steps"] as? [[String: Any]] ?? []).first { $0["step"] as? String == "roster" }
            #expect((step?["deadline"] as? String)?.hasPrefix(Self.day(5)) == true)
            let due = try await f.client.query(
                "SELECT due_at FROM scheduled_runs WHERE county = \(F.county) AND cycle = '2026' AND kind = 'step.close.roster'"
            ).single(Date.self)
            #expect(due.map { ShanghaiTime.format($0).hasPrefix(Self.day(7)) } == true)

            // Not later than the deadline now in force: refused.
            let again = try await f.call(http, .post, Self.extensions, as: "office", json: Self.grant(deadline: Self.day(4)))
            #expect(again.status == .unprocessableContent)
            #expect(try F.problem(again).rule == "extension.later")

            // A closed step is not reopened as a whole.
            #expect(try await f.call(http, .post, "\(F.cycleBase)/2026/steps/roster/close", as: "office").status == .ok)
            let closed = try await f.call(http, .post, Self.extensions, as: "office", json: Self.grant(deadline: Self.day(9)))
            #expect(closed.status == .conflict)
            #expect(try F.problem(closed).rule == "extension.step-closed")

            let audited = try await f.client.query(
                "SELECT count(*)::int AS n FROM audit_log WHERE county = \(F.county) AND action = 'cycle.deadline.extend'"
            ).single(Int.self)
            #expect(audited == 1)
        }
        await f.client.close()
    }

    @Test("after the confirmation: no 延期 of the assessment; a roster filed then is checked at once under the confirmed grade")
    func afterConfirmation() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await GradingAPITests.confirmed(f, http)
            let refused = try await f.call(
                http,
                .post,
                "\(F.cycleBase)/2026/steps/assessment/extensions",
                as: "office",
                json: Self.grant(unit: F.unitA, deadline: Self.day(3))
            )
            #expect(refused.status == .conflict)
            #expect(try F.problem(refused).rule == "extension.grades-confirmed")
            #expect(try F.problem(refused).field == "/step")

            let filed = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster)
            #expect(filed.status == .ok, "\(String(buffer: filed.body))")
            let version = try #require(try F.json(filed)["version"] as? Int)
            let check = try await f.client.query(
                "SELECT roster_version, final, unit_grade, basis FROM roster_checks WHERE county = \(F.county) AND unit_code = \(F.unitA)"
            ).one()
            #expect(try check.decode(Int.self, column: "roster_version") == version)
            #expect(try check.decode(Bool.self, column: "final") == true)
            #expect(try check.decode(String.self, column: "basis") == "grading")
            #expect(try check.decode(String.self, column: "unit_grade") == "good")
        }
        await f.client.close()
    }

    @Test("past the step's deadline, a unit with its own later deadline is not late on the office's monitor; the others are")
    func monitorReadsGrants() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http, deadlineIn: -3600, closesIn: 3 * 86_400)
            let response = try await f.call(
                http,
                .post,
                Self.extensions,
                as: "office",
                json: Self.grant(unit: F.unitA, deadline: Self.day(2))
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let monitor = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor", as: "office"))
            let roster = Dictionary(
                ((monitor["units"] as? [[String: Any]]) ?? []).map {
                    ($0["code"] as? String ?? "", ($0["steps"] as? [String: Any])?["roster"] as? String)
                },
                uniquingKeysWith: { a, _ in a }
            )
            #expect(roster[F.unitA] == "not_started")
            #expect(roster[F.unitB] == "late")
        }
        await f.client.close()
    }

    @Test("one unit after the step closed: it files on time until its own deadline, the others stay refused; each sees its own grants")
    func oneUnit() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            #expect(try await f.call(http, .post, "\(F.cycleBase)/2026/steps/roster/close", as: "office").status == .ok)
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster).status == .conflict)

            let response = try await f.call(
                http,
                .post,
                Self.extensions,
                as: "office",
                json: Self.grant(unit: F.unitA, deadline: Self.day(3), closesAt: Self.day(4))
            )
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(try F.json(response)["unit"] as? String == F.unitA)

            let filed = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: Self.roster)
            #expect(filed.status == .ok, "\(String(buffer: filed.body))")
            let stored = try await f.client.query(
                "SELECT late, deadline FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'roster'"
            ).one()
            #expect(try stored.decode(Bool.self, column: "late") == false)
            #expect(ShanghaiTime.format(try stored.decode(Date.self, column: "deadline")).hasPrefix(Self.day(3)))
            // Unit B was not granted anything.
            let refused = try await f.call(http, .put, F.unitPath("roster", unit: F.unitB), as: "unit-b", json: Self.roster)
            #expect(refused.status == .conflict)
            #expect(try F.problem(refused).rule == "cycle.step-closed")

            // Each account reads the grants it may: the office all, unit B none of A's.
            let all = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/extensions", as: "office"))
            #expect((all["extensions"] as? [Any])?.count == 1)
            let mine = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/extensions", as: "unit-b"))
            #expect((mine["extensions"] as? [Any])?.count == 0)
            let own = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026/extensions", as: "unit-a"))
            #expect((own["extensions"] as? [Any])?.count == 1)
        }
        await f.client.close()
    }
}
