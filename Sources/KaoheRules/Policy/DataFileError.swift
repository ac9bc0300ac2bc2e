/// Why a data file (scheme, policy, calendar) or a JSON input could not be read: the file, the
/// field path (e.g. `units[3].scores.key_tasks`) and what is wrong.
public struct DataFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or input name, e.g. `county-2021.json` or `stdin`.
    public var file: String
    /// The JSON path of the offending field; empty for the document itself.
    public var field: String
    /// A stable rule id: `json-syntax`, `missing-field`, `wrong-type`, `invalid-value`, `not-found`.
    public var rule: RuleID
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(file: String, field: String, rule: RuleID, message: String) {
        self.file = file
        self.field = field
        self.rule = rule
        self.message = message
    }

    /// `file: field: message`.
    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
    }
}
