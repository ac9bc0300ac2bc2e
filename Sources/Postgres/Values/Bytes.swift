public import Foundation

extension Array: PostgresEncodable where Element == UInt8 {
    /// Sent as `bytea`.
    public static var postgresDataType: PostgresDataType { .bytea }
    /// Hex format: `\x0a1b…`.
    public func encodePostgresText(into buffer: inout [UInt8]) { ByteaText.append(self, to: &buffer) }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// From `bytea` (hex output format, PostgreSQL's default).
    public init(postgresValue value: PostgresValue) throws { self = try ByteaText.decode(value) }
}

extension Data: PostgresEncodable, PostgresDecodable {
    /// Sent as `bytea`.
    public static var postgresDataType: PostgresDataType { .bytea }
    /// Hex format: `\x0a1b…`.
    public func encodePostgresText(into buffer: inout [UInt8]) { ByteaText.append(self, to: &buffer) }
    /// From `bytea`.
    public init(postgresValue value: PostgresValue) throws { self = Data(try ByteaText.decode(value)) }
}

/// bytea's hex text format.
enum ByteaText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "x"))
        for byte in bytes {
            buffer.append(hexDigits[Int(byte >> 4)])
            buffer.append(hexDigits[Int(byte & 0x0f)])
        }
    }

    static func decode(_ value: PostgresValue) throws -> [UInt8] {
        try value.require(.bytea, decoding: [UInt8].self)
        let text = value.bytes
        guard text.count >= 2, text.first == UInt8(ascii: "\\"),
            text[text.startIndex + 1] == UInt8(ascii: "x"), text.count % 2 == 0
        else { throw value.malformed([UInt8].self) }
        var out: [UInt8] = []
        out.reserveCapacity((text.count - 2) / 2)
        var i = text.startIndex + 2
        while i < text.endIndex {
            guard let high = nibble(text[i]), let low = nibble(text[i + 1]) else { throw value.malformed([UInt8].self) }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
