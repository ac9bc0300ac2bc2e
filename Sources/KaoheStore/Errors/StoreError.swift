public import KaoheRules
public import Postgres

/// An error of the store, in the domain's terms. Postgres errors are translated here, at the
/// boundary: the HTTP layer maps these to problem+json, never a raw SQLSTATE.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The record named does not exist (or is outside the caller's county).
        public static let notFound = Code(name: "notFound")
        /// A record with the same key already exists (SQLSTATE 23505).
        public static let duplicate = Code(name: "duplicate")
        /// The record points at something that does not exist (SQLSTATE 23503).
        public static let invalidReference = Code(name: "invalidReference")
        /// A value broke a rule the database enforces (SQLSTATE 23514, 23502, 22xxx).
        public static let invalidValue = Code(name: "invalidValue")
        /// The database is not reachable right now.
        public static let unavailable = Code(name: "unavailable")
        /// A migration file is malformed or missing.
        public static let invalidMigration = Code(name: "invalidMigration")
        /// An applied migration was edited, or the database is newer than this kaohe.
        public static let migrationAltered = Code(name: "migrationAltered")
        /// Migrations are pending against an external database.
        public static let migrationsPending = Code(name: "migrationsPending")
    }

    /// What kind of failure.
    public var code: Code
    /// A sentence an office clerk or an operator can act on. Holds no SQL.
    public var message: String
    /// The field or column concerned, when known.
    public var field: String?
    /// The database error behind this one, if any (for logs, via its debugDescription).
    public var underlying: PostgresError?

    /// Makes an error.
    public init(_ code: Code, _ message: String, field: String? = nil, underlying: PostgresError? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.underlying = underlying
    }

    public var description: String { "StoreError(\(code)): \(message)" }

    /// Translates a Postgres error by its SQLSTATE; anything unmapped is rethrown as it was.
    public static func translate(_ error: any Error, what: String) -> any Error {
        guard let pg = error as? PostgresError else { return error }
        let field = pg.serverFields?.columnName ?? pg.serverFields?.constraintName
        switch pg.sqlState {
        case .uniqueViolation?:
            return StoreError(.duplicate, "\(what) already exists", field: field, underlying: pg)
        case .foreignKeyViolation?:
            return StoreError(.invalidReference, "\(what) refers to something that does not exist", field: field, underlying: pg)
        case .checkViolation?, .notNullViolation?:
            return StoreError(.invalidValue, "\(what) has a value the rules do not allow", field: field, underlying: pg)
        default:
            return transient(pg) ?? error
        }
    }

    /// `.unavailable` for a database failure that a retry may get past (`PostgresError.isTransient`:
    /// the server down or restarting, out of disk or connections, a statement or lock timeout, no
    /// pooled connection in time), else nil. The HTTP layer answers it with 503 and `Retry-After`.
    public static func transient(_ error: any Error) -> StoreError? {
        guard let pg = error as? PostgresError, pg.isTransient else { return nil }
        let message =
            pg.sqlState == .queryCanceled || pg.sqlState == .lockNotAvailable || pg.code == .poolTimeout
            ? "数据库繁忙，未能及时处理，请稍后重试 / the database did not answer in time; try again shortly"
            : "数据库暂时无法访问，请稍后重试 / the database is not reachable right now; try again shortly"
        return StoreError(.unavailable, message, underlying: pg)
    }
}

extension StoreError: Refusal {
    /// Not found, duplicate, invalid, unavailable; anything else is a failure of ours.
    public var refusalKind: RefusalKind {
        switch code {
        case .notFound: .notFound
        case .duplicate: .duplicate
        case .invalidReference, .invalidValue: .invalid
        case .unavailable, .migrationsPending: .unavailable
        default: .failure
        }
    }

    /// `unique` for a duplicate; no other store error names a rule.
    public var rule: RuleID? { code == .duplicate ? "unique" : nil }

    /// The message.
    public var detail: String { message }
}
