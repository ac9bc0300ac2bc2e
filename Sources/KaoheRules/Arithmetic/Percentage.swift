/// 比例: a whole percent, 0…100. Counts derived from it are computed in integers only:
/// at most p % of n is ⌊p·n/100⌋, at least p % of n is ⌈p·n/100⌉.
///
/// So 30 % of 47 units is 14, 10 % of 47 is 5, and 15 % of 20 staff is 3.
public struct Percentage: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The whole percent, 0…100.
    public let value: Int

    /// A whole percent; throws when outside 0…100.
    public init(_ value: Int) throws(PercentageError) {
        guard (0...100).contains(value) else { throw PercentageError(value: value) }
        self.value = value
    }

    /// A whole percent known to be valid (constants in code and tests).
    public init(uncheckedValue value: Int) {
        precondition((0...100).contains(value), "percentage out of 0…100")
        self.value = value
    }

    /// The largest count that is at most this share of `count`: ⌊p·n/100⌋.
    public func atMost(of count: Int) -> Int { KaoheRules.atMost(percent: value, of: count) }

    /// The smallest count that is at least this share of `count`: ⌈p·n/100⌉.
    public func atLeast(of count: Int) -> Int { KaoheRules.atLeast(percent: value, of: count) }

    /// `"30%"`.
    public var description: String { "\(value)%" }

    /// Smaller percent first.
    public static func < (lhs: Percentage, rhs: Percentage) -> Bool { lhs.value < rhs.value }

    /// Reads a JSON integer 0…100.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(Int.self)
        do { self = try Percentage(raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Writes the whole percent as a JSON integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A percentage outside 0…100 (比例超出范围).
public struct PercentageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rejected value.
    public var value: Int
    /// A message a clerk can act on.
    public var description: String { "比例 \(value)% 超出 0–100 的范围 / percentage must be 0…100" }
}

/// At most `percent` % of `count`: ⌊percent·count/100⌋, in integers (30 % of 47 → 14).
public func atMost(percent: Int, of count: Int) -> Int {
    precondition(percent >= 0 && count >= 0, "percent and count must not be negative")
    return (percent * count) / 100
}

/// At least `percent` % of `count`: ⌈percent·count/100⌉, in integers (10 % of 47 → 5).
public func atLeast(percent: Int, of count: Int) -> Int {
    precondition(percent >= 0 && count >= 0, "percent and count must not be negative")
    return (percent * count + 99) / 100
}
