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

/// A roster uploaded as an Excel workbook, and the staff numbers a spreadsheet changed.
@Suite("Rosters from spreadsheets")
struct RosterWorkbookAPITests {
    typealias F = FilingAPIFixture
    static let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func workbook(_ staff: [(String, String)], staffNumbersAsNumbers: Bool = false) throws -> [UInt8] {
        var sheet = Sheet(
            name: "名册",
            columns: [staffNumbersAsNumbers ? .number("工号") : .identifier("工号"), "姓名", .number("测评分"), "拟定等次"]
        )
        for (number, name) in staff { sheet.append([number, name, "88.50", "合格"]) }
        return try XLSXWriter.workbook(sheet)
    }

    @Test(
        "an .xlsx roster files like its CSV; 3 where the last roster had 0003 is filed as 0003 and the clerk is told; a lost code is 400 at its cell"
    )
    func workbooks() async throws {
        let f = try await F.make()
        try await f.app().test(.router) { http in
            try await f.openCycle(http)
            var response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: try Self.workbook([("0003", "张三"), ("0104", "李四"), ("7", "王五")]),
                contentType: Self.xlsx
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try F.json(response)["notices"] == nil)
            var stored = try await f.client.query(
                "SELECT staff_no, score::text AS score FROM roster_rows WHERE county = \(F.county) AND unit_code = \(F.unitA) AND version = 1 ORDER BY line"
            )
            #expect(try stored.map { try $0.decode(String.self, column: "staff_no") } == ["0003", "0104", "7"])
            #expect(try stored.map { try $0.decode(String.self, column: "score") } == ["88.50", "88.50", "88.50"])

            // The same roster after a spreadsheet turned the staff numbers into numbers.
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: try Self.workbook([("3", "张三"), ("104", "李四"), ("7", "王五")], staffNumbersAsNumbers: true),
                contentType: Self.xlsx
            )
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let notices = try F.json(response)["notices"] as? [[String: Any]] ?? []
            #expect(notices.map { $0["filedAs"] as? String } == ["0003", "0104"])
            #expect(notices.first?["line"] as? Int == 2)
            #expect((notices.first?["message"] as? String)?.contains("表格软件去掉了开头的0") == true)
            stored = try await f.client.query(
                "SELECT staff_no FROM roster_rows WHERE county = \(F.county) AND unit_code = \(F.unitA) AND version = 2 ORDER BY line"
            )
            #expect(try stored.map { try $0.decode(String.self, column: "staff_no") } == ["0003", "0104", "7"])

            // A staff number of 18 digits typed as a number: its last digits are gone; nothing is stored.
            var lost = Sheet(name: "名册", columns: [.identifier("工号"), "拟定等次"])
            lost.append(["0003", "合格"])
            lost.append(["LOST", "合格"])
            let bytes = try TestWorkbook.bytes(lost, replacing: "LOST", with: #"<c r="A3" s="3"><v>1.29901014501584E+17</v></c>"#)
            response = try await f.call(http, .put, F.unitPath("roster"), as: "unit-a", body: bytes, contentType: Self.xlsx)
            #expect(response.status == .badRequest)
            let problem = try F.json(response)
            #expect(problem["rule"] as? String == "xlsx.number-precision")
            #expect(problem["field"] as? String == "line 3, column 1")
            let versions = try await f.client.query(
                "SELECT count(*) AS n FROM filings WHERE county = \(F.county) AND unit_code = \(F.unitA) AND kind = 'roster'"
            ).one()
            #expect(try versions.decode(Int.self, column: "n") == 2)

            // Not a workbook at all.
            response = try await f.call(
                http,
                .put,
                F.unitPath("roster"),
                as: "unit-a",
                body: Array("工号,拟定等次\r\n".utf8),
                contentType: Self.xlsx
            )
            #expect(response.status == .badRequest)
            #expect(try F.json(response)["rule"] as? String == "xlsx.not-a-workbook")
        }
        await f.client.close()
    }
}
