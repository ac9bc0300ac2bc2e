extension Int: PostgresEncodable, PostgresDecodable {
    /// Sent as `bigint`.
    public static var postgresDataType: PostgresDataType { .int8 }
    /// Decimal digits.
    public func encodePostgresText(into buffer: inout [UInt8]) { IntegerText.append(Int64(self), to: &buffer) }
    /// From `smallint`, `integer`, `bigint` or `oid`.
    public init(postgresValue value: PostgresValue) throws { self = try IntegerText.decode(value) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    /// Sent as `bigint`.
    public static var postgresDataType: PostgresDataType { .int8 }
    /// Decimal digits.
    public func encodePostgresText(into buffer: inout [UInt8]) { IntegerText.append(self, to: &buffer) }
    /// From `smallint`, `integer`, `bigint` or `oid`.
    public init(postgresValue value: PostgresValue) throws { self = try IntegerText.decode(value) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    /// Sent as `integer`.
    public static var postgresDataType: PostgresDataType { .int4 }
    /// Decimal digits.
    public func encodePostgresText(into buffer: inout [UInt8]) { IntegerText.append(Int64(self), to: &buffer) }
    /// From `smallint`, `integer`, or a `bigint`/`oid` that fits.
    public init(postgresValue value: PostgresValue) throws { self = try IntegerText.decode(value) }
}

/// Integer text without going through `String`.
enum IntegerText {
    static func append(_ value: Int64, to buffer: inout [UInt8]) {
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, reversed
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[i]) }
        }
    }

    static func parse<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type = T.self) -> T? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if bytes[i] == UInt8(ascii: "+") {
            i += 1
        }
        guard i < end else { return nil }
        var value: T = 0
        while i < end {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) =
                negative
                ? shifted.subtractingReportingOverflow(T(digit))
                : shifted.addingReportingOverflow(T(digit))
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        return value
    }

    static func decode<T: FixedWidthInteger>(_ value: PostgresValue, as: T.Type = T.self) throws -> T {
        try value.require(.int2, .int4, .int8, .oid, decoding: T.self)
        guard let parsed: T = parse(value.bytes) else { throw value.malformed(T.self) }
        return parsed
    }
}
