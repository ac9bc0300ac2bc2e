/// A unit's code: its 统一社会信用代码 (18 characters, upper case), the key of a unit within its
/// county. `UnifiedSocialCreditCode` validates one; this carries one that is known or asked for.
public struct UnitCode: StringIdentifier {
    /// The 18 characters.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The code of a validated 统一社会信用代码.
    public init(_ code: UnifiedSocialCreditCode) { self.rawValue = code.rawValue }

    /// A valid 统一社会信用代码 (check character included).
    public var isWellFormed: Bool { (try? validated()) != nil }

    /// The code checked and in upper case, or why it is no 统一社会信用代码 (which position is wrong).
    public func validated() throws(UnifiedSocialCreditCodeError) -> UnitCode {
        UnitCode(try UnifiedSocialCreditCode(rawValue))
    }
}
