/// A CSV document that Excel on a Chinese Windows desktop opens correctly: UTF-8 with a byte-order
/// mark (without it Excel reads the file as GBK and shows mojibake), CRLF line ends, RFC 4180
/// quoting. Every export of the office's tables (monitor, dashboard, publicity list) is one of these.
///
/// Cells that a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or CR) are
/// prefixed with `'` (OWASP "CSV injection"), except plain numbers such as `-3.5`, so a unit name
/// filed by an institution cannot become a formula on the office's machine.
public struct ExcelCSV: Sendable {
    /// The file's bytes: BOM, header, rows.
    public private(set) var bytes: [UInt8]

    /// Starts a document with its header row.
    public init(header: [String]) {
        bytes = [0xEF, 0xBB, 0xBF]
        bytes.reserveCapacity(4096)
        append(header)
    }

    /// Appends one row (cells already formatted as the office should read them).
    public mutating func append(_ row: [String]) {
        for (index, cell) in row.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendCell(cell, to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends one row of optional cells; `nil` is an empty cell.
    public mutating func append(_ row: [String?]) {
        append(row.map { $0 ?? "" })
    }

    /// The file as text (with its BOM), for tests.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    static func appendCell(_ cell: String, to bytes: inout [UInt8]) {
        var value = cell
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(value) {
            value = "'" + value
        }
        let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes {
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: value.utf8)
        }
    }

    static func isPlainNumber(_ value: String) -> Bool {
        var digits = 0
        for (offset, byte) in value.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if offset != 0 { return false }
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): continue
            default: return false
            }
        }
        return digits > 0
    }
}
