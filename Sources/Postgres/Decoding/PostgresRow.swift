/// One row of a result. Decode its columns by name or position.
public struct PostgresRow: Sendable {
    let storage: ResultStorage
    let row: Int

    /// The result's column names, in order.
    public var columnNames: [String] { storage.columnNames }

    /// Decodes the column called `column`. Throws `PostgresError` with code `.decoding` that names
    /// the column when it is missing, NULL for a non-optional type, or of the wrong type.
    public func decode<T: PostgresDecodable>(_ type: T.Type, column: String) throws -> T {
        guard let index = storage.columnIndex[column] else {
            throw PostgresError(
                code: .decoding,
                column: column,
                message: "the result has no column \(column) (columns: \(storage.columnNames.joined(separator: ", ")))"
            )
        }
        return try decode(type, at: index)
    }

    /// Decodes the column at `index` (0-based).
    public func decode<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws -> T {
        guard index >= 0, index < storage.columnNames.count else {
            throw PostgresError(
                code: .decoding,
                column: "#\(index)",
                message: "the result has \(storage.columnNames.count) columns, not \(index + 1)"
            )
        }
        let cell = row * storage.columnNames.count + index
        let length = Int(storage.lengths[cell])
        do {
            if length < 0 { return try T.postgresNull() }
            let start = storage.starts[cell]
            let value = PostgresValue(dataType: storage.columnTypes[index], bytes: storage.bytes[start..<start + length])
            return try T(postgresValue: value)
        } catch var error as PostgresError {
            if error.column == nil { error.column = storage.columnNames[index] }
            throw error
        } catch {
            throw PostgresError(
                code: .decoding,
                column: storage.columnNames[index],
                message: "cannot decode \(T.self): \(Swift.type(of: error))"
            )
        }
    }

    /// True when the column at `index` is NULL.
    public func isNull(at index: Int) -> Bool {
        storage.lengths[row * storage.columnNames.count + index] < 0
    }

    /// Decodes a single-column row, or the first column of a wider one.
    public func decode<T: PostgresDecodable>(_ type: T.Type) throws -> T {
        try decode(type, at: 0)
    }
}
