import Foundation
import Testing

@testable import Spreadsheets

@Suite("CSV exports for Excel and LibreOffice")
struct ExcelCSVTests {
    @Test("BOM, CRLF, quoting; formulas and numbers-that-are-names kept as text with =\"…\"; figures and dates plain")
    func document() {
        var sheet = Sheet(
            name: "单位",
            columns: [.identifier("代码"), "单位", .number("得分"), .date("日期"), .dateTime("时间"), .identifier("工号")]
        )
        sheet.append(["129901014501583828", "示例县第一中学, 初中部", "-3.50", "2026-12-06", "2026-12-06 10:30", "0003"])
        sheet.append(["12330100MB0000001X", "=HYPERLINK(\"x\")", "12%", "2026-02-30", "明天", "@SUM(A1)"])
        sheet.append([nil, "说\"明\"\n第二行", nil, nil, nil, "TRUE"] as [String?])
        let csv = ExcelCSV(sheet)
        #expect(Array(csv.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = csv.text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[0] == "代码,单位,得分,日期,时间,工号")
        #expect(lines[1] == #""=""129901014501583828""","示例县第一中学, 初中部",-3.50,2026-12-06,2026-12-06 10:30,"=""0003""""#)
        // A formula is a string literal; a percentage and an impossible date in their columns stay text.
        #expect(lines[2] == #""=""12330100MB0000001X""","=""=HYPERLINK(""""x"""")""","=""12%""","=""2026-02-30""",明天,"=""@SUM(A1)""""#)
        // Words that start with a CJK character are safe as they are; a line end stays inside quotes.
        #expect(lines[3] == ",\"说\"\"明\"\"\n第二行\",,,,\"=\"\"TRUE\"\"\"")
    }

    @Test("a text longer than a formula string may be (255) is written plain, with the apostrophe guard when it starts like a formula")
    func longText() {
        let long = "=" + String(repeating: "长", count: 300)
        #expect(ExcelCSV.guarded(long) == "'" + long)
        #expect(ExcelCSV.guarded("1" + String(repeating: "x", count: 300)) == "1" + String(repeating: "x", count: 300))
        #expect(ExcelCSV.guarded("第一行\n2行") == "第一行\n2行")
        #expect(ExcelCSV.guarded("2号楼") == "=\"2号楼\"")
        #expect(ExcelCSV.guarded("示例") == "示例")
        #expect(ExcelCSV.guarded("abc") == "abc")
    }
}

@Suite("Cells read by their column's kind")
struct SheetCellTests {
    @Test("figures: an optional minus, digits, at most one point with digits after it, 15 digits at most")
    func numbers() {
        #expect(SheetCell("91.50", kind: .number) == .number("91.50", decimals: 2))
        #expect(SheetCell("-3", kind: .number) == .number("-3", decimals: 0))
        for text in ["1e5", "12%", "3 / 2", ".5", "5.", "1,000", "1234567890123456", "+1", "—"] {
            #expect(SheetCell(text, kind: .number) == .text(text), "\(text)")
        }
        #expect(SheetCell("", kind: .number) == .empty)
        #expect(SheetCell(nil, kind: .text) == .empty)
    }

    @Test("dates and times: real calendar dates only, days counted from 1970-01-01")
    func dates() {
        #expect(SheetCell("1970-01-01", kind: .date) == .date(days: 0, text: "1970-01-01"))
        #expect(SheetCell("2026-12-06", kind: .date) == .date(days: 20_793, text: "2026-12-06"))
        #expect(SheetCell("2024-02-29 23:59:59", kind: .dateTime) == .dateTime(days: 19_782, seconds: 86_399, text: "2024-02-29 23:59:59"))
        #expect(SheetCell("2026-12-06 10:30", kind: .dateTime) == .dateTime(days: 20_793, seconds: 37_800, text: "2026-12-06 10:30"))
        for text in ["2025-02-29", "2026-13-01", "2026-12-06T10:30", "2026-12-06 24:00", "2026年12月6日"] {
            #expect(SheetCell(text, kind: .dateTime) == .text(text), "\(text)")
        }
    }
}
