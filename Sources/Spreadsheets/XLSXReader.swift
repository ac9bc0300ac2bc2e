import Foundation
import ZIPFoundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One row of a sheet as read: its row number (1-based, as the spreadsheet shows it) and its cells
/// as text, from column A up to the last cell that has a value.
public struct SheetRow: Sendable, Hashable {
    /// The row's number in the sheet.
    public var number: Int
    /// The cells' text, column A first; a cell with no value is "".
    public var cells: [String]

    /// Makes a row.
    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}

/// Why a workbook could not be read: the rule, and the cell when it is one cell's fault.
public struct XLSXReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule that failed.
    public enum Rule: String, Sendable, Hashable {
        /// Not an Office Open XML workbook (.xlsx): not a ZIP, or no worksheet in it.
        case notAWorkbook = "xlsx.not-a-workbook"
        /// A number of 16 or more digits: the spreadsheet kept only 15, the rest are already lost
        /// (`1.29901014501584E+17` for an 18-digit code).
        case numberPrecision = "xlsx.number-precision"
        /// A cell showing a formula error (`#VALUE!`, `#REF!` …).
        case errorCell = "xlsx.error-cell"
    }

    /// The rule that failed.
    public var rule: Rule
    /// The cell's row (1-based), or 0 for the whole file.
    public var row: Int
    /// The cell's column (1 = A), or 0 for the whole file.
    public var column: Int
    /// What is wrong, in words a clerk can act on (Chinese, then English).
    public var message: String

    public var description: String { "row \(row), column \(column): \(message) (\(rule.rawValue))" }
}

/// Reads the first sheet of an Excel workbook (.xlsx, as Excel, WPS or LibreOffice save it) as rows
/// of text, the way a clerk sees them, so that an upload can be read like a CSV file.
///
/// - Text cells (shared strings, inline strings, formula results) are their text.
/// - Numbers are written plainly, without exponent or trailing zeros (`3`, `91.5`, `1200` for
///   `1.2E+3`), as the value the cell holds. A number of 10^15 or more is refused by name
///   (`xlsx.number-precision`): a spreadsheet keeps 15 significant digits, so an 18-digit code
///   typed as a number has already lost its last digits and must never be read as if it had not.
/// - Truth values are `1` and `0`; a formula error (`#N/A` …) is refused (`xlsx.error-cell`).
/// - Dates are their serial numbers (kaohe's uploads have no date columns).
/// - Only the workbook, its relationships, the first sheet and the shared strings are inflated, each
///   up to `maxPartSize`; anything beyond is refused as not a workbook.
public enum XLSXReader {
    /// The rows of the workbook's first sheet, in order; rows without any value are left out.
    public static func firstSheet(_ bytes: [UInt8], maxPartSize: Int = maxPartSize) throws(XLSXReadError) -> [SheetRow] {
        let notAWorkbook = XLSXReadError(
            rule: .notAWorkbook,
            row: 0,
            column: 0,
            message: "不是有效的Excel工作簿(.xlsx)文件,请在表格软件中“另存为”Excel工作簿后重新上传 / not an Excel workbook (.xlsx)"
        )
        // Only the parts needed are inflated, each counted as it comes: a small upload that inflates
        // to gigabytes (a ZIP bomb) stops at `maxPartSize`, whatever its headers claim.
        let archive: Archive
        do { archive = try Archive(data: Data(bytes), accessMode: .read) } catch { throw notAWorkbook }
        func part(_ path: String) throws(XLSXReadError) -> Data? {
            guard let entry = archive[path], entry.type == .file else { return nil }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard data.count + chunk.count <= maxPartSize else { throw XLSXReaderLimit.partTooLarge }
                    data.append(chunk)
                }
            } catch {
                throw notAWorkbook
            }
            return data
        }
        var parts: [String: Data] = [:]
        for path in ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"] { parts[path] = try part(path) }
        let sheetPath = firstSheetPath(parts) ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try part(sheetPath) else { throw notAWorkbook }
        parts["xl/sharedStrings.xml"] = try part("xl/sharedStrings.xml")
        let shared = parts["xl/sharedStrings.xml"].map(SharedStrings.read) ?? []
        let reader = SheetXML(shared: shared)
        let parser = XMLParser(data: sheet)
        parser.delegate = reader
        guard parser.parse() else {
            if let error = reader.error { throw error }
            throw notAWorkbook
        }
        if let error = reader.error { throw error }
        return reader.rows.filter { row in row.cells.contains { !$0.isEmpty } }
    }

    /// The most one part of a workbook may inflate to: 256 MiB, far above a 100,000-line roster.
    public static let maxPartSize = 256 << 20

    /// Why inflating stopped.
    enum XLSXReaderLimit: Error { case partTooLarge }

    /// `xl/worksheets/sheet1.xml`: the target of the workbook's first `<sheet>`.
    static func firstSheetPath(_ parts: [String: Data]) -> String? {
        guard let workbook = parts["xl/workbook.xml"], let relationships = parts["xl/_rels/workbook.xml.rels"] else { return nil }
        let sheets = Elements(named: "sheet", in: workbook)
        guard let id = sheets.first?["r:id"] ?? sheets.first?.first(where: { $0.key.hasSuffix(":id") })?.value else { return nil }
        guard let target = Elements(named: "Relationship", in: relationships).first(where: { $0["Id"] == id })?["Target"] else {
            return nil
        }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    /// What a number cell holds as text.
    enum NumberText: Equatable {
        /// The number, plainly: `3`, `91.5`, `1200`.
        case text(String)
        /// 10^15 or more: its last digits may already be lost.
        case digitsLost
    }

    /// The text of a number cell's value `raw` (`1.2E+3`, `91.5`, `1.29901014501584E+17`).
    static func numberText(_ raw: String) -> NumberText {
        guard let value = Double(raw), value.isFinite else { return .text(raw) }
        if abs(value) >= 1e15 { return .digitsLost }
        if value == value.rounded() { return .text(String(Int64(value))) }
        return .text("\(value)")
    }

    /// Column A = 0 of a reference such as `AB12`.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90 else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 ? nil : index - 1
    }
}

/// The attributes of every element named `name` in an XML document.
private func Elements(named name: String, in data: Data) -> [[String: String]] {
    final class Collector: NSObject, XMLParserDelegate {
        let name: String
        var found: [[String: String]] = []
        init(name: String) { self.name = name }
        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if elementName == name || elementName.hasSuffix(":" + name) { found.append(attributes) }
        }
    }
    let collector = Collector(name: name)
    let parser = XMLParser(data: data)
    parser.delegate = collector
    _ = parser.parse()
    return collector.found
}

/// `xl/sharedStrings.xml`: each `<si>`'s text (its `<t>` runs joined; phonetic runs left out).
private enum SharedStrings {
    static func read(_ data: Data) -> [String] {
        final class Handler: NSObject, XMLParserDelegate {
            var strings: [String] = []
            var current = ""
            var inText = false
            var inPhonetic = false
            func parser(
                _ parser: XMLParser,
                didStartElement elementName: String,
                namespaceURI: String?,
                qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                switch elementName {
                case "si": current = ""
                case "t": inText = !inPhonetic
                case "rPh": inPhonetic = true
                default: break
                }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if inText { current += string }
            }
            func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
                switch elementName {
                case "si": strings.append(current)
                case "t": inText = false
                case "rPh": inPhonetic = false
                default: break
                }
            }
        }
        let handler = Handler()
        let parser = XMLParser(data: data)
        parser.delegate = handler
        _ = parser.parse()
        return handler.strings
    }
}

/// A worksheet's `<sheetData>`: rows of cells as text.
private final class SheetXML: NSObject, XMLParserDelegate {
    let shared: [String]
    var rows: [SheetRow] = []
    var error: XLSXReadError?

    private var rowNumber = 0
    private var cells: [String] = []
    private var cellColumn = 0
    private var cellType = "n"
    private var value = ""
    private var inValue = false
    private var inInlineText = false
    private var inPhonetic = false

    init(shared: [String]) { self.shared = shared }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch elementName {
        case "row":
            rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
            cells = []
        case "c":
            cellColumn = attributes["r"].flatMap(XLSXReader.columnIndex) ?? cells.count
            cellType = attributes["t"] ?? "n"
            value = ""
        case "v": inValue = true
        case "t": inInlineText = cellType == "inlineStr" && !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue || inInlineText { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        switch elementName {
        case "v": inValue = false
        case "t": inInlineText = false
        case "rPh": inPhonetic = false
        case "c":
            guard let text = cellText(parser) else { return }
            while cells.count < cellColumn { cells.append("") }
            if cells.count == cellColumn { cells.append(text) } else { cells[cellColumn] = text }
        case "row":
            rows.append(SheetRow(number: rowNumber, cells: cells))
        default: break
        }
    }

    /// The cell's text, or nil (and `error` set, parsing stopped) when it cannot be read.
    private func cellText(_ parser: XMLParser) -> String? {
        switch cellType {
        case "s":
            guard let index = Int(value.trimmingCharacters(in: .whitespaces)), shared.indices.contains(index) else { return "" }
            return shared[index]
        case "inlineStr", "str":
            return value
        case "b":
            return value == "1" ? "1" : "0"
        case "e":
            fail(parser, .errorCell, "单元格显示错误值“\(value)”,请改正公式或改为直接填写数值 / the cell shows the error \(value)")
            return nil
        default:
            guard !value.isEmpty else { return "" }
            switch XLSXReader.numberText(value) {
            case .text(let text): return text
            case .digitsLost:
                fail(
                    parser,
                    .numberPrecision,
                    "数字“\(value)”超过15位有效数字,表格软件已丢失其末尾的数字;请把该列设为“文本”格式后重新录入,或上传CSV / a number of more than 15 digits: the spreadsheet has already lost its last digits; format the column as text and type it again"
                )
                return nil
            }
        }
    }

    private func fail(_ parser: XMLParser, _ rule: XLSXReadError.Rule, _ message: String) {
        error = XLSXReadError(rule: rule, row: rowNumber, column: cellColumn + 1, message: message)
        parser.abortParsing()
    }
}
