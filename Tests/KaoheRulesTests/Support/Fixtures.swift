import KaoheRules

/// Valid unified social credit codes for tests: `1233` + the number zero-padded to 13 digits + check
/// symbol (the same construction the Python cross-check used).
func testCode(_ number: Int) -> UnitCode {
    let digits = String(number)
    let first17 = "1233" + String(repeating: "0", count: 13 - digits.count) + digits
    return UnitCode(first17 + String(UnifiedSocialCreditCode.checkSymbol(forFirst17: first17)!))
}

/// `Score` from a literal like "12.50"; traps on a bad literal (tests only).
func score(_ text: String) -> Score { try! Score(parsing: text) }

/// The built-in scheme, cycle policy and roster policies, loaded once per use.
func countyScheme() throws -> IndicatorScheme { try SchemeLoader.builtIn("county-2021") }
func cyclePolicy() throws -> CyclePolicy { try PolicyLoader.defaultCyclePolicy() }
func gradingPolicy() throws -> GradingPolicy { try cyclePolicy().grading }

/// A full county-2021 sheet whose quantitative total is `total` (0…100), filled greedily in
/// scheme order (key_tasks 20, main_duties 30, registration 10, …), all ratings 好 except `poor` 差.
func countySheet(total: Score, poor: Int = 0) -> UnitScoreSheet {
    let order: [(String, Int)] = [
        ("key_tasks", 20), ("main_duties", 30), ("registration", 10), ("innovation", 5), ("excellence", 10),
        ("staff_eval", 3), ("client_eval", 4), ("leader_eval", 10), ("dept_organisation", 2), ("dept_staffing", 2),
        ("dept_hrss", 2), ("dept_finance", 2),
    ]
    var remaining = total
    var scores: [String: Score] = [:]
    for (id, max) in order {
        let part = Swift.min(remaining, Score(points: max))
        scores[id] = part
        remaining -= part
    }
    precondition(remaining == .zero, "total above 100")
    let points = ["political", "cadre", "organisation", "conduct"]
    var qualitative: [String: QualitativeRating] = [:]
    for (index, point) in points.enumerated() { qualitative[point] = index < poor ? .poor : .good }
    return UnitScoreSheet(scores: scores, qualitative: qualitative)
}
