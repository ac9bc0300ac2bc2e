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

/// Cycles, the three filings, versions, deadlines, idempotency, access and errors, end to end
/// through the HTTP application against a real cluster.
@Suite("Cycle filing API")
struct FilingAPITests {
    typealias F = FilingAPIFixture

    @Test("a full cycle over a live server: open, enrol, file all three kinds, resubmit, read history and attachments")
    func fullFlowLive() async throws {
        let f = try await F.make()
        try await f.app().test(.live) { http in
            try await f.openCycle(http)
            let cycle = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2026", as: "office"))
            #expect((cycle["units"] as? [String])?.count == 3)
            #expect((cycle["steps"] as? [[String: Any]])?.map { $0["state"] as? String } == ["open", "open", "open"])

            // 自评: report, then a PDF attachment, then the report again: versions 1, 2, 3.
            var response = try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: #"{"report": "本年度完成重点任务……"}"#)
            #expect(response.status == .ok)
            var body = try F.json(response)
            #expect(body["version"] as? Int == 1)
            #expect(body["late"] as? Bool == false)
            #expect(body["filedBy"] as? String == "unit-a")

            let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
            let name = "述职报告.pdf".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            response = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment/attachments/\(name)"),
                as: "unit-a",
                body: pdf,
                contentType: "application/pdf"
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            body = try F.json(response)
            #expect(body["version"] as? Int == 2)
            let attachments = (body["content"] as? [String: Any])?["attachments"] as? [[String: Any]]
            #expect(attachments?.first?["name"] as? String == "述职报告.pdf")

            response = try await f.call(http, .get, F.unitPath("self-assessment/attachments/\(name)"), as: "auditor")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            #expect(Array(buffer: response.body) == pdf)
            #expect(response.headers[.contentDisposition] == "attachment; filename*=UTF-8''%E8%BF%B0%E8%81%8C%E6%8A%A5%E5%91%8A.pdf")

            response = try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: #"{"report": "修改后的自评报告"}"#)
            body = try F.json(response)
            #expect(body["version"] as? Int == 3)
            let content = body["content"] as? [String: Any]
            #expect(content?["report"] as? String == "修改后的自评报告")
            #expect((content?["attachments"] as? [Any])?.count == 1)

            let history = try F.json(try await f.call(http, .get, F.unitPath("self-assessment/history"), as: "office"))
            let versions = history["versions"] as? [[String: Any]] ?? []
            #expect(versions.map { $0["version"] as? Int } == [1, 2, 3])
            #expect(versions.allSatisfy { $0["filedBy"] as? String == "unit-a" && ($0["filedAt"] as? String)?.hasSuffix("+08:00") == true })
            let latest = try F.json(try await f.call(http, .get, F.unitPath("self-assessment"), as: "edu"))
            #expect(latest["version"] as? Int == 3)
            let first = try F.json(try await f.call(http, .get, F.unitPath("self-assessment/history/1"), as: "office"))
            #expect((first["content"] as? [String: Any])?["report"] as? String == "本年度完成重点任务……")

            // 专考委考核 by the unit's committee.
            response = try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet())
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let assessed = ((try F.json(response))["content"] as? [String: Any])?["assessed"] as? [String: Any]
            #expect((assessed?["total"] as? NSNumber)?.doubleValue == 89)

            // 名册 as CSV with Chinese headers; a 警告 staff member proposed 优秀 is stored with the violation.
            let csv = """
                工号,姓名,岗位类别,层级,测评分,拟定等次,处分
                001,张三,专业技术,一般,95,优秀,
                002,李四,管理,中层,92,优秀,警告
                003,王五,工勤技能,一般,80,合格,无
                004,赵六,专业技术,一般,75,合格,

                """
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Array(csv.utf8),
                contentType: "text/csv; charset=utf-8"
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let summary = (try F.json(response))["content"] as? [String: Any]
            #expect(summary?["rows"] as? Int == 4)
            #expect(summary?["quotaStatus"] as? String == "provisional")
            let violations = summary?["violations"] as? [[String: Any]] ?? []
            #expect(violations.contains { $0["staffNo"] as? String == "002" && $0["rule"] as? String == "warning-not-excellent" })
            #expect(violations.contains { $0["rule"] as? String == "excellent-quota" })  // 20 % of 4 is 0
            let withStaff = try F.json(try await f.call(http, .get, F.unitPath("roster") + "?include=staff", as: "unit-a"))
            #expect((withStaff["staff"] as? [Any])?.count == 4)

            let audit = try await f.client.query(
                "SELECT count(*) AS n FROM audit_log WHERE county = \(F.county) AND action LIKE 'filing.%'"
            ).one()
            #expect(try audit.decode(Int.self, column: "n") == 5)
        }
        await f.client.close()
    }

    @Test("Idempotency-Key: a replay is byte for byte, another body is 422, a key in flight is 409, keys are per account")
    func idempotency() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            let first = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "一"}"#,
                key: "\"key-1\""
            )
            #expect(first.status == .ok)
            let replay = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "一"}"#,
                key: "\"key-1\""
            )
            #expect(replay.status == .ok)
            #expect(Array(buffer: replay.body) == Array(buffer: first.body))
            #expect(replay.headers[.contentType] == first.headers[.contentType])
            #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let history = try F.json(try await f.call(http, .get, F.unitPath("self-assessment/history"), as: "unit-a"))
            #expect((history["versions"] as? [Any])?.count == 1)

            let other = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "二"}"#,
                key: "\"key-1\""
            )
            #expect(other.status == .unprocessableContent)
            #expect(try F.problem(other).rule == "idempotency.key-reused")

            // The same key for another account is that account's own.
            let b = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment", cycle: "2026", unit: F.unitB),
                as: "unit-b",
                json: #"{"report": "一"}"#,
                key: "\"key-1\""
            )
            #expect(b.status == .ok)
            #expect((try F.json(b))["unit"] as? String == F.unitB)

            // A key whose first request is still running: its row is inserted, not yet committed, in
            // the first request's transaction; the second waits for it, then answers in flight.
            let holder = try await PostgresConnection.connect(configuration: f.client.configuration, logger: f.logger)
            try await holder.simpleQuery("BEGIN")
            try await holder.execute(
                """
                INSERT INTO idempotency_keys (county, account, key, fingerprint, method, path, expires_at)
                VALUES (\(F.county), 'unit-a', 'key-2', \(String(repeating: "0", count: 64)), 'PUT', '/x', now() + interval '1 hour')
                """
            )
            let inFlight = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "三"}"#,
                key: "key-2"
            )
            try await holder.simpleQuery("ROLLBACK")
            await holder.close()
            #expect(inFlight.status == .conflict)
            #expect(inFlight.headers[.retryAfter] == "1")
            #expect(try F.problem(inFlight).rule == "idempotency.in-flight")

            // A refusal is stored and replayed too.
            let denied = try await f.call(http, .put, F.unitPath("assessment"), as: "unit-a", json: F.sheet(), key: "key-3")
            #expect(denied.status == .forbidden)
            let deniedAgain = try await f.call(http, .put, F.unitPath("assessment"), as: "unit-a", json: F.sheet(), key: "key-3")
            #expect(deniedAgain.status == .forbidden)
            #expect(Array(buffer: deniedAgain.body) == Array(buffer: denied.body))

            let bad = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment"),
                as: "unit-a",
                json: #"{"report": "四"}"#,
                key: "\"unterminated"
            )
            #expect(bad.status == .badRequest)
            #expect(try F.problem(bad).rule == "idempotency.key-format")
        }
        await f.client.close()
    }

    @Test("after the deadline a filing is stored and marked late; once closed it is refused with the closing time")
    func lateAndClosed() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http, "2025", deadlineIn: -3600, closesIn: 3600)
            let late = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment", cycle: "2025", unit: F.unitA),
                as: "unit-a",
                json: #"{"report": "迟交"}"#
            )
            #expect(late.status == .ok)
            #expect((try F.json(late))["late"] as? Bool == true)
            let history = try F.json(
                try await f.call(http, .get, F.unitPath("self-assessment/history", cycle: "2025", unit: F.unitA), as: "office")
            )
            #expect((history["versions"] as? [[String: Any]])?.first?["late"] as? Bool == true)

            try await f.openCycle(http, "2024", deadlineIn: -7200, closesIn: -60)
            let cycle = try F.json(try await f.call(http, .get, "\(F.cycleBase)/2024", as: "auditor"))
            let steps = cycle["steps"] as? [[String: Any]] ?? []
            #expect(steps.first?["state"] as? String == "closed")
            let closesAt = steps.first?["closesAt"] as? String ?? "?"
            let refused = try await f.call(
                http,
                .put,
                F.unitPath("self-assessment", cycle: "2024", unit: F.unitA),
                as: "unit-a",
                json: #"{"report": "太晚"}"#
            )
            #expect(refused.status == .conflict)
            let problem = try F.problem(refused)
            #expect(problem.rule == "cycle.step-closed")
            #expect(problem.detail.contains(closesAt))

            // The office closes an open step by hand.
            try await f.openCycle(http, "2026")
            let closed = try await f.call(http, .post, "\(F.cycleBase)/2026/steps/roster/close", as: "office")
            #expect(closed.status == .ok)
            #expect((try F.json(closed))["state"] as? String == "closed")
            let roster = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                json: #"{"staff": [{"staffNo": "1", "grade": "competent"}]}"#
            )
            #expect(roster.status == .conflict)
            #expect(try F.problem(roster).detail.contains("closed by the office"))
            let again = try await f.call(http, .post, "\(F.cycleBase)/2026/steps/roster/close", as: "office")
            #expect(again.status == .conflict)

            // An open cycle can no longer be redefined.
            let redefine = try await f.call(http, .put, "\(F.cycleBase)/2026", as: "office", json: "{}")
            #expect(redefine.status == .conflict)
            #expect(try F.problem(redefine).rule == "cycle.already-open")
        }
        await f.client.close()
    }

    @Test("outside the caller's scope is 404, a role that may never file this is 403")
    func scopes() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            #expect(try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: #"{"report": "x"}"#).status == .ok)
            // Other unit, other committee, other county, unknown unit: 404.
            #expect(
                try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-b", json: #"{"report": "x"}"#).status == .notFound
            )
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "unit-b").status == .notFound)
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "health").status == .notFound)
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "health", json: F.sheet()).status == .notFound)
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "other-office").status == .notFound)
            #expect(try await f.call(http, .put, "\(F.cycleBase)/2027", as: "other-office", json: "{}").status == .notFound)
            #expect(
                try await f.call(http, .get, F.unitPath("self-assessment", cycle: "2026", unit: "12350100MB0000001X"), as: "office").status
                    == .notFound
            )
            // Visible, but the role may never do it: 403.
            #expect(try await f.call(http, .put, F.unitPath("self-assessment"), as: "edu", json: #"{"report": "x"}"#).status == .forbidden)
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "office", json: F.sheet()).status == .forbidden)
            #expect(try await f.call(http, .put, F.unitPath("assessment"), as: "unit-a", json: F.sheet()).status == .forbidden)
            #expect(try await f.call(http, .put, F.unitPath("roster"), as: "auditor", json: #"{"staff": []}"#).status == .forbidden)
            #expect(try await f.call(http, .put, "\(F.cycleBase)/2027", as: "auditor", json: "{}").status == .forbidden)
            #expect(try await f.call(http, .post, "\(F.cycleBase)/2026/steps/roster/close", as: "unit-a").status == .forbidden)
            // Readers in scope.
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "auditor").status == .ok)
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "edu").status == .ok)
            #expect(try await f.call(http, .get, F.unitPath("self-assessment"), as: "unit-a").status == .ok)
            // A unit not enrolled in the cycle.
            #expect(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("self-assessment", cycle: "2030", unit: F.unitA),
                    as: "unit-a",
                    json: #"{"report": "x"}"#
                ).status == .notFound
            )
        }
        await f.client.close()
    }

    @Test("malformed JSON and CSV, bad scores and oversized bodies are 4xx problems naming the field and rule")
    func badInput() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            var problem = try F.problem(
                try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: "{\"report\": \n \"x\" ,, }")
            )
            #expect(problem.status == 400)
            #expect(problem.rule == "json.syntax")
            #expect(problem.field?.hasPrefix("line 2, column") == true, "\(problem.field ?? "-") \(problem.detail)")

            problem = try F.problem(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "\"abc\"")))
            #expect(problem.status == 422)
            #expect(problem.field == "/scores/key_tasks")

            problem = try F.problem(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "25")))
            #expect(problem.status == 422)
            #expect(problem.field == "/scores/key_tasks")
            #expect(problem.rule == "above-max")
            #expect(problem.detail.contains("key_tasks") && problem.detail.contains("20.00"))

            problem = try F.problem(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(keyTasks: "-1")))
            #expect(problem.rule == "below-zero")
            problem = try F.problem(
                try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(extraScore: #", "bonus": 3"#))
            )
            #expect(problem.rule == "unknown-indicator")
            #expect(problem.field == "/scores/bonus")
            problem = try F.problem(try await f.call(http, .put, F.unitPath("assessment"), as: "edu", json: F.sheet(political: "great")))
            #expect(problem.rule == "qualitative-value")
            #expect(problem.field == "/qualitative/political")
            #expect(try await f.call(http, .get, F.unitPath("assessment/history"), as: "edu").status == .ok)
            #expect(
                (try F.json(try await f.call(http, .get, F.unitPath("assessment/history"), as: "edu"))["versions"] as? [Any])?.isEmpty
                    == true
            )

            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("roster"),
                    as: "unit-a",
                    body: Array("工号,拟定等次\n001,优秀\n002,\"合格\n".utf8),
                    contentType: "text/csv"
                )
            )
            #expect(problem.status == 400)
            #expect(problem.rule == "csv.quote")
            #expect(problem.field?.hasPrefix("line 3, column 2") == true, "\(problem.field ?? "-")")

            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("roster"),
                    as: "unit-a",
                    body: Array("工号,姓名,拟定等次\n001,张三,优秀\n002,李四,很好\n".utf8),
                    contentType: "text/csv"
                )
            )
            #expect(problem.status == 422)
            #expect(problem.field == "line 3, column 3")
            #expect(problem.rule == "roster.grade")

            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("roster"),
                    as: "unit-a",
                    body: Array("姓名\n张三\n".utf8),
                    contentType: "text/csv"
                )
            )
            #expect(problem.rule == "roster.header")

            problem = try F.problem(
                try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", json: #"{"staff": [{"staffNo": "1", "grade": 5}]}"#)
            )
            #expect(problem.status == 422)
            #expect(problem.field == "/staff/0/grade")

            problem = try F.problem(
                try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: [1, 2, 3], contentType: "application/xml")
            )
            #expect(problem.status == 415)

            // Over the limit (2 MiB for a report): 413 problem, never a 500.
            let huge = #"{"report": ""# + String(repeating: "长", count: 800_000) + #""}"#
            problem = try F.problem(try await f.call(http, .put, F.unitPath("self-assessment"), as: "unit-a", json: huge))
            #expect(problem.status == 413)
            #expect(problem.rule == "body.max-size")
            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("self-assessment/attachments/a.pdf"),
                    as: "unit-a",
                    body: [UInt8](repeating: 0x25, count: FilingStore.maxAttachmentBytes + 1),
                    contentType: "application/pdf"
                )
            )
            #expect(problem.status == 413)
            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    F.unitPath("self-assessment/attachments/a.pdf"),
                    as: "unit-a",
                    body: Array("<html>".utf8),
                    contentType: "application/pdf"
                )
            )
            #expect(problem.status == 422)
            #expect(problem.rule == "attachment.pdf-magic")

            // Cycle definitions and enrolment.
            problem = try F.problem(try await f.call(http, .put, "\(F.cycleBase)/2027", as: "office", json: #"{"scheme": "nosuch"}"#))
            #expect(problem.field == "/scheme")
            #expect(problem.rule == "cycle.scheme")
            problem = try F.problem(
                try await f.call(
                    http,
                    .put,
                    "\(F.cycleBase)/2027",
                    as: "office",
                    json: #"{"steps": {"assessment": {"deadline": "31/01/2028"}}}"#
                )
            )
            #expect(problem.field == "/steps/assessment/deadline")
            problem = try F.problem(
                try await f.call(http, .put, "\(F.cycleBase)/2026/units", as: "office", json: #"{"units": ["91350100M000100Y44"]}"#)
            )
            #expect(problem.field == "/units/0")
            #expect(problem.rule == "uscc-checksum")
            problem = try F.problem(
                try await f.call(http, .put, "\(F.cycleBase)/2026/units", as: "office", json: #"{"units": ["12350100MB0000001X"]}"#)
            )
            #expect(problem.rule == "registry.unit" || problem.rule == "uscc-checksum")
        }
        await f.client.close()
    }

    @Test("a 20,000-line CSV roster is filed through COPY in one request")
    func bigRoster() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            var csv = "\u{FEFF}工号,姓名,岗位类别,层级,测评分,拟定等次,处分,立案调查,试用期,病事假月数\r\n"
            for i in 1...20_000 {
                let excellent = i % 5 == 0
                csv += "S\(i),职工\(i),专业技术,一般,\(excellent ? 93 : 81),\(excellent ? "优秀" : "合格"),无,否,否,0\r\n"
            }
            let response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: Array(csv.utf8), contentType: "text/csv")
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(500))")
            let content = (try F.json(response))["content"] as? [String: Any]
            #expect(content?["rows"] as? Int == 20_000)
            #expect(content?["quotaStatus"] as? String == "unknown")
            let count = try await f.client.query(
                "SELECT count(*) AS n FROM roster_rows WHERE county = \(F.county) AND unit_code = \(F.unitA)"
            ).one()
            #expect(try count.decode(Int.self, column: "n") == 20_000)
        }
        await f.client.close()
    }
}
