/// 定量指标: one quantitative indicator of a scheme, with its maximum points.
public struct Indicator: Sendable, Hashable, Codable {
    /// Stable id used in filings and JSON, e.g. `key_tasks`.
    public var id: String
    /// Chinese name, e.g. 重点任务.
    public var name: String
    /// The group (一级指标) it belongs to, e.g. `duties` 履行职责.
    public var group: String
    /// Maximum points (分值).
    public var max: Score
    /// When set, a unit that was not assigned this indicator (未承担重点任务) is scored out of
    /// `max` more on the indicator with this id instead (该项分值计入主要职责).
    public var whenNotAssigned: String?

    /// Creates an indicator.
    public init(id: String, name: String, group: String, max: Score, whenNotAssigned: String? = nil) {
        self.id = id
        self.name = name
        self.group = group
        self.max = max
        self.whenNotAssigned = whenNotAssigned
    }
}

/// 一级指标: a group of quantitative indicators (履行职责, 创新创优, 综合评价).
public struct IndicatorGroup: Sendable, Hashable, Codable {
    /// Stable id, e.g. `duties`.
    public var id: String
    /// Chinese name, e.g. 履行职责.
    public var name: String
    /// Points of the group: the sum of its indicators' maxima.
    public var max: Score
    /// For schemes whose committees choose the weights (`municipal-2019`: 履行职责 50–70), the
    /// allowed range of `max`; nil when the weight is fixed.
    public var range: ScoreRange?

    /// Creates a group.
    public init(id: String, name: String, max: Score, range: ScoreRange? = nil) {
        self.id = id
        self.name = name
        self.max = max
        self.range = range
    }
}

/// An inclusive range of points, e.g. 50–70.
public struct ScoreRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Lowest allowed.
    public var min: Score
    /// Highest allowed.
    public var max: Score

    /// Creates a range.
    public init(min: Score, max: Score) {
        self.min = min
        self.max = max
    }

    /// Whether `score` lies within the range.
    public func contains(_ score: Score) -> Bool { min <= score && score <= max }

    /// `"50.00–70.00"`.
    public var description: String { "\(min)–\(max)" }
}

/// 定性指标考核要点: one qualitative point of 党的建设, rated 好/中/差.
public struct QualitativePoint: Sendable, Hashable, Codable {
    /// Stable id, e.g. `political`.
    public var id: String
    /// Chinese name, e.g. 思想政治建设.
    public var name: String

    /// Creates a point.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
