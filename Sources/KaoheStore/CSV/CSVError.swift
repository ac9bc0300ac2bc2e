/// Why a CSV file (or an .xlsx workbook read as a table, `CSVTable.decodeWorkbook`) could not be
/// read: the line and column (both 1-based; a workbook's row and column) and the rule it broke.
///
/// The column is the field's position in its row (1 = first field), which is what a clerk sees as
/// the spreadsheet column; the line is the physical line of the file (a quoted field may span lines).
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule that failed.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// A quote where RFC 4180 does not allow one, or a quoted field that never ends.
        case quote = "csv.quote"
        /// A row with a different number of fields than the header.
        case columns = "csv.columns"
        /// The bytes are neither UTF-8 (with or without BOM) nor GB18030.
        case encoding = "csv.encoding"
        /// The file has no header row.
        case empty = "csv.empty"
        /// Not an .xlsx workbook (`XLSXReadError.Rule.notAWorkbook`).
        case notAWorkbook = "xlsx.not-a-workbook"
        /// A number whose digits a spreadsheet has already lost (`XLSXReadError.Rule.numberPrecision`).
        case numberPrecision = "xlsx.number-precision"
        /// A cell showing a formula error (`XLSXReadError.Rule.errorCell`).
        case errorCell = "xlsx.error-cell"
    }

    /// 1-based line of the file.
    public var line: Int
    /// 1-based column (field position in the row).
    public var column: Int
    /// The rule that failed.
    public var rule: Rule
    /// What is wrong, in words a clerk can act on (Chinese, then English).
    public var message: String

    /// Makes an error.
    public init(line: Int, column: Int, rule: Rule, message: String) {
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
    }

    /// `第7行第3列: … (csv.quote)`.
    public var description: String { "第\(line)行第\(column)列 line \(line), column \(column): \(message) (\(rule.rawValue))" }
}
