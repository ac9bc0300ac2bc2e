/// 分值: a score with exactly two decimals, held as a whole number of hundredths.
///
/// Scores are summed exactly (decimal fixed point, never binary floating point): `12.5 + 0.25`
/// is `12.75`, and `0.1` added ten times is exactly `1.00`. A third decimal is rejected rather
/// than rounded, so a clerk's typo never silently changes a grade.
public struct Score: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The score in hundredths of a point: `12.50` is `1250`.
    public var hundredths: Int64

    /// A score of `hundredths / 100` points.
    public init(hundredths: Int64) {
        self.hundredths = hundredths
    }

    /// A whole number of points: `Score(points: 20)` is `20.00`.
    public init(points: Int) {
        self.hundredths = Int64(points) * 100
    }

    /// Zero points.
    public static let zero = Score(hundredths: 0)

    /// Parses `"12"`, `"12.5"`, `"12.50"`, `"-3.25"` exactly; rejects a third decimal, exponents,
    /// spaces and anything else that is not a plain decimal number.
    public init(parsing text: String) throws(ScoreParseError) {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw ScoreParseError(text: text, rule: .notANumber) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw ScoreParseError(text: text, rule: .notANumber) }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw ScoreParseError(text: text, rule: .notANumber)
            }
            let digit = Int64(byte - UInt8(ascii: "0"))
            digits += 1
            if seenPoint {
                fractionDigits += 1
                // Trailing zeros past the second decimal ("12.500") are still exact.
                if fractionDigits > 2 {
                    guard digit == 0 else { throw ScoreParseError(text: text, rule: .tooManyDecimals) }
                    continue
                }
                fraction = fraction * 10 + digit
            } else {
                guard whole < 1_000_000_000_000 else { throw ScoreParseError(text: text, rule: .outOfRange) }
                whole = whole * 10 + digit
            }
        }
        guard digits > 0 else { throw ScoreParseError(text: text, rule: .notANumber) }
        if fractionDigits == 1 { fraction *= 10 }
        let value = whole * 100 + fraction
        self.hundredths = negative ? -value : value
    }

    /// `"12.50"`, `"-0.25"`, `"100.00"`: always two decimals.
    public var description: String {
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        return "\(sign)\(whole)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }

    /// The shortest exact decimal text: `"12.5"`, `"90"`, `"-0.25"` (for JSON numbers).
    public var compactDescription: String {
        var text = description
        if text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Whether this score is below zero.
    public var isNegative: Bool { hundredths < 0 }

    /// Lower score first.
    public static func < (lhs: Score, rhs: Score) -> Bool { lhs.hundredths < rhs.hundredths }

    /// Exact sum.
    public static func + (lhs: Score, rhs: Score) -> Score { Score(hundredths: lhs.hundredths + rhs.hundredths) }

    /// Exact difference.
    public static func - (lhs: Score, rhs: Score) -> Score { Score(hundredths: lhs.hundredths - rhs.hundredths) }

    /// Adds in place, exactly.
    public static func += (lhs: inout Score, rhs: Score) { lhs.hundredths += rhs.hundredths }

    /// Subtracts in place, exactly.
    public static func -= (lhs: inout Score, rhs: Score) { lhs.hundredths -= rhs.hundredths }

    /// The absolute difference between two scores: `|a − b|`.
    public static func distance(_ lhs: Score, _ rhs: Score) -> Score {
        Score(hundredths: Swift.abs(lhs.hundredths - rhs.hundredths))
    }
}

extension Sequence where Element == Score {
    /// The exact sum of the scores.
    public func sum() -> Score {
        var total: Int64 = 0
        for score in self { total += score.hundredths }
        return Score(hundredths: total)
    }
}
