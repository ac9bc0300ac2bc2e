/// 考核评分表: what a committee (or a reviewer, on re-check) files for one unit under a scheme.
public struct UnitScoreSheet: Sendable, Hashable, Codable {
    /// 定量指标得分 by indicator id.
    public var scores: [String: Score]
    /// 定性指标评价 (好/中/差) by qualitative point id.
    public var qualitative: [String: QualitativeRating]
    /// Indicators the unit did not carry (未承担重点任务: `key_tasks`); their points move to the
    /// indicator the scheme names (主要职责 is then scored out of 50).
    public var notAssigned: Set<String>
    /// 创先争优 awards, itemised; when given, the awards indicator must equal their sum.
    public var awards: [AwardClaim]?
    /// 加分事项.
    public var additions: [ScoreAdjustment]
    /// 减分事项.
    public var deductions: [ScoreAdjustment]

    /// Creates a sheet.
    public init(
        scores: [String: Score],
        qualitative: [String: QualitativeRating],
        notAssigned: Set<String> = [],
        awards: [AwardClaim]? = nil,
        additions: [ScoreAdjustment] = [],
        deductions: [ScoreAdjustment] = []
    ) {
        self.scores = scores
        self.qualitative = qualitative
        self.notAssigned = notAssigned
        self.awards = awards
        self.additions = additions
        self.deductions = deductions
    }
}

/// A score sheet that passed its scheme's rules, with its totals.
public struct AssessedScores: Sendable, Hashable, Codable {
    /// Σ quantitative scores.
    public var quantitative: Score
    /// Σ additions (capped sum is checked, never clipped).
    public var additions: Score
    /// Σ deductions.
    public var deductions: Score
    /// 综合得分: quantitative + additions − deductions.
    public var total: Score
    /// How many qualitative points were rated 差.
    public var poorCount: Int
    /// How many qualitative points were not rated 好.
    public var notGoodCount: Int
    /// The ceiling from the qualitative veto, if any.
    public var qualitativeCeiling: QualitativeCeiling?

    /// Creates assessed scores.
    public init(
        quantitative: Score,
        additions: Score,
        deductions: Score,
        poorCount: Int,
        notGoodCount: Int,
        qualitativeCeiling: QualitativeCeiling?
    ) {
        self.quantitative = quantitative
        self.additions = additions
        self.deductions = deductions
        self.total = quantitative + additions - deductions
        self.poorCount = poorCount
        self.notGoodCount = notGoodCount
        self.qualitativeCeiling = qualitativeCeiling
    }
}

/// Why a score sheet was rejected: every issue, each naming the indicator and the rule.
public struct ScoreSheetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every issue found.
    public var issues: [FieldIssue]

    /// Creates the error.
    public init(issues: [FieldIssue]) {
        self.issues = issues
    }

    /// All issues, one per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension ScoreSheetError: Refusal {
    /// A score sheet the scheme refuses is invalid input.
    public var refusalKind: RefusalKind { .invalid }
    /// The first issue's rule.
    public var rule: RuleID? { issues.first?.rule }
    /// The first issue's indicator, as a JSON pointer (`/scores/key_tasks`).
    public var field: String? { issues.first.map { FieldPath.pointer($0.field) } }
    /// Every issue: `pointer: message [rule]`, separated by semicolons.
    public var detail: String {
        issues.map { "\(FieldPath.pointer($0.field)): \($0.message) [\($0.rule)]" }.joined(separator: "; ")
    }
}
