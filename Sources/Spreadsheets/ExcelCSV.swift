/// A sheet as the CSV file the office double-clicks: UTF-8 with a BOM (so Excel and LibreOffice
/// read the Chinese), CRLF line ends, RFC 4180 quoting.
///
/// **Every value stays as the office typed it.** A spreadsheet that opens a CSV guesses each
/// cell's type: `129901014501583828` becomes `1.29901014501584E+17` (digits lost), `0003` becomes
/// `3`, `1-2` a date, `=…` a formula. So a cell a spreadsheet would take for anything but text —
/// every identifier, and any text that starts with a digit, a sign, a space or punctuation, or is
/// TRUE/FALSE — is written as the formula `="…"`, a string literal: both Excel and LibreOffice
/// show its text exactly, and it cannot run as a formula (`="=1+1"` shows `=1+1`). Figures are
/// plain numbers (a SUM works; a CSV cannot carry the display format, so `91.50` shows as `91.5`,
/// where the .xlsx shows `91.50`). Dates are `2026-12-06`, times `2026-12-06 10:30` in
/// Asia/Shanghai: both spreadsheets read these as dates.
///
/// Excel limits a string in a formula to 255 characters, so a longer text is written plain, with
/// an apostrophe in front if it starts like a formula (`'=…`), the usual guard.
public struct ExcelCSV: Sendable {
    /// The file's bytes: BOM, header, rows.
    public private(set) var bytes: [UInt8]

    /// The CSV of `sheet` (its print layout's title row is left out: a CSV holds the table only).
    public init(_ sheet: Sheet) {
        bytes = [0xEF, 0xBB, 0xBF]
        bytes.reserveCapacity(4096 + sheet.rows.count * 96)
        appendRow(sheet.header.map { SheetCell.text($0) })
        for row in sheet.rows {
            appendRow(
                sheet.columns.indices.map { index in
                    SheetCell(index < row.count ? row[index] : nil, kind: sheet.columns[index].kind)
                }
            )
        }
    }

    /// The file as text (with its BOM), for tests.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func appendRow(_ cells: [SheetCell]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            switch cell {
            case .empty: break
            case .number(let text, _), .date(_, let text), .dateTime(_, _, let text): Self.appendField(text, to: &bytes)
            case .text(let text): Self.appendField(Self.guarded(text), to: &bytes)
            }
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// `text` as a cell a spreadsheet keeps as text: itself when it is safe, `="…"` when a
    /// spreadsheet would change it, `'…` when it is too long for that and starts like a formula.
    static func guarded(_ text: String) -> String {
        guard wouldBeReinterpreted(text) else { return text }
        if text.utf16.count <= 255, !text.utf8.contains(0x0A), !text.utf8.contains(0x0D) {
            return "=\"" + text.replacingQuotes() + "\""
        }
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { return "'" + text }
        return text
    }

    /// Whether Excel or LibreOffice would read `text` as something other than this text: it starts
    /// with an ASCII character that is not a letter (a digit, sign, space, quote or punctuation: a
    /// number, date, time, fraction, percentage or formula may follow), or it is a truth value.
    static func wouldBeReinterpreted(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        if first.isASCII, !first.properties.isAlphabetic { return true }
        let upper = text.uppercased()
        return upper == "TRUE" || upper == "FALSE"
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line end; quotes doubled.
    static func appendField(_ value: String, to bytes: inout [UInt8]) {
        let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            bytes.append(contentsOf: value.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension String {
    /// Quotes doubled, as inside a formula's string literal.
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\"" { result.append("\"") }
            result.append(character)
        }
        return result
    }
}
