public import KaoheRules
public import Postgres

// The typed identifiers bind and read as the text they wrap: a statement's `\(county)` sends the
// six digits, and a `char(6)`/`text` column decodes straight into `CountyCode`.

extension StringIdentifier where Self: PostgresEncodable {
    /// Sent untyped, as `String` is: the statement's column decides.
    public static var postgresDataType: PostgresDataType { String.postgresDataType }

    /// The wrapped text.
    public func encodePostgresText(into buffer: inout [UInt8]) { rawValue.encodePostgresText(into: &buffer) }
}

extension StringIdentifier where Self: PostgresDecodable {
    /// The column's text, as it is.
    public init(postgresValue value: PostgresValue) throws { self.init(rawValue: try String(postgresValue: value)) }
}

extension StringIdentifier where Self: PostgresArrayElement {
    /// `text[]`, as for `String`.
    public static var postgresArrayDataType: PostgresDataType { String.postgresArrayDataType }
    /// `text`.
    public static var postgresElementDataType: PostgresDataType { String.postgresElementDataType }
}

extension CountyCode: PostgresArrayElement {}
extension CycleID: PostgresArrayElement {}
extension UnitCode: PostgresArrayElement {}
extension RuleID: PostgresArrayElement {}

/// A record that belongs to one cycle of one county.
public protocol CycleScoped {
    /// The county.
    var county: CountyCode { get }
    /// The cycle within it.
    var cycle: CycleID { get }
}

extension CycleScoped {
    /// The cycle as one value.
    public var cycleRef: CycleRef { CycleRef(county: county, cycle: cycle) }
}
