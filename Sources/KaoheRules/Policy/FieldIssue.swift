/// One problem with an input or data file: the field, the rule that failed, and a message a clerk
/// can act on (Chinese with the English gist).
public struct FieldIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The field, e.g. `scores.key_tasks` or `groups.duties`.
    public var field: String
    /// A stable rule id, e.g. `above-max`.
    public var rule: RuleID
    /// What is wrong and what to do.
    public var message: String

    /// Creates an issue.
    public init(field: String, rule: RuleID, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    /// `field: message [rule]`.
    public var description: String { "\(field): \(message) [\(rule)]" }
}
