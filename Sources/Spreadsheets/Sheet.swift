/// One table the office downloads: its columns, each with the kind of value it holds, and its rows.
/// The same sheet is written as CSV (`ExcelCSV`) and as .xlsx (`XLSXWriter`), so the two files
/// never disagree, and each keeps every value as the office typed it when a spreadsheet opens it.
public struct Sheet: Sendable, Hashable {
    /// The sheet's name in the workbook (Chinese; at most 31 characters, none of `[]:*?/\`).
    public var name: String
    /// The columns, in order.
    public var columns: [SheetColumn]
    /// The rows, each as many cells as `columns`; nil or "" is an empty cell. Values are written
    /// as `SheetColumn.Kind` says (a value that does not fit its kind is kept as text).
    public private(set) var rows: [[String?]]
    /// Set for a sheet meant to be printed (the 公示 list, the county summary): a title row above
    /// the header, A4 landscape, the header repeated on every page.
    public var printLayout: PrintLayout?

    /// An empty sheet.
    public init(name: String, columns: [SheetColumn], printLayout: PrintLayout? = nil) {
        self.name = Self.validName(name)
        self.columns = columns
        self.rows = []
        self.printLayout = printLayout
    }

    /// Appends one row (cells already formatted as the office should read them).
    public mutating func append(_ row: [String?]) {
        rows.append(row)
    }

    /// Appends one row of cells, none empty.
    public mutating func append(_ row: [String]) {
        rows.append(row.map { $0 })
    }

    /// The column titles.
    public var header: [String] { columns.map(\.title) }

    /// Excel's rules for a sheet name: 1–31 characters, none of `[ ] : * ? / \`.
    static func validName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }
}

/// A column: its title and the kind of value in it.
public struct SheetColumn: Sendable, Hashable, ExpressibleByStringLiteral {
    /// What a column holds, which decides how a spreadsheet must be kept from changing it.
    public enum Kind: Sendable, Hashable {
        /// Words: a name, a status, a message. Kept as text when a spreadsheet would read it as
        /// something else (a number, a date, a formula).
        case text
        /// A code, a staff number, an account id, a hash: always text, never a number
        /// (`129901014501583828` keeps its 18 digits, `0003` its zeros).
        case identifier
        /// A figure: `91.50`, `3`. A number in the spreadsheet, shown with the decimals it has here.
        case number
        /// A civil date, `2026-12-06`: a date in the spreadsheet.
        case date
        /// A time in Asia/Shanghai, `2026-12-06 10:30` (seconds optional): a date and time in the
        /// spreadsheet.
        case dateTime
    }

    /// The header text.
    public var title: String
    /// What the column holds.
    public var kind: Kind

    /// A column of `kind`.
    public init(_ title: String, _ kind: Kind = .text) {
        self.title = title
        self.kind = kind
    }

    /// A text column.
    public init(stringLiteral value: String) { self.init(value) }

    /// A column of codes, numbers that are names (`.identifier`).
    public static func identifier(_ title: String) -> SheetColumn { SheetColumn(title, .identifier) }
    /// A column of figures.
    public static func number(_ title: String) -> SheetColumn { SheetColumn(title, .number) }
    /// A column of dates.
    public static func date(_ title: String) -> SheetColumn { SheetColumn(title, .date) }
    /// A column of times.
    public static func dateTime(_ title: String) -> SheetColumn { SheetColumn(title, .dateTime) }
}

/// How a sheet meant for paper is printed: its title above the header, A4 landscape, the header
/// row repeated on every page, fitted to the page's width.
public struct PrintLayout: Sendable, Hashable {
    /// The title row (`示例县2026年度事业单位考核结果公示`).
    public var title: String

    /// A layout under `title`.
    public init(title: String) { self.title = title }
}

/// The two files a sheet downloads as.
public enum SheetFormat: String, Sendable, CaseIterable {
    /// `ExcelCSV`.
    case csv
    /// `XLSXWriter`.
    case xlsx

    /// The file name's extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The media type of the file.
    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// `sheet` in this format.
    public func bytes(of sheet: Sheet) throws -> [UInt8] {
        switch self {
        case .csv: ExcelCSV(sheet).bytes
        case .xlsx: try XLSXWriter.workbook(sheet)
        }
    }
}
