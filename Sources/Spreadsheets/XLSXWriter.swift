import Foundation
import KaoheRules
import ZIPFoundation

/// A sheet as an Excel workbook (.xlsx, Office Open XML): typed cells — identifiers and words as
/// text, figures as numbers shown with their decimals, dates and times as dates (Asia/Shanghai
/// wall-clock time, shown `2026-12-06 10:30`) — a bold header row that stays in view when
/// scrolling and filters, column widths that fit Chinese text, the sheet named in Chinese. A sheet
/// with a `PrintLayout` gets its title row, A4 landscape, fitted to the page's width, with the
/// header repeated on every printed page.
///
/// The same sheet always gives the same bytes (the ZIP entries carry a fixed date).
public enum XLSXWriter {
    /// The workbook's bytes.
    public static func workbook(_ sheet: Sheet) throws -> [UInt8] {
        try zip(parts(sheet))
    }

    /// The package's parts: path and XML text.
    package static func parts(_ sheet: Sheet) -> [(path: String, text: String)] {
        [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRelationships),
            ("docProps/app.xml", appProperties),
            ("xl/workbook.xml", workbookXML(sheet)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", worksheetXML(sheet)),
        ]
    }

    /// `parts` as a ZIP archive, deflated.
    package static func zip(_ parts: [(path: String, text: String)]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        // 1980-01-01, the first date a ZIP entry can carry: the same sheet, the same file.
        let fixedDate = Date(timeIntervalSince1970: 315_532_800)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path,
                type: .file,
                uncompressedSize: Int64(data.count),
                modificationDate: fixedDate,
                compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            )
        }
        guard let data = archive.data else { throw XLSXError.notWritten }
        return [UInt8](data)
    }

    /// The workbook could not be assembled in memory.
    public enum XLSXError: Error { case notWritten }

    // MARK: Styles

    /// Indexes into `cellXfs` of `styles`.
    enum Style: Int {
        case plain = 0
        case header
        case text
        case integer
        case decimal1
        case decimal2
        case decimal3
        case decimal4
        case date
        case dateTime
        case title
        case dateTimeSeconds

        static func number(decimals: Int) -> Style {
            switch decimals {
            case 0: .integer
            case 1: .decimal1
            case 2: .decimal2
            case 3: .decimal3
            default: .decimal4
            }
        }
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="6"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="0.000"/>\
        <numFmt numFmtId="166" formatCode="0.0000"/><numFmt numFmtId="167" formatCode="yyyy\\-mm\\-dd"/>\
        <numFmt numFmtId="168" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/>\
        <numFmt numFmtId="169" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
        <fonts count="3"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>\
        <font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>\
        <font><b/><sz val="14"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>\
        <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
        <fill><patternFill patternType="solid"><fgColor rgb="FFE7ECF3"/><bgColor indexed="64"/></patternFill></fill></fills>\
        <borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
        <border><left style="thin"><color rgb="FFB4BCC8"/></left><right style="thin"><color rgb="FFB4BCC8"/></right>\
        <top style="thin"><color rgb="FFB4BCC8"/></top><bottom style="thin"><color rgb="FFB4BCC8"/></bottom><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="12">\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="49" fontId="1" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="166" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="167" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="168" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        <xf numFmtId="49" fontId="2" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
        <xf numFmtId="169" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/>\
        </cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    // MARK: The worksheet

    static func worksheetXML(_ sheet: Sheet) -> String {
        let columnCount = max(sheet.columns.count, 1)
        let lastColumn = columnName(columnCount - 1)
        let headerRow = sheet.printLayout == nil ? 1 : 2
        let lastRow = headerRow + sheet.rows.count
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            """
        if sheet.printLayout != nil { xml += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" }
        xml += "<dimension ref=\"A1:\(lastColumn)\(lastRow)\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"\(headerRow)\" topLeftCell=\"A\(headerRow + 1)\" "
        xml += "activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A\(headerRow + 1)\" "
        xml += "sqref=\"A\(headerRow + 1)\"/></sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/><cols>"
        for (index, width) in columnWidths(sheet).enumerated() {
            xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>"
        }
        xml += "</cols><sheetData>"
        if let layout = sheet.printLayout {
            xml += "<row r=\"1\" ht=\"24\" customHeight=\"1\">"
            xml += inlineString("A1", layout.title, style: .title)
            xml += "</row>"
        }
        xml += "<row r=\"\(headerRow)\">"
        for (index, column) in sheet.columns.enumerated() {
            xml += inlineString("\(columnName(index))\(headerRow)", column.title, style: .header)
        }
        xml += "</row>"
        for (offset, row) in sheet.rows.enumerated() {
            let rowNumber = headerRow + 1 + offset
            xml += "<row r=\"\(rowNumber)\">"
            for (index, column) in sheet.columns.enumerated() {
                let reference = "\(columnName(index))\(rowNumber)"
                switch SheetCell(index < row.count ? row[index] : nil, kind: column.kind) {
                case .empty:
                    xml += "<c r=\"\(reference)\" s=\"\(Style.text.rawValue)\"/>"
                case .text(let text):
                    xml += inlineString(reference, text, style: .text)
                case .number(let text, let decimals):
                    xml += "<c r=\"\(reference)\" s=\"\(Style.number(decimals: decimals).rawValue)\"><v>\(text)</v></c>"
                case .date(let days, _):
                    xml += "<c r=\"\(reference)\" s=\"\(Style.date.rawValue)\"><v>\(days + excelEpochOffset)</v></c>"
                case .dateTime(let days, let seconds, let text):
                    let serial = Double(days + excelEpochOffset) + Double(seconds) / 86_400
                    // Shown with seconds when it was given with them.
                    let style = text.utf8.count == 19 ? Style.dateTimeSeconds : Style.dateTime
                    xml += "<c r=\"\(reference)\" s=\"\(style.rawValue)\"><v>\(serial)</v></c>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        xml += "<autoFilter ref=\"A\(headerRow):\(lastColumn)\(lastRow)\"/>"
        if sheet.printLayout != nil {
            xml += "<mergeCells count=\"1\"><mergeCell ref=\"A1:\(lastColumn)1\"/></mergeCells>"
            xml += "<printOptions horizontalCentered=\"1\"/>"
        }
        xml += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        if sheet.printLayout != nil {
            xml += "<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
            xml += "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
        }
        xml += "</worksheet>"
        return xml
    }

    /// Days between Excel's day 0 (1899-12-30, in its 1900 date system) and 1970-01-01.
    static let excelEpochOffset = 25_569

    static func inlineString(_ reference: String, _ text: String, style: Style) -> String {
        "<c r=\"\(reference)\" s=\"\(style.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(XMLText.escape(text))</t></is></c>"
    }

    /// `A`, `B`, … `Z`, `AA`, …
    static func columnName(_ index: Int) -> String {
        var name = ""
        var n = index + 1
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Each column as wide as its longest cell (a Chinese character counts two), 8 to 60.
    static func columnWidths(_ sheet: Sheet) -> [Int] {
        var widths = sheet.columns.map { displayWidth($0.title) + 2 }
        for row in sheet.rows {
            for index in widths.indices where index < row.count {
                if let cell = row[index] { widths[index] = max(widths[index], displayWidth(cell) + 2) }
            }
        }
        return widths.map { min(max($0, 8), 60) }
    }

    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value < 0x1100 ? 1 : 2) }
    }

    // MARK: The package around it

    static func workbookXML(_ sheet: Sheet) -> String {
        let name = XMLText.escape(sheet.name)
        // A formula's sheet reference: quoted, a quote inside doubled; then escaped as XML text.
        let quoted = XMLText.escape("'" + sheet.name.replacingOccurrences(of: "'", with: "''") + "'")
        let headerRow = sheet.printLayout == nil ? 1 : 2
        let lastColumn = columnName(max(sheet.columns.count, 1) - 1)
        var defined = "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">"
        defined += "\(quoted)!$A$\(headerRow):$\(lastColumn)$\(headerRow + sheet.rows.count)</definedName>"
        if sheet.printLayout != nil {
            defined += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">\(quoted)!$\(headerRow):$\(headerRow)</definedName>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <bookViews><workbookView/></bookViews>\
            <sheets><sheet name="\(name)" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames>\(defined)</definedNames></workbook>
            """
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
        </Types>
        """

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static let workbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        </Relationships>
        """

    static let appProperties = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>kaohe</Application></Properties>
        """
}
