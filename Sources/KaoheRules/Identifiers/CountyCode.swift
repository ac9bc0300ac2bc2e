/// 行政区划代码: the six-digit division code of a county (县、市、区), `990101`. It names the
/// county in every path (`/counties/{county}`), row and account.
public struct CountyCode: StringIdentifier {
    /// The six digits.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Six ASCII digits.
    public var isWellFormed: Bool { Self.isDigits(rawValue[...].utf8, count: 6) }
}
