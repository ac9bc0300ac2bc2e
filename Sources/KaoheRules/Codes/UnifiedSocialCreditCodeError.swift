/// Why a unified social credit code (统一社会信用代码) was rejected, with the position that is wrong.
public struct UnifiedSocialCreditCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule that failed.
    public enum Rule: Sendable, Hashable {
        /// The code does not have 18 characters (the count found).
        case wrongLength(Int)
        /// A character outside `0-9 A-H J-N P-R T U W-Y` (I, O, S, V, Z are never used).
        case invalidCharacter(Character)
        /// The check symbol at position 18 does not match positions 1–17.
        case checkSymbolMismatch(expected: Character, found: Character)

        /// A stable identifier for the rule (`uscc-length`, `uscc-character`, `uscc-checksum`).
        public var identifier: RuleID {
            switch self {
            case .wrongLength: "uscc-length"
            case .invalidCharacter: "uscc-character"
            case .checkSymbolMismatch: "uscc-checksum"
            }
        }
    }

    /// The code as given.
    public var code: String
    /// The rule that failed.
    public var rule: Rule
    /// The 1-based position that is wrong (nil when the length is wrong).
    public var position: Int?

    /// Creates the error.
    public init(code: String, rule: Rule, position: Int?) {
        self.code = code
        self.rule = rule
        self.position = position
    }

    /// A message a clerk can act on.
    public var description: String {
        switch rule {
        case .wrongLength(let count):
            return "统一社会信用代码“\(code)”应为18位,实为\(count)位 / must have 18 characters, has \(count)"
        case .invalidCharacter(let character):
            let fullWidth =
                character.unicodeScalars.first.map {
                    (0xFF10...0xFF19).contains($0.value) || (0xFF21...0xFF3A).contains($0.value) || (0xFF41...0xFF5A).contains($0.value)
                } ?? false
            let hint = fullWidth ? "是全角字符,请改用半角" : "不合法(只允许数字和 ABCDEFGHJKLMNPQRTUWXY)"
            return
                "统一社会信用代码“\(code)”第\(position ?? 0)位字符“\(character)”\(hint) / invalid character at position \(position ?? 0)"
        case .checkSymbolMismatch(let expected, let found):
            return
                "统一社会信用代码“\(code)”校验不通过:第18位校验码应为“\(expected)”,实为“\(found)”,请核对第1–18位 / checksum fails at position 18: expected \(expected), found \(found)"
        }
    }
}
