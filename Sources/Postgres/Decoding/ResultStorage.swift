/// The materialised result of one statement: column metadata and every value's text in one
/// buffer. Immutable once built, so rows can be shared across tasks.
final class ResultStorage: Sendable {
    let columnNames: [String]
    let columnTypes: [PostgresDataType]
    let columnIndex: [String: Int]
    let rowCount: Int
    /// All values' bytes, row-major.
    let bytes: [UInt8]
    /// Per cell (row * columns + column): start offset into `bytes`.
    let starts: [Int]
    /// Per cell: length in bytes, or -1 for NULL.
    let lengths: [Int32]
    /// The affected-row count from the command tag (rows for SELECT).
    let affectedRows: Int

    init(
        columnNames: [String],
        columnTypes: [PostgresDataType],
        rowCount: Int,
        bytes: [UInt8],
        starts: [Int],
        lengths: [Int32],
        affectedRows: Int
    ) {
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        var index: [String: Int] = [:]
        for (i, name) in columnNames.enumerated() where index[name] == nil { index[name] = i }
        self.columnIndex = index
        self.rowCount = rowCount
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
        self.affectedRows = affectedRows
    }

    static let empty = ResultStorage(
        columnNames: [],
        columnTypes: [],
        rowCount: 0,
        bytes: [],
        starts: [],
        lengths: [],
        affectedRows: 0
    )
}
