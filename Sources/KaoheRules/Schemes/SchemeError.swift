/// Why a scheme file (考核指标体系) or a committee's weighting of it was rejected: every issue found.
public struct SchemeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem, naming the field and the rule.
    public typealias Issue = FieldIssue

    /// The scheme id (or file name) concerned.
    public var scheme: String
    /// Every issue found.
    public var issues: [Issue]

    /// Creates the error.
    public init(scheme: String, issues: [Issue]) {
        self.scheme = scheme
        self.issues = issues
    }

    /// All issues, one per line.
    public var description: String {
        "考核指标体系“\(scheme)”有误 / scheme invalid:\n" + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}
