/// Why a text could not be read as a two-decimal score (分值格式错误).
public struct ScoreParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule the text broke.
    public enum Rule: String, Sendable, Hashable {
        /// Not a plain decimal number (letters, spaces, exponent, empty).
        case notANumber = "not-a-number"
        /// More than two decimals that are not zero, e.g. `12.505`.
        case tooManyDecimals = "too-many-decimals"
        /// Too large to be a score.
        case outOfRange = "out-of-range"
    }

    /// The text as given.
    public var text: String
    /// The rule it broke.
    public var rule: Rule

    /// Creates the error.
    public init(text: String, rule: Rule) {
        self.text = text
        self.rule = rule
    }

    /// A message a clerk can act on, in Chinese with the English gist.
    public var description: String {
        switch rule {
        case .notANumber:
            return "“\(text)”不是有效的分值(应为数字,最多两位小数) / not a number"
        case .tooManyDecimals:
            return "“\(text)”小数超过两位,分值最多保留两位小数 / at most two decimals"
        case .outOfRange:
            return "“\(text)”超出分值范围 / out of range"
        }
    }
}
