/// 抽签种子: the seed of a spot-check draw, fixed only after the population hash is published.
///
/// Either 32 bytes from the system's CSPRNG written as 64 lowercase hex digits, or at least
/// `minimumDiceDigits` (20) decimal digits the office enters at a public draw (掷骰).
public struct DrawSeed: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The seed text, exactly as hashed.
    public let text: String

    /// Validates a seed.
    public init(_ text: String, minimumDiceDigits: Int = 20) throws(DrawSeedError) {
        let bytes = Array(text.utf8)
        let isHex =
            bytes.count == 64
            && bytes.allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
            }
        let isDice = bytes.count >= minimumDiceDigits && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard isHex || isDice else { throw DrawSeedError(seed: text, minimumDiceDigits: minimumDiceDigits) }
        self.text = text
    }

    /// A fresh seed: 32 bytes from the system's CSPRNG as lowercase hex.
    public static func random() -> DrawSeed {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try! DrawSeed(Hex.lowercase(bytes))
    }

    /// The seed text.
    public var description: String { text }
}

/// A seed that is neither 64 lowercase hex digits nor enough decimal digits (种子格式不对).
public struct DrawSeedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The seed as given.
    public var seed: String
    /// How many dice digits are required.
    public var minimumDiceDigits: Int

    /// A message a clerk can act on.
    public var description: String {
        "种子“\(seed)”无效:应为64位小写十六进制(系统随机生成),或至少\(minimumDiceDigits)位数字(公开掷骰) / seed must be 64 lowercase hex digits or at least \(minimumDiceDigits) decimal digits"
    }
}
