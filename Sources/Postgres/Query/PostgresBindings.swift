/// The parameters of a query: `$1`, `$2`, … in order, each as text (or NULL) with its type.
///
/// Values are kept in one contiguous buffer, each followed by a NUL byte, so that they can be
/// handed to libpq as C strings without a copy per value.
public struct PostgresBindings: Sendable, Hashable {
    /// Each value's text followed by a NUL byte.
    var storage: [UInt8] = []
    /// Each parameter's offset into `storage`, or -1 for NULL.
    var offsets: [Int] = []
    /// Each parameter's type OID (0: inferred by the server).
    var types: [UInt32] = []
    /// Set when a value held a NUL byte, which the text protocol cannot carry.
    var containsNULByte = false

    /// No parameters.
    public init() {}

    /// The number of parameters.
    public var count: Int { offsets.count }

    /// True when there are no parameters.
    public var isEmpty: Bool { offsets.isEmpty }

    /// Appends a value as the next parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        let start = storage.count
        value.encodePostgresText(into: &storage)
        if !containsNULByte, storage[start...].contains(0) { containsNULByte = true }
        storage.append(0)
        offsets.append(start)
        types.append(Value.postgresDataType.rawValue)
    }

    /// Appends a value, or NULL for `nil`, as the next parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        if let value { append(value) } else { appendNull(type: Value.postgresDataType) }
    }

    /// Appends an existential value as the next parameter.
    public mutating func append(any value: any PostgresEncodable) {
        func open<V: PostgresEncodable>(_ v: V) { append(v) }
        open(value)
    }

    /// Appends NULL as the next parameter.
    public mutating func appendNull(type: PostgresDataType = .unspecified) {
        offsets.append(-1)
        types.append(type.rawValue)
    }
}
