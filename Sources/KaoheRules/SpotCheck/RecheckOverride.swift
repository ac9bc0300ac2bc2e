/// 核验结果替代: 当其考核结果与核验结果差距较大时按核验结果计分. The re-check replaces the
/// committee's assessment for grading when |committee total − re-check total| ≥ the policy's
/// threshold (5.00), or (when the policy says so) the number of 差 points differs. Both stay on record.
public struct RecheckPolicy: Sendable, Hashable, Codable {
    /// The difference in total at which the re-check wins (5.00).
    public var pointsThreshold: Score
    /// Whether a different count of 差 points also makes the re-check win.
    public var onPoorCountDifference: Bool

    /// Creates a policy.
    public init(pointsThreshold: Score, onPoorCountDifference: Bool) {
        self.pointsThreshold = pointsThreshold
        self.onPoorCountDifference = onPoorCountDifference
    }
}

/// The decision whether a re-check overrides the committee's assessment.
public struct RecheckOverride: Sendable, Hashable, Codable {
    /// Whether the re-check's assessment is used for grading.
    public var overridden: Bool
    /// |committee total − re-check total|.
    public var difference: Score
    /// Whether the counts of 差 differ.
    public var poorCountDiffers: Bool
    /// Why (empty when not overridden).
    public var reasons: [String]

    /// Compares the committee's and the reviewers' totals and 差 counts under `policy`.
    public init(
        committeeTotal: Score,
        committeePoorCount: Int,
        recheckTotal: Score,
        recheckPoorCount: Int,
        policy: RecheckPolicy
    ) {
        difference = Score.distance(committeeTotal, recheckTotal)
        poorCountDiffers = committeePoorCount != recheckPoorCount
        var reasons: [String] = []
        if difference >= policy.pointsThreshold {
            reasons.append("专考委得分\(committeeTotal)与核验得分\(recheckTotal)相差\(difference)分,达到\(policy.pointsThreshold)分,按核验结果计分")
        }
        if policy.onPoorCountDifference && poorCountDiffers {
            reasons.append("定性指标“差”的个数不同(专考委\(committeePoorCount)个,核验\(recheckPoorCount)个),按核验结果计分")
        }
        self.reasons = reasons
        overridden = !reasons.isEmpty
    }

    /// Compares two assessed score sheets.
    public init(committee: AssessedScores, recheck: AssessedScores, policy: RecheckPolicy) {
        self.init(
            committeeTotal: committee.total,
            committeePoorCount: committee.poorCount,
            recheckTotal: recheck.total,
            recheckPoorCount: recheck.poorCount,
            policy: policy
        )
    }

    /// The share of sampled units overridden per committee: (sampled, overridden), a figure the office watches.
    public static func shareByCommittee(_ outcomes: [(committee: String, overridden: Bool)]) -> [String: (sampled: Int, overridden: Int)] {
        var result: [String: (sampled: Int, overridden: Int)] = [:]
        for outcome in outcomes {
            var entry = result[outcome.committee] ?? (0, 0)
            entry.sampled += 1
            if outcome.overridden { entry.overridden += 1 }
            result[outcome.committee] = entry
        }
        return result
    }
}
