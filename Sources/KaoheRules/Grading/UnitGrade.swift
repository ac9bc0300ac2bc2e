/// 考核等次: the grade of a unit (事业单位绩效考核结果), best first.
///
/// In JSON: `excellent` 优秀, `good` 良好, `qualified` 合格 (一般 in 篇十二), `poor` 较差.
public enum UnitGrade: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// 优秀
    case excellent
    /// 良好
    case good
    /// 合格
    case qualified
    /// 较差
    case poor

    /// Rank, 0 for 优秀 … 3 for 较差: lower is better.
    public var rank: Int {
        switch self {
        case .excellent: 0
        case .good: 1
        case .qualified: 2
        case .poor: 3
        }
    }

    /// The Chinese term the office uses.
    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良好"
        case .qualified: "合格"
        case .poor: "较差"
        }
    }

    /// `"优秀(excellent)"`.
    public var description: String { "\(chinese)(\(rawValue))" }

    /// Ordered by quality: `excellent < good` means "better than" reads as `<` on rank.
    /// Use ``isBetter(than:)`` in rules for clarity.
    public static func < (lhs: UnitGrade, rhs: UnitGrade) -> Bool { lhs.rank < rhs.rank }

    /// Whether this grade is strictly better than `other`.
    public func isBetter(than other: UnitGrade) -> Bool { rank < other.rank }

    /// This grade, or `ceiling` if `ceiling` is worse: "at most `ceiling`".
    public func capped(at ceiling: UnitGrade) -> UnitGrade { rank >= ceiling.rank ? self : ceiling }

    /// Parses `excellent`/`good`/`qualified`/`poor` or the Chinese term.
    public init?(term: String) {
        switch term {
        case "excellent", "优秀": self = .excellent
        case "good", "良好": self = .good
        case "qualified", "合格", "一般": self = .qualified
        case "poor", "较差": self = .poor
        default: return nil
        }
    }
}
