/// 随机抽查核验政策: the spot check's numbers, as data (cycle policy).
public struct SpotCheckPolicy: Sendable, Hashable, Codable {
    /// 不低于10%: the lowest sampling rate allowed.
    public var minimumPercent: Percentage
    /// The rate used unless the office sets another.
    public var defaultPercent: Percentage
    /// Strata by default: per committee (every committee's work gets checked).
    public var defaultStrata: Stratification
    /// Dice seeds need at least this many decimal digits.
    public var minimumDiceDigits: Int
    /// 双随机: reviewers drawn per sampled unit.
    public var reviewersPerUnit: Int

    /// Creates a policy.
    public init(
        minimumPercent: Percentage,
        defaultPercent: Percentage,
        defaultStrata: Stratification,
        minimumDiceDigits: Int,
        reviewersPerUnit: Int
    ) {
        self.minimumPercent = minimumPercent
        self.defaultPercent = defaultPercent
        self.defaultStrata = defaultStrata
        self.minimumDiceDigits = minimumDiceDigits
        self.reviewersPerUnit = reviewersPerUnit
    }
}

/// 分层: how the population is divided before sampling.
public enum Stratification: String, Sendable, Hashable, Codable, CaseIterable {
    /// One stratum per committee (专考委).
    case committee
    /// The whole county as one stratum.
    case county
}
