public import Foundation

/// 审计记录: one entry of the county's audit trail as read back for a page (the unit page lists
/// the entries that concern its unit).
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Position in the county's chain (1, 2, …).
    public var seq: Int64
    /// When it was appended.
    public var at: Date
    /// Who did it (`990101/clerk`, `daemon:host/pid`).
    public var actor: String
    /// What was done (`filing.submit`, `recheck.file`, …).
    public var action: String
    /// What it was done to (`cycles/2026/units/12…/roster`).
    public var object: String
    /// Further facts as recorded.
    public var details: [String: String]
    /// The entry's hash (first characters identify it in the chain).
    public var hash: String

    /// An entry.
    public init(seq: Int64, at: Date, actor: String, action: String, object: String, details: [String: String], hash: String) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.object = object
        self.details = details
        self.hash = hash
    }
}
