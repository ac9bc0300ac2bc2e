/// 等次比例的计算范围: over which units the 优秀/合格 ratios are enforced.
public enum CohortScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// All graded units of the county's cycle together (全县).
    case county
    /// Each committee's units separately (按专考委).
    case committee
}
