/// 抽签号: a unit's ticket in Rivest's consistent sampling, `"0." + reverse(D)` where D is the
/// decimal form of the 256-bit hash, left-padded with zeros to at least 64 digits.
///
/// Tickets compare as strings (byte by byte), exactly as `consistent_sampler` compares them.
public struct SamplingTicket: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The ticket, e.g. `0.56998071861792858926477341561059638840106636224182943832566300809078486324348`.
    public let value: String

    /// Wraps a ticket string.
    public init(_ value: String) {
        self.value = value
    }

    /// The ticket of a 32-byte digest: its decimal digits least significant first, at least 64.
    init(digest: [UInt8]) {
        precondition(digest.count == 32, "a SHA-256 digest has 32 bytes")
        // Eight 32-bit limbs, most significant first.
        var limbs = [UInt32](repeating: 0, count: 8)
        for index in 0..<8 {
            limbs[index] =
                UInt32(digest[4 * index]) << 24 | UInt32(digest[4 * index + 1]) << 16
                | UInt32(digest[4 * index + 2]) << 8 | UInt32(digest[4 * index + 3])
        }
        var digits: [UInt8] = Array("0.".utf8)
        digits.reserveCapacity(82)
        var first = 0
        while first < 8 {
            // Divide the number by 10^9; the remainder gives the next nine digits, least significant first.
            var remainder: UInt64 = 0
            for index in first..<8 {
                let current = remainder << 32 | UInt64(limbs[index])
                limbs[index] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            while first < 8, limbs[first] == 0 { first += 1 }
            var chunk = remainder
            if first < 8 {
                for _ in 0..<9 {
                    digits.append(UInt8(ascii: "0") + UInt8(chunk % 10))
                    chunk /= 10
                }
            } else {
                // Most significant chunk: no leading zeros (they become padding below).
                repeat {
                    digits.append(UInt8(ascii: "0") + UInt8(chunk % 10))
                    chunk /= 10
                } while chunk > 0
            }
        }
        while digits.count < 2 + 64 { digits.append(UInt8(ascii: "0")) }
        self.value = String(decoding: digits, as: UTF8.self)
    }

    /// The ticket string.
    public var description: String { value }

    /// Byte-wise string order, as `consistent_sampler` compares tickets.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    /// Reads a JSON string.
    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(String.self)
    }

    /// Writes a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
