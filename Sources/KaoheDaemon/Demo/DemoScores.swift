import KaoheRules

/// Score sheets (考核评分表) of the `county-2021` scheme that add up to a chosen total: the demo
/// decides each unit's total (so the grading shows what it should) and spreads it over the
/// indicators in proportion to their maxima, with a little seeded unevenness.
enum DemoScores {
    /// The scheme's quantitative indicators and their maxima in hundredths (SPEC.md "Scoring a unit").
    static let indicators: [(id: String, max: Int)] = [
        ("key_tasks", 2_000), ("main_duties", 3_000), ("registration", 1_000), ("innovation", 500), ("excellence", 1_000),
        ("staff_eval", 300), ("client_eval", 400), ("leader_eval", 1_000),
        ("dept_organisation", 200), ("dept_staffing", 200), ("dept_hrss", 200), ("dept_finance", 200),
    ]

    /// The qualitative points of 党的建设.
    static let qualitativePoints = ["political", "cadre", "organisation", "conduct"]

    /// A sheet totalling `hundredths` / 100 (0…10,000) with `poor` points rated 差 and, when
    /// `fair`, one rated 中.
    static func sheet(hundredths total: Int, poor: Int, fair: Bool = false, random: inout SeededRandom) -> UnitScoreSheet {
        var points = indicators.map { $0.max * total / 10_000 }
        points[1] += total - points.reduce(0, +)  // the rounding remainder goes to 主要职责
        // Unevenness between related indicators, keeping the total and every maximum.
        for (a, b) in [(0, 1), (3, 4), (6, 7), (2, 5)] {
            let shift = random.within(-120...120)
            let moved =
                shift >= 0 ? min(shift, points[b], indicators[a].max - points[a]) : -min(-shift, points[a], indicators[b].max - points[b])
            points[a] += moved
            points[b] -= moved
        }
        var scores: [String: Score] = [:]
        for (index, indicator) in indicators.enumerated() { scores[indicator.id] = Score(hundredths: Int64(points[index])) }
        var qualitative: [String: QualitativeRating] = [:]
        for (index, point) in qualitativePoints.enumerated() {
            qualitative[point] = index < poor ? .poor : (fair && index == poor ? .fair : .good)
        }
        return UnitScoreSheet(scores: scores, qualitative: qualitative)
    }
}
