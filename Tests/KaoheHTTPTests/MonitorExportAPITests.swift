import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// `GET …/monitor.csv`, `GET /counties/{county}/history` and `…/history.csv` end to end: Excel's
/// CSV (BOM, CRLF, one row per unit), the Chinese file name, the office's and auditor's scope, and
/// the history of a cycle taken through the draw, an override, confirmation, publicity and finalisation.
@Suite("Monitor export and county history API")
struct MonitorExportAPITests {
    typealias F = FilingAPIFixture
    typealias G = GradingAPITests

    static func lines(_ response: TestResponse) -> [String] {
        String(decoding: Array(buffer: response.body), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    @Test("monitor.csv: BOM, one row per unit with department, sampled, override and grade; a Chinese file name; office and auditor only")
    func monitorCSV() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            try await G.assess(f, http, [(G.a, "edu", "14"), (G.b, "edu", "15"), (G.c, "health", "17")])
            try await G.draw(f, units: [G.a, G.c])
            #expect(
                try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: G.recheck(F.sheet(keyTasks: "8"))).status == .ok
            )  // 79 vs 85
            #expect(try await f.call(http, .post, G.grading + "/proposal", as: "office").status == .ok)

            let response = try await f.call(http, .get, "\(F.cycleBase)/2026/monitor.csv", as: "auditor")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let disposition = response.headers[.contentDisposition] ?? ""
            #expect(
                disposition.contains(
                    "filename*=UTF-8''" + "闽侯县-2026年度-监控.csv".addingPercentEncoding(
                        withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))
                    )!
                )
            )
            #expect(Array(Array(buffer: response.body).prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = Self.lines(response)
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("\u{FEFF}统一社会信用代码 code,单位名称 name,专考委 committee,主管部门 department"))
            // Codes are kept as text for spreadsheets: `="…"` (ExcelCSV).
            let a = try #require(lines.first { $0.hasPrefix("\"=\"\"\(G.a)\"\"\"") })
            #expect(a.contains("县第一中学,教育专业考核委员会,县教育局"))
            #expect(a.contains("79.00,核验 recheck,是 yes,是 yes"))
            let b = try #require(lines.first { $0.hasPrefix("\"=\"\"\(G.b)\"\"\"") })
            #expect(b.contains("86.00,专考委 committee,否 no,否 no"))

            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor.csv", as: "office").status == .ok)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor.csv", as: "edu").status == .forbidden)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor.csv", as: "unit-a").status == .forbidden)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2026/monitor.csv", as: "other-office").status == .notFound)
            #expect(try await f.call(http, .get, "\(F.cycleBase)/2099/monitor.csv", as: "office").status == .notFound)
        }
        await f.client.close()
    }

    @Test("history after a finalised cycle: state, units, distribution, draw size, override, dates; as JSON and CSV")
    func history() async throws {
        let f = try await F.make()
        let history = "/api/v1/counties/\(F.county)/history"
        try await f.app().test(.router) { http in
            var response = try await f.call(http, .get, history, as: "office")
            #expect(response.status == .ok)
            #expect((try F.json(response))["cycles"] as? [Any] != nil)

            try await f.openCycle(http)
            try await G.assess(f, http, [(G.a, "edu", "14"), (G.b, "edu", "15"), (G.c, "health", "17")])
            try await G.draw(f, units: [G.a, G.c])
            #expect(
                try await f.call(http, .put, F.unitPath("recheck"), as: "office", json: G.recheck(F.sheet(keyTasks: "8"))).status == .ok
            )
            #expect(try await f.call(http, .post, G.grading + "/proposal", as: "office").status == .ok)
            response = try await f.call(http, .post, G.grading + "/confirm", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try await f.call(http, .post, G.publicity + "/open", as: "office").status == .created)
            try await f.client.execute("UPDATE publicity_windows SET closes_at = now() - interval '1 second'")
            response = try await f.call(http, .post, G.publicity + "/finalise", as: "office")
            #expect(response.status == .ok, "\(String(buffer: response.body))")

            response = try await f.call(http, .get, history, as: "auditor")
            #expect(response.status == .ok)
            let body = try F.json(response)
            #expect(body["name"] as? String == "闽侯县")
            let cycle = try #require((body["cycles"] as? [[String: Any]])?.first)
            #expect(cycle["cycle"] as? String == "2026")
            #expect(cycle["state"] as? String == "final")
            #expect(cycle["units"] as? Int == 3)
            #expect(cycle["graded"] as? Int == 3)
            #expect((cycle["distribution"] as? [String: Int])?.values.reduce(0, +) == 3)
            #expect(cycle["drawSize"] as? Int == 2)
            #expect(cycle["overrides"] as? Int == 1)
            #expect(cycle["finalisedBy"] as? String == "office")
            #expect(cycle["finalisedAt"] as? String != nil)
            #expect(cycle["confirmedAt"] as? String != nil)

            response = try await f.call(http, .get, history + ".csv", as: "office")
            #expect(response.status == .ok)
            #expect(Array(Array(buffer: response.body).prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = Self.lines(response)
            #expect(lines.count == 2)
            #expect(lines[1].hasPrefix(#""=""2026""","=""2026年度事业单位绩效考核""",final,3,3,"#))
            // Times are Asia/Shanghai wall-clock times that spreadsheets read as times.
            #expect(lines[1].range(of: #",\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil)
            let workbook = try await f.call(http, .get, history + ".xlsx", as: "office")
            #expect(workbook.status == .ok)
            #expect(workbook.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(Array(Array(buffer: workbook.body).prefix(2)) == [0x50, 0x4B])
            #expect(try await f.call(http, .get, history + ".xlsx", as: "unit-a").status == .forbidden)

            #expect(try await f.call(http, .get, history, as: "edu").status == .forbidden)
            #expect(try await f.call(http, .get, history + ".csv", as: "unit-a").status == .forbidden)
            #expect(try await f.call(http, .get, history, as: "other-office").status == .notFound)
        }
        await f.client.close()
    }
}
