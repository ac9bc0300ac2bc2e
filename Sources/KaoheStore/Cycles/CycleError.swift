public import KaoheRules

/// Why a cycle or filing operation was refused, in the domain's terms. The HTTP layer maps each
/// refusal kind to a status and an RFC 9457 problem with `field` and `rule` (`Refusal`).
public struct CycleError: Error, Sendable, CustomStringConvertible {
    /// What kind of refusal. Extensible.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The cycle, step or unit does not exist in the county (or is not enrolled).
        public static let notFound = Code(name: "notFound")
        /// The step has not opened yet.
        public static let stepNotOpen = Code(name: "stepNotOpen")
        /// The step has closed; the message says when.
        public static let stepClosed = Code(name: "stepClosed")
        /// The request conflicts with the cycle's state (already open, filings exist…).
        public static let conflict = Code(name: "conflict")
        /// A value breaks a rule (unknown scheme, deadline before opening, bad code…).
        public static let invalid = Code(name: "invalid")
    }

    /// What kind of refusal.
    public var code: Code
    /// A sentence a clerk can act on (Chinese, then the English gist).
    public var message: String
    /// The input concerned: a JSON pointer (`/steps/assessment/deadline`) or `line N, column M`.
    public var field: String?
    /// The stable id of the rule that failed (`cycle.step-closed`).
    public var rule: RuleID?

    /// Makes an error.
    public init(_ code: Code, _ message: String, field: String? = nil, rule: RuleID? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.rule = rule
    }

    public var description: String { "CycleError(\(code)): \(message)" }
}

extension CycleError: Refusal {
    /// The kind of refusal its code is.
    public var refusalKind: RefusalKind {
        switch code {
        case .notFound: .notFound
        case .stepClosed: .stepClosed
        case .stepNotOpen: .stepNotOpen
        case .conflict: .conflict
        default: .invalid
        }
    }

    /// The message.
    public var detail: String { message }
}
