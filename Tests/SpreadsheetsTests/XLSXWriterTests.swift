import Foundation
import Testing
import ZIPFoundation

@testable import Spreadsheets

@Suite("Workbooks (.xlsx)")
struct XLSXWriterTests {
    static func parts(_ bytes: [UInt8]) throws -> [String: String] {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        var parts: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            parts[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return parts
    }

    static var sheet: Sheet {
        var sheet = Sheet(
            name: "公示名单/2026",
            columns: [.number("序号"), "单位名称", .identifier("统一社会信用代码"), .number("得分"), .dateTime("报送时间")],
            printLayout: PrintLayout(title: "示例县2026年度考核结果公示")
        )
        sheet.append(["1", "示例县<第一>中学 & 附属", "129901014501583828", "91.50", "2026-12-06 10:30"])
        sheet.append(["2", "=1+1", "0003", "—", nil])
        return sheet
    }

    @Test("typed cells: identifiers and words as text, figures with their decimals, times as dates; escaped XML")
    func typedCells() throws {
        let parts = try Self.parts(try XLSXWriter.workbook(Self.sheet))
        let xml = try #require(parts["xl/worksheets/sheet1.xml"])
        // Row 1 is the title, row 2 the header.
        #expect(xml.contains(#"<c r="A1" s="10" t="inlineStr"><is><t xml:space="preserve">示例县2026年度考核结果公示</t></is></c>"#))
        #expect(xml.contains(#"<c r="C3" s="2" t="inlineStr"><is><t xml:space="preserve">129901014501583828</t></is></c>"#))
        #expect(xml.contains(#"<c r="B3" s="2" t="inlineStr"><is><t xml:space="preserve">示例县&lt;第一&gt;中学 &amp; 附属</t></is></c>"#))
        #expect(xml.contains(#"<c r="D3" s="5"><v>91.50</v></c>"#))
        #expect(xml.contains(#"<c r="A3" s="3"><v>1</v></c>"#))
        // 2026-12-06 is day 46362 of Excel's calendar; 10:30 is 0.4375 of a day.
        #expect(xml.contains(#"<c r="E3" s="9"><v>46362.4375</v></c>"#))
        #expect(xml.contains(#"<c r="C4" s="2" t="inlineStr"><is><t xml:space="preserve">0003</t></is></c>"#))
        #expect(xml.contains(#"<c r="B4" s="2" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>"#))
        #expect(xml.contains(#"<c r="D4" s="2" t="inlineStr"><is><t xml:space="preserve">—</t></is></c>"#))
        // Frozen header, A4 landscape fitted to width, the title merged across the columns.
        #expect(xml.contains(#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#))
        #expect(xml.contains(#"<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#))
        #expect(xml.contains(#"<mergeCell ref="A1:E1"/>"#))
        let workbook = try #require(parts["xl/workbook.xml"])
        #expect(workbook.contains(#"<sheet name="公示名单_2026" sheetId="1" r:id="rId1"/>"#))
        #expect(workbook.contains(#"<definedName name="_xlnm.Print_Titles" localSheetId="0">&#39;公示名单_2026&#39;!$2:$2</definedName>"#))
        #expect(parts["[Content_Types].xml"] != nil && parts["xl/styles.xml"] != nil)
    }

    @Test("the same sheet gives the same bytes; a sheet without print layout has its header in row 1")
    func reproducible() throws {
        #expect(try XLSXWriter.workbook(Self.sheet) == XLSXWriter.workbook(Self.sheet))
        var plain = Sheet(name: "单位一览", columns: ["单位名称"])
        plain.append(["测试"])
        let xml = try #require(try Self.parts(try XLSXWriter.workbook(plain))["xl/worksheets/sheet1.xml"])
        #expect(xml.contains(#"<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">单位名称</t></is></c>"#))
        #expect(xml.contains(#"<pane ySplit="1" topLeftCell="A2""#))
        #expect(!xml.contains("pageSetup"))
    }

    @Test("a sheet name with a quote: escaped in the sheet list, doubled inside the print titles' reference")
    func quotedName() throws {
        var sheet = Sheet(name: "张三's <表>", columns: ["a"], printLayout: PrintLayout(title: "t"))
        sheet.append(["x"])
        let workbook = try #require(try Self.parts(try XLSXWriter.workbook(sheet))["xl/workbook.xml"])
        #expect(workbook.contains(#"<sheet name="张三&#39;s &lt;表&gt;""#))
        #expect(workbook.contains(#">&#39;张三&#39;&#39;s &lt;表&gt;&#39;!$2:$2</definedName>"#))
    }

    @Test("column widths fit Chinese text: a CJK character counts two, 8 to 60")
    func widths() {
        var sheet = Sheet(name: "x", columns: ["名称", "a"])
        sheet.append(["示例县第一中学", "b"])
        #expect(XLSXWriter.columnWidths(sheet) == [16, 8])
        #expect(XLSXWriter.columnName(0) == "A" && XLSXWriter.columnName(25) == "Z" && XLSXWriter.columnName(26) == "AA")
    }
}
