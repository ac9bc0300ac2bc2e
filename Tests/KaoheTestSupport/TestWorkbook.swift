import Foundation
public import Spreadsheets

/// Workbooks as other programs write them, for the import tests: a sheet from `XLSXWriter` with
/// one cell replaced by raw worksheet XML (a code Excel stored as the number `1.29901014501584E+17`).
public enum TestWorkbook {
    /// `sheet` as .xlsx, its text cell `placeholder` written as `rawCell` (the cell's whole `<c>`
    /// element, for instance `<c r="A3"><v>1.29901014501584E+17</v></c>`).
    public static func bytes(_ sheet: Sheet, replacing placeholder: String, with rawCell: String) throws -> [UInt8] {
        let pattern = #"<c r="([A-Z]+[0-9]+)" s="2" t="inlineStr"><is><t xml:space="preserve">"# + placeholder + "</t></is></c>"
        let parts = XLSXWriter.parts(sheet).map { part in
            (path: part.path, text: part.text.replacingOccurrences(of: pattern, with: rawCell, options: .regularExpression))
        }
        precondition(parts.contains { $0.text.contains(rawCell) }, "no cell \(placeholder) in the sheet")
        return try XLSXWriter.zip(parts)
    }
}
