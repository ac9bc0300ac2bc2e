/// Rows in COPY's text format, made ahead of the COPY that sends them: formatted where the data is
/// (a request's task, in parallel with other requests), sent later, perhaps each behind fields only
/// known by then (``PostgresCopyWriter/append(_:leading:)``).
///
/// Fields are escaped as ``PostgresCopyWriter/append(row:)`` escapes them (backslash, tab, newline,
/// carriage return), `nil` is `\N`; every row ends with a newline, which therefore only ever ends a row.
public struct PostgresCopyRows: Sendable {
    /// The rows' bytes, each row newline-terminated.
    public private(set) var bytes: [UInt8] = []
    /// How many rows were ended.
    public private(set) var count = 0
    private var rowIsEmpty = true

    /// No rows; room for about `reservingBytes` bytes.
    public init(reservingBytes: Int = 0) {
        bytes.reserveCapacity(reservingBytes)
    }

    /// Appends one field to the current row.
    public mutating func append(_ field: String?) {
        if rowIsEmpty { rowIsEmpty = false } else { bytes.append(UInt8(ascii: "\t")) }
        guard var field else {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "N"))
            return
        }
        field.withUTF8 { Self.escape($0, into: &bytes) }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        count += 1
        rowIsEmpty = true
    }

    /// Calls `body` with every row's bytes, its newline included.
    public func forEachRow(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            for index in all.indices where all[index] == UInt8(ascii: "\n") {
                try body(UnsafeBufferPointer(rebasing: all[start...index]))
                start = index + 1
            }
        }
    }

    static func escape(_ field: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 2 * field.count))
        let end = bytes.withUnsafeMutableBufferPointer { all in
            CopyText.escape(field, into: all.baseAddress! + start) - all.baseAddress!
        }
        bytes.removeLast(bytes.count - end)
    }
}

extension PostgresCopyWriter {
    /// Appends every row of `rows`, each preceded by the same `leading` fields (say, the key of
    /// the row that owns them, known only once it was written).
    public mutating func append(_ rows: PostgresCopyRows, leading: [String?]) {
        var fields = PostgresCopyRows()
        for field in leading { fields.append(field) }
        var lead = fields.bytes
        if !leading.isEmpty { lead.append(UInt8(ascii: "\t")) }
        lead.withUnsafeBufferPointer { lead in
            rows.forEachRow { row in
                buffer.putRaw(lead)
                buffer.putRaw(row)
                if buffer.count >= Self.chunkSize { handOver() }
            }
        }
    }
}
