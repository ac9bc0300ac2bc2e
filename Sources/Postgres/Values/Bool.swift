extension Bool: PostgresEncodable, PostgresDecodable {
    /// Sent as `boolean`.
    public static var postgresDataType: PostgresDataType { .bool }

    /// `true` or `false`.
    public func encodePostgresText(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: (self ? "true" : "false").utf8)
    }

    /// From `boolean` (`t`/`f`).
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.bool, decoding: Bool.self)
        switch value.bytes.first {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw value.malformed(Bool.self)
        }
    }
}
