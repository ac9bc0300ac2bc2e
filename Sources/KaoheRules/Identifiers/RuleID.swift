/// The stable id of a rule (`cycle.step-closed`): what a refusal names in problem+json's `rule`,
/// what a log line and the docs use, and what a test asserts. Dotted, lower case: the area, then
/// the rule.
public struct RuleID: StringIdentifier {
    /// `area.rule-name`.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Lower-case letters, digits, `-`, `_` and `.`, with at least one dot inside.
    public var isWellFormed: Bool {
        let bytes = Array(rawValue.utf8)
        let allowed = bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard allowed, let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return false }
        return dot > 0 && bytes.last != UInt8(ascii: ".")
    }
}

extension RuleID: ExpressibleByStringInterpolation {
    /// A rule built from parts: `"calendar.\(issue.rule)"`.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self.init(rawValue: String(stringInterpolation: stringInterpolation))
    }
}
