/// 定性评价等次: the rating of one qualitative point (考核要点) of 党的建设: 好 / 中 / 差.
///
/// In JSON: `good` 好, `fair` 中, `poor` 差.
public enum QualitativeRating: String, Sendable, Hashable, Codable, CaseIterable {
    /// 好
    case good
    /// 中
    case fair
    /// 差
    case poor

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .good: "好"
        case .fair: "中"
        case .poor: "差"
        }
    }
}
