extension Double: PostgresEncodable, PostgresDecodable {
    /// Sent as `double precision`.
    public static var postgresDataType: PostgresDataType { .float8 }

    /// Shortest round-tripping decimal; `NaN`, `Infinity`, `-Infinity` as PostgreSQL spells them.
    public func encodePostgresText(into buffer: inout [UInt8]) {
        if isNaN {
            buffer.append(contentsOf: "NaN".utf8)
        } else if isInfinite {
            buffer.append(contentsOf: (self < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            buffer.append(contentsOf: description.utf8)
        }
    }

    /// From `real`, `double precision`, `numeric` or an integer column.
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.float8, .float4, .numeric, .int2, .int4, .int8, decoding: Double.self)
        guard let parsed = Double(value.string) else { throw value.malformed(Double.self) }
        self = parsed
    }
}
