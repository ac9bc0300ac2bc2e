/// Which ratio a tie conflict is about.
public enum CohortCut: String, Sendable, Hashable, Codable {
    /// 优秀 at most ⌊30 % N⌋: tied units straddle the last 优秀 place.
    case excellentCap = "excellent-cap"
    /// 合格 at least ⌈10 % N⌉: tied 良好 units straddle the last place to be lowered to 合格.
    case qualifiedFloor = "qualified-floor"
}

/// 并列冲突: the proposal cannot honour a ratio without breaking a tie (指标得分不得并列), so it
/// names the tied units and waits for the office's recorded decision (``TieDecision``).
///
/// Until decided, every tied unit gets the worse grade so the ratio still holds.
public struct CohortConflict: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `excellent-cap` or `qualified-floor`, or `qualified-shortfall` when there are not enough
    /// 良好 units to lower (the floor cannot be met).
    public var kind: String
    /// The cohort: `county` or the committee's name.
    public var scope: String
    /// The tied total.
    public var total: Score
    /// The tied units' codes, sorted.
    public var units: [UnitCode]
    /// How many of them may get the better grade (优秀 for the cap, stay 良好 for the floor).
    public var seats: Int
    /// Explanation for the office.
    public var message: String

    /// Creates a conflict.
    public init(kind: String, scope: String, total: Score, units: [UnitCode], seats: Int, message: String) {
        self.kind = kind
        self.scope = scope
        self.total = total
        self.units = units
        self.seats = seats
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// 县事考办决定: the office's recorded decision resolving a tie conflict: which of the tied units
/// get the better grade (keep 优秀 at the cap; stay 良好 at the floor).
public struct TieDecision: Sendable, Hashable, Codable {
    /// The cut the decision is about.
    public var cut: CohortCut
    /// The tied units that get the better grade; must be exactly the conflict's `seats` of its units.
    public var favoured: [UnitCode]
    /// Reference of the office's decision (会议纪要 number), kept in the reasons.
    public var reference: String

    /// Creates a decision.
    public init(cut: CohortCut, favoured: [UnitCode], reference: String) {
        self.cut = cut
        self.favoured = favoured
        self.reference = reference
    }
}

/// Why a recorded tie decision could not be applied.
public struct TieDecisionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The decision's index in the list given.
    public var index: Int
    /// A stable rule id: `decision-unmatched`, `decision-seats`.
    public var rule: RuleID
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(index: Int, rule: RuleID, message: String) {
        self.index = index
        self.rule = rule
        self.message = message
    }

    /// The message.
    public var description: String { "decisions[\(index)]: \(message) [\(rule)]" }
}
