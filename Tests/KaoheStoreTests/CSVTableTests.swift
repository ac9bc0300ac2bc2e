import Foundation
import KaoheRules
import KaoheStore
import Spreadsheets
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("CSV reading")
struct CSVTableTests {
    /// "示例县第一中学" in GB18030, as Excel on a Chinese Windows saves it.
    static let gb18030School: [UInt8] = [0xCA, 0xBE, 0xC0, 0xFD, 0xCF, 0xD8, 0xB5, 0xDA, 0xD2, 0xBB, 0xD6, 0xD0, 0xD1, 0xA7]

    func decode(_ text: String) throws(CSVError) -> CSVTable { try CSVTable.decode(Array(text.utf8)) }

    func error(_ bytes: [UInt8]) -> CSVError? {
        do {
            _ = try CSVTable.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("plain UTF-8 with LF: header, rows with their line numbers, trailing newline ignored")
    func plain() throws {
        let table = try decode("code,name\n1,一\n2,二\n")
        #expect(table.header == ["code", "name"])
        #expect(table.rows == [CSVRow(line: 2, fields: ["1", "一"]), CSVRow(line: 3, fields: ["2", "二"])])
    }

    @Test("a UTF-8 BOM is dropped and CRLF rows are read")
    func bomAndCRLF() throws {
        let table = try CSVTable.decode([0xEF, 0xBB, 0xBF] + Array("单位名称,在编人数\r\n示例县第一中学,80\r\n\r\n".utf8))
        #expect(table.header == ["单位名称", "在编人数"])
        #expect(table.rows == [CSVRow(line: 2, fields: ["示例县第一中学", "80"])])
    }

    @Test("GB18030 bytes (hard-coded, as Excel saves them) are converted")
    func gb18030Bytes() throws {
        let bytes = Array("code,name\r\n1,".utf8) + Self.gb18030School + Array("\r\n".utf8)
        let table = try CSVTable.decode(bytes)
        #expect(table.rows[0].fields == ["1", "示例县第一中学"])
    }

    @Test("GB18030 produced by iconv, including a four-byte sequence, round-trips")
    func gb18030ViaIconv() throws {
        let text = "统一社会信用代码,单位名称\n12350100M000100Y43,示例县第一中学(€ 𠀀)\n"
        let bytes = try Self.iconv(text, to: "GB18030")
        #expect(bytes != Array(text.utf8))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let table = try CSVTable.decode(bytes)
        #expect(table.header == ["统一社会信用代码", "单位名称"])
        #expect(table.rows[0].fields == ["12350100M000100Y43", "示例县第一中学(€ 𠀀)"])
    }

    @Test("quoted fields hold commas, doubled quotes and line breaks; the next row's line number counts them")
    func quoting() throws {
        let table = try decode("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n3,,\"\"\n")
        #expect(
            table.rows == [
                CSVRow(line: 2, fields: ["x, y", "say \"hi\"", "two\nlines"]),
                CSVRow(line: 4, fields: ["3", "", ""]),
            ]
        )
    }

    @Test("blank lines and all-empty rows are skipped; a last row without newline is read")
    func emptyRows() throws {
        let table = try decode("\na,b\n,\n1,2\n\n3,4")
        #expect(table.headerLine == 2)
        #expect(table.rows == [CSVRow(line: 4, fields: ["1", "2"]), CSVRow(line: 6, fields: ["3", "4"])])
    }

    @Test("header names are trimmed; columnIndex matches any alias, ignoring case")
    func header() throws {
        let table = try decode(" Code ,单位名称\n1,2\n")
        #expect(table.header == ["Code", "单位名称"])
        #expect(table.columnIndex("code", "统一社会信用代码") == 0)
        #expect(table.columnIndex("name", "单位名称") == 1)
        #expect(table.columnIndex("headcount") == nil)
    }

    @Test("a row with too many or too few fields is csv.columns at its line and the first offending column")
    func columns() {
        let long = error(Array("a,b,c\n1,2,3\n1,2,3,4\n".utf8))
        #expect(long?.rule == .columns)
        #expect(long?.line == 3)
        #expect(long?.column == 4)
        let short = error(Array("a,b,c\n1,2,3\n\n1,2\n".utf8))
        #expect(short?.rule == .columns)
        #expect(short?.line == 4)
        #expect(short?.column == 3)
    }

    @Test("a quote inside an unquoted field, text after a closing quote, and an unclosed quote are csv.quote")
    func quoteErrors() {
        let inside = error(Array("a,b\n1,2\n3,ab\"c\n".utf8))
        #expect(inside?.rule == .quote)
        #expect(inside?.line == 3)
        #expect(inside?.column == 2)

        let after = error(Array("a,b\n\"1\"x,2\n".utf8))
        #expect(after?.rule == .quote)
        #expect(after?.line == 2)
        #expect(after?.column == 1)

        let unclosed = error(Array("a,b\n1,2\n3,\"never\nclosed\n".utf8))
        #expect(unclosed?.rule == .quote)
        #expect(unclosed?.line == 3)
        #expect(unclosed?.column == 2)
    }

    @Test("bytes that are neither UTF-8 nor GB18030 are csv.encoding at the line and column of the bad byte")
    func encodingErrors() {
        let bad = error(Array("a,b\n1,2\n3,x".utf8) + [0xFF, 0xFE] + Array("\n".utf8))
        #expect(bad?.rule == .encoding)
        #expect(bad?.line == 3)
        #expect(bad?.column == 2)
        #expect(bad?.message.contains("0xFF") == true)

        let utf16 = error([0xFF, 0xFE, 0x61, 0x00])
        #expect(utf16?.rule == .encoding)
        #expect(utf16?.message.contains("UTF-16") == true)

        // A BOM promises UTF-8: a bad byte after it is not retried as GB18030.
        let bomThenBad = error([0xEF, 0xBB, 0xBF] + Array("a,b\n1,".utf8) + Self.gb18030School)
        #expect(bomThenBad?.rule == .encoding)
        #expect(bomThenBad?.line == 2)
        #expect(bomThenBad?.column == 2)
    }

    @Test("an empty file is csv.empty")
    func empty() {
        #expect(error([])?.rule == .empty)
        #expect(error(Array("\n\r\n".utf8))?.rule == .empty)
    }

    @Test("CSVError says where and which rule")
    func errorDescription() {
        let error = CSVError(line: 7, column: 3, rule: .quote, message: "m")
        #expect(error.description.contains("第7行第3列"))
        #expect(error.description.contains("line 7, column 3"))
        #expect(error.description.contains("csv.quote"))
    }

    /// Converts UTF-8 text to `encoding` with glibc's iconv, as a tool outside kaohe would.
    static func iconv(_ text: String, to encoding: String) throws -> [UInt8] {
        let descriptor = iconv_open(encoding, "UTF-8")
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else { throw CSVTestError("iconv_open failed") }
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inLeft = input.count
        var outLeft = output.count
        let result = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                return Glibc.iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        guard result != -1 else { throw CSVTestError("iconv failed") }
        return Array(output[..<(output.count - outLeft)])
    }
}

struct CSVTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite("CSV exports read back")
struct ExcelCSVReadBackTests {
    @Test("kaohe's own export, and an unquoted =\"…\" as other tools write it, read back as the text inside")
    func textFormulas() throws {
        var sheet = Sheet(name: "x", columns: [.identifier("工号"), "姓名", .number("得分")])
        sheet.append(["0003", "=\"张\"三", "91.50"])
        sheet.append(["129901014501583828", "示例, 县", "-1"])
        let table = try CSVTable.decode(ExcelCSV(sheet).bytes)
        #expect(table.rows.map(\.fields) == [["0003", "=\"张\"三", "91.50"], ["129901014501583828", "示例, 县", "-1"]])
        let other = try CSVTable.decode(Array("工号,姓名\r\n=\"0007\",=\"a\"\"b\"\r\n".utf8))
        #expect(other.rows.map(\.fields) == [["0007", "a\"b"]])
    }
}

@Suite("Staff numbers a spreadsheet changed")
struct StaffNumberRepairTests {
    static func lines(_ numbers: [String]) -> [RosterLine] {
        numbers.enumerated().map { index, number in
            RosterLine(line: index + 2, staff: StaffRecord(staffNo: number, grade: .competent), name: "", postCategory: "", level: "")
        }
    }

    @Test("3 where the last roster had 0003 is filed as 0003, with a notice; unsure cases are left as uploaded")
    func restores() {
        var lines = Self.lines(["3", "12", "0004", "7", "8", "A1", "5"])
        let notices = StaffNumberRepair.restoreLeadingZeros(
            &lines,
            previous: ["0003", "0012", "012", "0004", "007", "0005", "5"]
        )
        // 3 → 0003; 12 is ambiguous (0012 or 012); 7 → 007; 8 has no match; 5 is itself known.
        #expect(lines.map(\.staff.staffNo) == ["0003", "12", "0004", "007", "8", "A1", "5"])
        #expect(notices.map(\.line) == [2, 5])
        #expect(notices.first?.message.contains("按上次报送的“0003”登记") == true)
        // A number typed with other zeros is what the clerk meant: 0003 stays 0003 beside a last 003.
        var typed = Self.lines(["0003"])
        #expect(StaffNumberRepair.restoreLeadingZeros(&typed, previous: ["003"]).isEmpty)
        var taken = Self.lines(["3", "0003"])
        #expect(StaffNumberRepair.restoreLeadingZeros(&taken, previous: ["0003"]).isEmpty)
        #expect(taken.map(\.staff.staffNo) == ["3", "0003"])
    }
}
