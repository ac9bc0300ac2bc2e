import Spreadsheets

/// One data row of a CSV file: its fields and the 1-based line it starts on.
public struct CSVRow: Sendable, Hashable {
    /// The line of the file the row starts on (a quoted field may carry it over several lines).
    public var line: Int
    /// The fields, unquoted, as many as the header has.
    public var fields: [String]

    /// Makes a row.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A CSV file as the office's clerks produce it: a header row, then data rows.
///
/// Reading rules:
/// - Encoding: UTF-8 (with or without the byte-order mark Excel writes for "CSV UTF-8"), else
///   GB18030 — what Excel on a Chinese Windows saves as plain "CSV". Strict UTF-8 is tried first;
///   if the bytes are not valid UTF-8 they are converted from GB18030 with iconv. Bytes that are
///   neither are `csv.encoding`, at the first bad byte of the better of the two attempts.
/// - RFC 4180: fields separated by commas; a field may be enclosed in double quotes, and then may
///   hold commas, line breaks and doubled quotes (`""` is one `"`). A quote inside an unquoted
///   field, text after a closing quote, or a quote that is never closed is `csv.quote`.
/// - Rows end with CRLF, LF or a lone CR. Rows whose fields are all empty (blank lines, or the
///   `,,,,` Excel leaves after deleted rows, and the trailing newline) are skipped.
/// - The first non-empty row is the header; its names are trimmed of surrounding white space.
///   Every other row must have exactly as many fields as the header, else `csv.columns`.
/// - A field written as `="…"`, quoted or not (how spreadsheet exports, kaohe's own among them,
///   keep a code such as `0003` as text), is read as the text inside.
/// Field values are returned as written (no trimming); callers trim where their rules say so.
public struct CSVTable: Sendable, Hashable {
    /// The header's column names, trimmed.
    public var header: [String]
    /// The data rows, in file order.
    public var rows: [CSVRow]
    /// The line the header row is on (1 unless blank lines precede it).
    public var headerLine: Int

    /// Makes a table.
    public init(header: [String], rows: [CSVRow], headerLine: Int = 1) {
        self.header = header
        self.rows = rows
        self.headerLine = headerLine
    }

    /// The position (0-based) of the first header column whose name is one of `names`.
    public func columnIndex(_ names: String...) -> Int? {
        columnIndex(anyOf: names)
    }

    /// The position (0-based) of the first header column whose name is one of `names`.
    public func columnIndex(anyOf names: [String]) -> Int? {
        columnIndices([names])[0]
    }

    /// ``columnIndex(anyOf:)`` of every group of names, the header's names folded once (names
    /// match as ``Swift/String/csvHeaderEquals(_:)`` says: equal, or equal lowercased).
    public func columnIndices(_ groups: [[String]]) -> [Int?] {
        columnIndices(groups.map(CSVColumnNames.init))
    }

    /// ``columnIndices(_:)-([[String]])`` with the names folded beforehand (a reader that looks for
    /// the same columns in every file keeps them in a `static let`).
    public func columnIndices(_ groups: [CSVColumnNames]) -> [Int?] {
        let folded = header.map { $0.lowercased() }
        return groups.map { names in folded.firstIndex { names.folded.contains($0) } }
    }

    /// The text inside `="…"` (quotes inside doubled): the string formula that spreadsheet
    /// exports, kaohe's own included (`ExcelCSV`), use to keep a code as text. Anything else as is.
    static func unwrappingTextFormula(_ field: String) -> String {
        guard field.hasPrefix("=\""), field.hasSuffix("\""), field.utf8.count >= 3 else { return field }
        let inner = field.dropFirst(2).dropLast()
        var text = ""
        var pendingQuote = false
        for character in inner {
            if character == "\"" {
                if pendingQuote {
                    text.append("\"")
                    pendingQuote = false
                } else {
                    pendingQuote = true
                }
            } else {
                if pendingQuote { return field }
                text.append(character)
            }
        }
        return pendingQuote ? field : text
    }

    /// An unquoted `="…"` field starting at `start`: its text and the index after it, or nil when
    /// the field is not exactly that (it is then read as an ordinary field).
    static func unquotedTextFormula(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var i = start + 2
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\"") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                    i += 2
                    continue
                }
                let end = i + 1
                guard end == bytes.count || bytes[end] == UInt8(ascii: ",") || bytes[end] == 0x0D || bytes[end] == 0x0A else { return nil }
                return (unwrappingTextFormula(String(decoding: bytes[start..<end], as: UTF8.self)), end)
            }
            if bytes[i] == 0x0D || bytes[i] == 0x0A { return nil }
            i += 1
        }
        return nil
    }

    /// Decodes the bytes of a CSV file (see the type's documentation for the rules).
    public static func decode(_ bytes: [UInt8]) throws(CSVError) -> CSVTable {
        let text = try CSVEncoding.utf8(from: bytes)
        return try CSVParser(text).parse()
    }
}

/// The names a column may have in a CSV header, folded for matching once.
public struct CSVColumnNames: Sendable {
    let folded: Set<String>

    public init(_ names: [String]) { folded = Set(names.map { $0.lowercased() }) }
}

extension String {
    func csvHeaderEquals(_ other: String) -> Bool {
        self == other || lowercased() == other.lowercased()
    }
}

/// The RFC 4180 tokenizer over UTF-8 bytes.
struct CSVParser {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    func parse() throws(CSVError) -> CSVTable {
        let n = bytes.count
        var i = 0
        var line = 1
        var header: [String]?
        var headerLine = 1
        var rows: [CSVRow] = []
        var field: [UInt8] = []
        while i < n {
            let rowLine = line
            var fields: [String] = []
            fields.reserveCapacity(header?.count ?? 16)
            var allEmpty = true
            rowLoop: while true {
                field.removeAll(keepingCapacity: true)
                let column = fields.count + 1
                if i < n, bytes[i] == Self.quote {
                    let openLine = line
                    i += 1
                    while true {
                        guard i < n else {
                            throw CSVError(
                                line: openLine,
                                column: column,
                                rule: .quote,
                                message: "引号未闭合:第\(openLine)行第\(column)列以引号开始的字段到文件末尾也没有结束 / the quoted field never ends"
                            )
                        }
                        let byte = bytes[i]
                        if byte == Self.quote {
                            if i + 1 < n, bytes[i + 1] == Self.quote {
                                field.append(Self.quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        if byte == Self.lf || (byte == Self.cr && (i + 1 >= n || bytes[i + 1] != Self.lf)) { line += 1 }
                        field.append(byte)
                        i += 1
                    }
                    if i < n, bytes[i] != Self.comma, bytes[i] != Self.cr, bytes[i] != Self.lf {
                        throw CSVError(
                            line: line,
                            column: column,
                            rule: .quote,
                            message:
                                "引号后面有多余的字符:带引号的字段结束后应是逗号或换行 / text after the closing quote (a quote inside a field must be doubled: \"\")"
                        )
                    }
                    allEmpty = false
                    fields.append(CSVTable.unwrappingTextFormula(String(decoding: field, as: UTF8.self)))
                } else if i + 1 < n, bytes[i] == UInt8(ascii: "="), bytes[i + 1] == Self.quote,
                    let (text, end) = CSVTable.unquotedTextFormula(bytes, from: i)
                {
                    // `="0003"` unquoted, as Excel-minded tools write a code they keep as text.
                    allEmpty = false
                    fields.append(text)
                    i = end
                } else {
                    // Unquoted (most fields): the text is a run of the input, decoded from it directly.
                    let start = i
                    while i < n {
                        let byte = bytes[i]
                        if byte == Self.comma || byte == Self.cr || byte == Self.lf { break }
                        if byte == Self.quote {
                            throw CSVError(
                                line: line,
                                column: column,
                                rule: .quote,
                                message:
                                    "字段中间出现引号:含引号的字段须整体用引号括起,并把其中的引号写成两个 / a quote inside an unquoted field (enclose the field in quotes and double the quote)"
                            )
                        }
                        i += 1
                    }
                    if i > start { allEmpty = false }
                    fields.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                guard i < n else { break rowLoop }
                switch bytes[i] {
                case Self.comma:
                    i += 1
                case Self.cr:
                    i += 1
                    if i < n, bytes[i] == Self.lf { i += 1 }
                    line += 1
                    break rowLoop
                default:
                    i += 1
                    line += 1
                    break rowLoop
                }
            }
            if allEmpty { continue }
            guard let header else {
                header = fields.map { $0.csvTrimmed() }
                headerLine = rowLine
                continue
            }
            guard fields.count == header.count else {
                let column = min(fields.count, header.count) + 1
                throw CSVError(
                    line: rowLine,
                    column: column,
                    rule: .columns,
                    message:
                        "列数不对:表头有\(header.count)列,这一行有\(fields.count)列 / the header has \(header.count) columns, this row has \(fields.count)"
                )
            }
            rows.append(CSVRow(line: rowLine, fields: fields))
        }
        guard let header else {
            throw CSVError(line: 1, column: 1, rule: .empty, message: "文件是空的,没有表头行 / the file is empty: no header row")
        }
        return CSVTable(header: header, rows: rows, headerLine: headerLine)
    }
}

extension String {
    /// The string without leading and trailing white space (including the ideographic space U+3000).
    func csvTrimmed() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}

extension CSVTable {
    /// A CSV file or, when the bytes are a ZIP archive (`PK\u{3}\u{4}`), an .xlsx workbook's first
    /// sheet (`decodeWorkbook`): what a clerk may upload for the same table.
    public static func decode(spreadsheet bytes: [UInt8]) throws(CSVError) -> CSVTable {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? try decodeWorkbook(bytes) : try decode(bytes)
    }

    /// Reads the first sheet of an .xlsx workbook as a table (`XLSXReader`): the first row with a
    /// value is the header, rows without any value are skipped, each row is padded with empty cells
    /// to the header's width; a value right of the header's last column is `csv.columns`. Lines are
    /// the sheet's row numbers.
    public static func decodeWorkbook(_ bytes: [UInt8]) throws(CSVError) -> CSVTable {
        let rows: [SheetRow]
        do {
            rows = try XLSXReader.firstSheet(bytes)
        } catch {
            let rule: CSVError.Rule =
                switch error.rule {
                case .notAWorkbook: .notAWorkbook
                case .numberPrecision: .numberPrecision
                case .errorCell: .errorCell
                }
            throw CSVError(line: max(error.row, 1), column: max(error.column, 1), rule: rule, message: error.message)
        }
        guard let first = rows.first else {
            throw CSVError(line: 1, column: 1, rule: .empty, message: "工作表是空的,没有表头 / the sheet is empty: no header row")
        }
        var header = first.cells.map { $0.csvTrimmed() }
        while header.last?.isEmpty == true { header.removeLast() }
        var table: [CSVRow] = []
        for row in rows.dropFirst() {
            var fields = row.cells
            if fields.count > header.count {
                if let extra = fields[header.count...].firstIndex(where: { !$0.isEmpty }) {
                    throw CSVError(
                        line: row.number,
                        column: extra + 1,
                        rule: .columns,
                        message: "表头只有\(header.count)列,这一行在第\(extra + 1)列还有内容 / a value right of the header's \(header.count) columns"
                    )
                }
                fields.removeLast(fields.count - header.count)
            }
            while fields.count < header.count { fields.append("") }
            table.append(CSVRow(line: row.number, fields: fields))
        }
        return CSVTable(header: header, rows: table, headerLine: first.number)
    }
}
