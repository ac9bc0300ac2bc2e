/// 不予受理: a request the rules refuse, said so that the person who made it can act on it.
///
/// Every domain error that can reach a person conforms: `CycleError`, `StoreError`,
/// `ScoreSheetError`, `UnitImportError`, … One place turns a refusal into what that person reads —
/// KaoheHTTP's problem mapping (problem+json with the field and the rule for the API, the message
/// beside the field on a dashboard form) — so a new refusal needs no wrapper at its call site.
public protocol Refusal: Error, Sendable {
    /// What kind of refusal this is; it decides the HTTP status.
    var refusalKind: RefusalKind { get }
    /// The stable id of the rule that failed (`cycle.step-closed`), when one did.
    var rule: RuleID? { get }
    /// The input concerned: a JSON pointer (`/steps/assessment/deadline`), `line N, column M`, or
    /// a form field's name.
    var field: String? { get }
    /// What went wrong, in words a clerk can act on (Chinese first).
    var detail: String { get }
}

/// The kinds of refusal, each with its HTTP status.
public enum RefusalKind: String, Sendable, Hashable, CaseIterable {
    /// The input breaks a rule (422).
    case invalid
    /// The input cannot be read at all: not CSV, not UTF-8, not the shape asked for (400).
    case malformed
    /// The thing named does not exist, or lies outside the caller's scope (404).
    case notFound
    /// The request conflicts with the state of the cycle (409).
    case conflict
    /// A record with the same key exists already (409).
    case duplicate
    /// The step has not opened yet (409).
    case stepNotOpen
    /// The step has closed (409).
    case stepClosed
    /// The caller's role may never do this (403).
    case forbidden
    /// Something kaohe needs (the database) is unavailable right now; try again (503).
    case unavailable
    /// Not the request's fault: a failure of ours, logged in full and answered without detail (500).
    case failure

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .invalid: 422
        case .malformed: 400
        case .notFound: 404
        case .conflict, .duplicate, .stepNotOpen, .stepClosed: 409
        case .forbidden: 403
        case .unavailable: 503
        case .failure: 500
        }
    }
}
