/// A SQL statement and its parameters. Built by string interpolation, every interpolated value
/// becomes a `$n` parameter, never SQL text:
///
/// ```swift
/// let rows = try await client.query("SELECT name FROM unit WHERE county = \(county) AND code = \(code)")
/// ```
///
/// Two escapes exist: `\(identifier: name)` quotes an identifier (`"a""b"`), and
/// `\(unescaped: fragment)` splices raw SQL. Grep for `unescaped:` to audit every use.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The values of the placeholders.
    public var bindings: PostgresBindings

    /// A statement whose text is taken as is; bind values through `bindings`, never by splicing.
    public init(unsafeSQL: String, bindings: PostgresBindings = .init()) {
        self.sql = unsafeSQL
        self.bindings = bindings
    }

    /// A statement without interpolations.
    public init(stringLiteral value: String) {
        self.sql = value
        self.bindings = PostgresBindings()
    }

    /// A statement built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.bindings = stringInterpolation.bindings
    }

    /// Collects SQL text and parameters while a query literal is interpolated.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        /// The SQL text so far.
        public var sql: String
        /// The parameters so far.
        public var bindings: PostgresBindings

        /// Starts an empty query.
        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + 4 * interpolationCount)
            bindings = PostgresBindings()
        }

        /// Appends SQL text from the literal.
        public mutating func appendLiteral(_ literal: String) {
            sql.append(literal)
        }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(value)
            sql.append("$\(bindings.count)")
        }

        /// Binds a value, or NULL for `nil`, as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            sql.append("$\(bindings.count)")
        }

        /// Appends a double-quoted identifier (table, column, channel, database name).
        public mutating func appendInterpolation(identifier: String) {
            sql.append(PostgresQuery.quoteIdentifier(identifier))
        }

        /// Appends raw SQL. The one escape hatch: never pass a value that came from outside.
        public mutating func appendInterpolation(unescaped fragment: String) {
            sql.append(fragment)
        }
    }

    /// Quotes an identifier for SQL: wraps it in double quotes and doubles any inside.
    public static func quoteIdentifier(_ identifier: String) -> String {
        var quoted = "\""
        for character in identifier {
            if character == "\"" { quoted.append("\"\"") } else { quoted.append(character) }
        }
        quoted.append("\"")
        return quoted
    }
}
