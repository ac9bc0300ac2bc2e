/// 比例研判: the office's recorded ruling on a ratio breach that 复议 left (优秀 over the cap,
/// 合格 under the floor; ``CohortRatioCheck``). The ratios hold 原则上 (in principle): the office may
/// let a breach stand, but only by a decision on record, and only for the breach it saw — a
/// ruling settles the conflict with the same kind, scope and units, not a later different one.
public struct RatioRuling: Sendable, Hashable, Codable {
    /// `excellent-ratio` or `qualified-ratio`.
    public var kind: String
    /// The cohort: `county` or the committee's name.
    public var scope: String
    /// The units the conflict listed, sorted.
    public var units: [UnitCode]
    /// Reference of the office's decision (会议纪要 number).
    public var reference: String
    /// What the office decided, in its words.
    public var note: String?

    /// The kinds of conflict a ruling can settle.
    public static let kinds: Set<String> = ["excellent-ratio", "qualified-ratio"]

    /// Creates a ruling.
    public init(kind: String, scope: String, units: [UnitCode], reference: String, note: String? = nil) {
        self.kind = kind
        self.scope = scope
        self.units = units.sorted()
        self.reference = reference
        self.note = note
    }

    /// Whether this ruling settles `conflict`.
    public func settles(_ conflict: CohortConflict) -> Bool {
        conflict.kind == kind && conflict.scope == scope && conflict.units.sorted() == units
    }

    /// The conflicts no ruling settles, in their order.
    public static func open(_ conflicts: [CohortConflict], rulings: [RatioRuling]) -> [CohortConflict] {
        conflicts.filter { conflict in !rulings.contains { $0.settles(conflict) } }
    }
}
