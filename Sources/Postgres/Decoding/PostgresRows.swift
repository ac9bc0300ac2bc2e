/// The rows of a result, fully read into memory.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let storage: ResultStorage

    init(storage: ResultStorage) { self.storage = storage }

    /// The first row's position: 0.
    public var startIndex: Int { 0 }
    /// One past the last row.
    public var endIndex: Int { storage.rowCount }

    /// The row at `position`.
    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < storage.rowCount, "row index out of range")
        return PostgresRow(storage: storage, row: position)
    }

    /// Rows inserted, updated, deleted, copied or selected, from the command tag.
    public var affectedRows: Int { storage.affectedRows }

    /// The result's column names, in order.
    public var columnNames: [String] { storage.columnNames }

    /// The position of the column `name`, to decode many rows with `decode(_:at:)` without looking
    /// the name up in every one.
    public func column(_ name: String) throws -> Int {
        guard let index = storage.columnIndex[name] else {
            throw PostgresError(
                code: .decoding,
                column: name,
                message: "the result has no column \(name) (columns: \(storage.columnNames.joined(separator: ", ")))"
            )
        }
        return index
    }

    /// The result's column types, in order.
    public var columnTypes: [PostgresDataType] { storage.columnTypes }

    /// Decodes the first column of the first row, or returns nil when there is no row.
    public func single<T: PostgresDecodable>(_ type: T.Type) throws -> T? {
        guard let first else { return nil }
        return try first.decode(type, at: 0)
    }

    /// The row a statement always returns (an aggregate, `INSERT … RETURNING` of one row): the
    /// first, or `.unexpectedResponse` when there is none — an error to report, never a crash.
    public func one(file: String = #fileID, line: Int = #line) throws -> PostgresRow {
        guard let first else {
            throw PostgresError(code: .unexpectedResponse, message: "the statement returned no row", file: file, line: line)
        }
        return first
    }
}
