import Foundation
import Testing
import ZIPFoundation

@testable import Spreadsheets

@Suite("Reading workbooks (.xlsx)")
struct XLSXReaderTests {
    /// A workbook as another program writes one: shared strings, numbers, a boolean, a formula.
    static func workbook(_ cells: String, sheetPath: String = "worksheets/data.xml") throws -> [UInt8] {
        let parts = [
            "[Content_Types].xml": #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
            "xl/workbook.xml": #"""
            <?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \#
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\#
            <sheet name="名册" sheetId="1" r:id="rId7"/><sheet name="说明" sheetId="2" r:id="rId8"/></sheets></workbook>
            """#,
            "xl/_rels/workbook.xml.rels": #"""
            <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#
            <Relationship Id="rId8" Type="x" Target="worksheets/other.xml"/><Relationship Id="rId7" Type="x" Target="\#(sheetPath)"/>\#
            </Relationships>
            """#,
            "xl/sharedStrings.xml": #"""
            <?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\#
            <si><t>工号</t></si><si><t>姓名</t></si><si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh><t>ZHANG</t></rPh></si>\#
            <si><t xml:space="preserve">0007</t></si></sst>
            """#,
            "xl/worksheets/data.xml":
                #"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
                + cells + "</sheetData></worksheet>",
            "xl/worksheets/other.xml":
                #"<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>"#,
        ]
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position,
                size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return [UInt8](try #require(archive.data))
    }

    @Test(
        "the first sheet by the workbook's relationships: shared strings (rich text joined, phonetics left out), inline and formula strings, numbers plainly, truth values, gaps"
    )
    func cells() throws {
        let rows = try XLSXReader.firstSheet(
            try Self.workbook(
                #"""
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>\#
                <row r="2"><c r="A2"><v>3</v></c><c r="B2" t="s"><v>2</v></c><c r="D2" t="b"><v>1</v></c></row>\#
                <row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C4"><v>91.5</v></c></row>\#
                <row r="5"><c r="A5"><v>1.2E+3</v></c><c r="B5" t="inlineStr"><is><t>李&lt;四&gt;</t></is></c><c r="C5" s="3"/></row>\#
                <row r="6"><c r="A6" s="2"/></row>
                """#
            )
        )
        #expect(
            rows == [
                SheetRow(number: 1, cells: ["工号", "姓名"]),
                SheetRow(number: 2, cells: ["3", "张三", "", "1"]),
                SheetRow(number: 4, cells: ["0007", "xy", "91.5"]),
                SheetRow(number: 5, cells: ["1200", "李<四>", ""]),
            ]
        )
    }

    @Test("a code typed as a number whose digits are lost is refused at its cell, never read as if whole")
    func lostDigits() throws {
        let bytes = try Self.workbook(
            #"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1.29901014501584E+17</v></c></row>"#
        )
        #expect {
            try XLSXReader.firstSheet(bytes)
        } throws: { error in
            guard let error = error as? XLSXReadError else { return false }
            return error.rule == .numberPrecision && error.row == 2 && error.column == 1 && error.message.contains("15位")
        }
        #expect(XLSXReader.numberText("999999999999999") == .text("999999999999999"))
        #expect(XLSXReader.numberText("1000000000000000") == .digitsLost)
        #expect(XLSXReader.numberText("-2.5") == .text("-2.5"))
    }

    @Test("an error cell and a file that is no workbook are refused by rule")
    func refusals() throws {
        let bytes = try Self.workbook(#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="e"><v>#REF!</v></c></row>"#)
        #expect {
            try XLSXReader.firstSheet(bytes)
        } throws: { error in
            (error as? XLSXReadError)?.rule == .errorCell && (error as? XLSXReadError)?.column == 2
        }
        #expect {
            try XLSXReader.firstSheet(Array("工号,姓名\r\n".utf8))
        } throws: { error in
            (error as? XLSXReadError)?.rule == .notAWorkbook
        }
        #expect {
            try XLSXReader.firstSheet(try Self.workbook("", sheetPath: "worksheets/missing.xml"))
        } throws: { error in
            (error as? XLSXReadError)?.rule == .notAWorkbook
        }
    }

    @Test("a part that inflates beyond the limit stops there and is refused (a ZIP bomb cannot fill the memory)")
    func inflationLimit() throws {
        var sheet = Sheet(name: "名册", columns: ["工号"])
        for n in 0..<2_000 { sheet.append([String(n)]) }
        let bytes = try XLSXWriter.workbook(sheet)
        #expect(try XLSXReader.firstSheet(bytes).count == 2_001)
        #expect {
            try XLSXReader.firstSheet(bytes, maxPartSize: 4_096)
        } throws: { error in
            (error as? XLSXReadError)?.rule == .notAWorkbook
        }
    }

    @Test("what XLSXWriter writes reads back cell for cell (figures as their value)")
    func roundTrip() throws {
        var sheet = Sheet(name: "名册", columns: [.identifier("工号"), "姓名", .number("测评分")])
        sheet.append(["0003", "=1+1", "91.50"])
        sheet.append(["129901014501583828", "王五", nil])
        let rows = try XLSXReader.firstSheet(try XLSXWriter.workbook(sheet))
        #expect(rows.map(\.cells) == [["工号", "姓名", "测评分"], ["0003", "=1+1", "91.5"], ["129901014501583828", "王五", ""]])
    }
}
