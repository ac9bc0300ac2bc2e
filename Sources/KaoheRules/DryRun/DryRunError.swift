/// 试算输入有误: why a `kaohe rules …` dry run rejected its input, every issue with the field
/// (JSON path) and the rule. The command prints ``lines`` to stderr and exits with code 2.
public struct DryRunError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every issue found.
    public var issues: [FieldIssue]

    /// Creates the error.
    public init(issues: [FieldIssue]) {
        self.issues = issues
    }

    /// One issue.
    public init(field: String, rule: RuleID, message: String) {
        self.issues = [FieldIssue(field: field, rule: rule, message: message)]
    }

    /// From a data-file error.
    init(_ error: DataFileError) {
        self.init(field: error.field.isEmpty ? error.file : error.field, rule: error.rule, message: error.message)
    }

    /// One line per issue: `field: message [rule]`.
    public var lines: [String] { issues.map(\.description) }

    /// All lines.
    public var description: String { lines.joined(separator: "\n") }
}
