import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Spreadsheets
import Testing

/// 上传考核名册 on the unit page: the unit's clerk uploads an .xlsx or CSV roster in the browser,
/// through the same path as the API; an unreadable file is refused in Chinese with its line and
/// column, and nothing is stored.
@Suite("Dashboard: roster upload")
struct DashboardRosterUploadTests {
    typealias D = DashboardPagesFixture
    typealias F = FilingAPIFixture

    static func unit(_ code: String) -> String { D.base + "/units/" + code }

    func versions(_ d: D) async throws -> Int {
        try await d.f.client.query(
            "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'roster'"
        ).one().decode(Int.self, column: "n")
    }

    @Test("the clerk uploads .xlsx and CSV files and sees what was filed; refusals name the line and column in Chinese and store nothing")
    func upload() async throws {
        let d = try await D.make()
        try await d.f.app().test(.router) { http in
            let csrf = d.sessions["unit-a"]!.csrf
            // The form is on the unit's own page, with the templates, and on no one else's.
            let page = D.text(try await d.get(http, Self.unit(F.unitA), as: "unit-a"))
            #expect(page.contains("上传考核名册") && page.contains("enctype=\"multipart/form-data\""))
            #expect(page.contains("roster-template.xlsx"))
            #expect(!D.text(try await d.get(http, Self.unit(F.unitA), as: "office")).contains("上传考核名册"))
            let before = try await versions(d)

            // An .xlsx roster: filed, then the page says so.
            var sheet = Sheet(name: "名册", columns: [.identifier("工号"), "姓名", .number("测评分"), "拟定等次"])
            sheet.append(["0003", "张三", "88.50", "合格"])
            sheet.append(["0104", "李四", "91.00", "优秀"])
            var response = try await d.upload(
                http,
                Self.unit(F.unitA) + "/roster",
                as: "unit-a",
                csrf: csrf,
                file: ("名册.xlsx", try XLSXWriter.workbook(sheet))
            )
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix(Self.unit(F.unitA) + "?filed=roster&version="))
            #expect(try await versions(d) == before + 1)
            let filed = D.text(try await d.get(http, location, as: "unit-a"))
            #expect(filed.contains("已报送考核名册第 \(before + 1) 版。"))
            #expect(filed.contains("张三") && filed.contains("0104"))

            // The same numbers as a spreadsheet saves them in a CSV (leading zeros gone): restored, and said so.
            let csv = "工号,姓名,测评分,拟定等次\r\n3,张三,88.5,合格\r\n104,李四,91,优秀\r\n"
            response = try await d.upload(http, Self.unit(F.unitA) + "/roster", as: "unit-a", csrf: csrf, file: ("名册.csv", Array(csv.utf8)))
            #expect(response.status == .seeOther)
            let restored = D.text(try await d.get(http, try #require(response.headers[.location]), as: "unit-a"))
            #expect(restored.contains("其中 2 个工号在表格软件中丢失了开头的 0,已按上次报送的工号登记。"))
            let numbers = try await d.f.client.query(
                "SELECT staff_no FROM roster_rows WHERE county = \(F.county) AND unit_code = \(F.unitA) AND version = \(before + 2) ORDER BY line"
            ).map { try $0.decode(String.self, column: "staff_no") }
            #expect(numbers == ["0003", "0104"])

            // A bad cell: a Chinese page naming line 3, column 4; nothing stored.
            let bad = "工号,姓名,测评分,拟定等次\r\n0003,张三,88.5,合格\r\n0104,李四,91,很好\r\n"
            response = try await d.upload(http, Self.unit(F.unitA) + "/roster", as: "unit-a", csrf: csrf, file: ("名册.csv", Array(bad.utf8)))
            #expect(response.status == .unprocessableContent)
            let refusal = D.text(response)
            #expect(refusal.contains("未能读取名册,未保存任何内容:第3行第4列:"))
            #expect(!refusal.contains("line 3") && !refusal.contains("roster.grade"))
            // The unit page again, the reason beside the file field, the form ready for the corrected file.
            #expect(refusal.contains(#"<p class="alert" role="alert" id="roster-upload-error">未能读取名册"#))
            #expect(refusal.contains("上传并报送"))
            // A workbook whose code lost its digits in the spreadsheet.
            var lost = Sheet(name: "名册", columns: [.identifier("工号"), "拟定等次"])
            lost.append(["LOST", "合格"])
            response = try await d.upload(
                http,
                Self.unit(F.unitA) + "/roster",
                as: "unit-a",
                csrf: csrf,
                file: ("名册.xlsx", try TestWorkbook.bytes(lost, replacing: "LOST", with: #"<c r="A2"><v>1.29901014501584E+17</v></c>"#))
            )
            #expect(response.status == .badRequest)
            #expect(D.text(response).contains("第2行第1列:数字“1.29901014501584E+17”超过15位有效数字"))
            // No file chosen.
            response = try await d.upload(http, Self.unit(F.unitA) + "/roster", as: "unit-a", csrf: csrf, file: ("", []))
            #expect(response.status == .unprocessableContent)
            #expect(D.text(response).contains("请选择要上传的考核名册文件"))
            #expect(try await versions(d) == before + 2)

            // Without the CSRF token, as another unit, or as the office: refused, nothing stored.
            response = try await d.upload(http, Self.unit(F.unitA) + "/roster", as: "unit-a", csrf: nil, file: ("名册.csv", Array(csv.utf8)))
            #expect(response.status == .forbidden)
            response = try await d.upload(
                http,
                Self.unit(F.unitA) + "/roster",
                as: "unit-b",
                csrf: d.sessions["unit-b"]!.csrf,
                file: ("名册.csv", Array(csv.utf8))
            )
            #expect(response.status == .notFound)
            response = try await d.upload(
                http,
                Self.unit(F.unitA) + "/roster",
                as: "office",
                csrf: d.sessions["office"]!.csrf,
                file: ("名册.csv", Array(csv.utf8))
            )
            #expect(response.status == .forbidden)
            #expect(try await versions(d) == before + 2)

            // The template reads back as a roster the importer accepts.
            let template = try await d.get(http, Self.unit(F.unitA) + "/roster-template.xlsx", as: "unit-a")
            #expect(template.status == .ok)
            let rows = try XLSXReader.firstSheet(Array(buffer: template.body))
            #expect(rows.first?.cells.prefix(6) == ["工号", "姓名", "岗位类别", "层级", "测评分", "拟定等次"])
            #expect(rows.last?.cells.first == "0001")
        }
        await d.f.client.close()
    }
}
