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

/// 批量报送评分: a committee downloads its units' score table, fills it in a spreadsheet and uploads
/// it; a bad cell refuses the whole file by line and column, nothing filed; a good file files one
/// version per unit through the same store call as the API.
@Suite("Dashboard: a committee's scores from one workbook")
struct DashboardBulkScoresTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture
    static let units = D.base + "/units"

    static func versions(_ d: D, _ unit: String) async throws -> Int {
        try await d.f.client.query(
            "SELECT count(*)::int AS n FROM filings WHERE county = \(F.county) AND unit_code = \(unit) AND kind = 'assessment'"
        ).single(Int.self) ?? 0
    }

    /// A row of the template's columns: A's and B's sheets, key tasks given.
    static func csv(header: String, rows: [(code: String, name: String, keyTasks: String)]) -> [UInt8] {
        var lines = [header]
        for row in rows {
            // 定性 ×4, 定量 ×12 (key tasks first), 加分, 理由, 减分, 理由.
            lines.append(
                [
                    row.code, row.name, "好", "好", "中", "好", row.keyTasks, "28", "9", "4", "6", "3", "4", "9", "2", "2", "2", "2", "1.5",
                    "获市级表彰", "", "",
                ]
                .joined(separator: ",")
            )
        }
        return Array(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    @Test("template with the committee's units; a score over its maximum refuses the file by line and column; corrected, both units filed")
    func bulk() async throws {
        let d = try await D.make(propose: false)
        let csrf = d.sessions["edu"]!.csrf
        try await d.f.app().test(.router) { http in
            var page = D.text(try await d.get(http, Self.units, as: "edu"))
            #expect(page.contains("批量报送评分(Excel)") && page.contains("action=\"\(Self.units)/scores\""))
            #expect(!D.text(try await d.get(http, Self.units, as: "office")).contains("批量报送评分"))
            #expect(try await d.get(http, Self.units + "/scores-template.csv", as: "unit-a").status == .forbidden)

            let template = D.text(try await d.get(http, Self.units + "/scores-template.csv", as: "edu"))
            let header = try #require(template.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n").first)
            #expect(header.hasPrefix("统一社会信用代码,单位名称,思想政治建设(好/中/差)"))
            #expect(header.contains("重点任务(满分20.00)"))
            #expect(template.contains(F.unitA) && template.contains(F.unitB) && !template.contains(F.unitC))
            #expect(template.contains(",好,"))  // A's filed sheet, its ratings in words
            let xlsx = try await d.get(http, Self.units + "/scores-template.xlsx", as: "edu")
            #expect(xlsx.status == .ok && Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))

            let (a, b) = (try await Self.versions(d, F.unitA), try await Self.versions(d, F.unitB))
            var file = Self.csv(header: header, rows: [(F.unitA, "县第一中学", "18"), (F.unitB, "县第二中学", "25")])
            var response = try await d.upload(http, Self.units + "/scores", as: "edu", csrf: csrf, file: ("评分.csv", file))
            #expect(response.status == .unprocessableContent)
            page = D.text(response)
            #expect(page.contains("第3行第7列(县第二中学,重点任务(满分20.00))"))
            #expect(page.contains("超过满分"))
            #expect(try await Self.versions(d, F.unitA) == a)
            #expect(try await Self.versions(d, F.unitB) == b)

            // A unit of another committee is named, not filed.
            file = Self.csv(header: header, rows: [(F.unitC, "县医院", "18")])
            response = try await d.upload(http, Self.units + "/scores", as: "edu", csrf: csrf, file: ("评分.csv", file))
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("不是本专考委本周期参加考核的单位"))

            file = Self.csv(header: header, rows: [(F.unitA, "县第一中学", "18"), (F.unitB, "县第二中学", "16.5")])
            response = try await d.upload(http, Self.units + "/scores", as: "edu", csrf: csrf, file: ("评分.csv", file))
            #expect(response.status == .ok)
            page = D.text(response)
            #expect(page.contains("已报送以下单位的评分"))
            #expect(page.contains("<td class=\"num\">90.50</td>") && page.contains("<td class=\"num\">89.00</td>"))
            #expect(try await Self.versions(d, F.unitA) == a + 1)
            #expect(try await Self.versions(d, F.unitB) == b + 1)
            let latest = try F.json(try await d.f.call(http, .get, F.unitPath("assessment", unit: F.unitB), as: "office"))
            let content = try #require(latest["content"] as? [String: Any])
            let sheet = try #require(content["sheet"] as? [String: Any])
            #expect("\((sheet["qualitative"] as? [String: Any])?["organisation"] ?? "")" == "fair")
        }
        await d.f.client.close()
    }

    @Test("a refusal while filing (B's step closed, A's extended) files no unit of the file: the page says so and lists none as filed")
    func refusedWhileFiling() async throws {
        let d = try await D.make(propose: false)
        let csrf = d.sessions["edu"]!.csrf
        try await d.f.app().test(.router) { http in
            let header = try #require(
                D.text(try await d.get(http, Self.units + "/scores-template.csv", as: "edu"))
                    .replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n").first
            )
            #expect(try await d.f.call(http, .post, "\(F.cycleBase)/2026/steps/assessment/close", as: "office").status == .ok)
            let grant = try await d.f.call(
                http,
                .post,
                "\(F.cycleBase)/2026/steps/assessment/extensions",
                as: "office",
                json: ExtensionsAPITests.grant(unit: F.unitA, deadline: ExtensionsAPITests.day(3), closesAt: ExtensionsAPITests.day(4))
            )
            #expect(grant.status == .created, "\(String(buffer: grant.body))")
            let (a, b) = (try await Self.versions(d, F.unitA), try await Self.versions(d, F.unitB))
            let file = Self.csv(header: header, rows: [(F.unitA, "县第一中学", "18"), (F.unitB, "县第二中学", "16.5")])
            let response = try await d.upload(http, Self.units + "/scores", as: "edu", csrf: csrf, file: ("评分.csv", file))
            #expect(response.status == .conflict)
            let page = D.text(response)
            #expect(page.contains("未保存任何内容") && page.contains("“县第二中学”的评分未能报送"))
            #expect(!page.contains("已报送以下单位的评分"))
            #expect(try await Self.versions(d, F.unitA) == a)
            #expect(try await Self.versions(d, F.unitB) == b)
        }
        await d.f.client.close()
    }
}
