/// An identifier that travels as text — in a path, a JSON body, a CSV cell, a database column — but
/// is a different thing from any other text: a county code cannot be passed where a unit code is
/// meant. Encoded (JSON, SQL) as its bare text; built from a string literal in code and tests.
///
/// The wrappers do not validate: a value read from a request may be malformed, and the rule that
/// refuses it (with its Chinese message, the field and the rule id) belongs to the place that reads
/// it. `isWellFormed` tells whether the text has the identifier's shape.
public protocol StringIdentifier: RawRepresentable<String>, Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible, LosslessStringConvertible, ExpressibleByStringLiteral
{
    /// Wraps `rawValue` as it is.
    init(rawValue: String)
    /// Whether the text has the identifier's shape.
    var isWellFormed: Bool { get }
}

extension StringIdentifier {
    /// Wraps `text` as it is.
    public init(_ text: String) { self.init(rawValue: text) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

extension StringIdentifier {
    /// Whether every byte of `text` is an ASCII digit and there are `count` of them.
    static func isDigits(_ text: Substring.UTF8View, count: Int) -> Bool {
        text.count == count && text.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
