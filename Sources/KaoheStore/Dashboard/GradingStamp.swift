public import Foundation
public import KaoheRules
import Postgres

/// 确认记录: who proposed, confirmed and finalised a cycle's grading, and when (the results page
/// shows it beside the proposal).
public struct GradingStamp: Sendable, Hashable {
    /// Where the grading stands.
    public var state: GradingState
    /// The account that made (or last remade) the proposal.
    public var proposedBy: String
    /// When.
    public var proposedAt: Date
    /// The office account that confirmed, nil before.
    public var confirmedBy: String?
    /// When.
    public var confirmedAt: Date?
    /// Who finalised (nil when the publicity job did, or before).
    public var finalisedBy: String?
    /// When publicity was finalised.
    public var finalisedAt: Date?

    /// A stamp.
    public init(
        state: GradingState,
        proposedBy: String,
        proposedAt: Date,
        confirmedBy: String?,
        confirmedAt: Date?,
        finalisedBy: String?,
        finalisedAt: Date?
    ) {
        self.state = state
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.confirmedBy = confirmedBy
        self.confirmedAt = confirmedAt
        self.finalisedBy = finalisedBy
        self.finalisedAt = finalisedAt
    }
}

extension DashboardStore {
    /// The cycle's grading stamp, nil before any proposal.
    public func gradingStamp(cycle ref: CycleRef) async throws -> GradingStamp? {
        let (county, cycle) = (ref.county, ref.cycle)
        let rows = try await client.query(
            """
            SELECT state, proposed_by, proposed_at, confirmed_by, confirmed_at, finalised_by, finalised_at
            FROM cycle_gradings WHERE county = \(county) AND cycle = \(cycle)
            """
        )
        guard let row = rows.first else { return nil }
        return GradingStamp(
            state: GradingState(rawValue: try row.decode(String.self, column: "state")) ?? .proposed,
            proposedBy: try row.decode(String.self, column: "proposed_by"),
            proposedAt: try row.decode(Date.self, column: "proposed_at"),
            confirmedBy: try row.decode(String?.self, column: "confirmed_by"),
            confirmedAt: try row.decode(Date?.self, column: "confirmed_at"),
            finalisedBy: try row.decode(String?.self, column: "finalised_by"),
            finalisedAt: try row.decode(Date?.self, column: "finalised_at")
        )
    }
}
