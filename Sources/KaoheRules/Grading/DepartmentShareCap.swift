/// 篇十二 (五): the shares of 优秀 and 良好 among a supervising department's units, capped by the
/// department's own annual result (部门年度综合考核结果) — 优秀 → 优秀 ≤ x %, 良好 ≤ y %; 良好 → likewise;
/// 合格 → no 优秀 (a ceiling, ``GradingPolicy/departmentCeilings``), 良好 ≤ y %; 不合格 → neither.
/// The documents leave x and y to the office ("xx%"), so the built-in policy sets none; a policy
/// that does gets them enforced per department, before the county's own ratios: the units beyond
/// ⌊x·n/100⌋ by total lose 优秀 (become 良好), then the lowest beyond ⌊y·n/100⌋ 良好 become 合格. A tie
/// across either cut is a conflict for the office, as for the county's ratios.
public struct DepartmentShareCap: Sendable, Hashable, Codable {
    /// 优秀占比不超过 this percent of the department's graded units (nil: no cap).
    public var excellentMaxPercent: Percentage?
    /// 良好占比不超过 this percent (nil: no cap).
    public var goodMaxPercent: Percentage?

    /// Creates a cap.
    public init(excellentMaxPercent: Percentage? = nil, goodMaxPercent: Percentage? = nil) {
        self.excellentMaxPercent = excellentMaxPercent
        self.goodMaxPercent = goodMaxPercent
    }
}
