/// A PostgreSQL type, identified by its OID (`pg_type.oid`). Only the built-in types this module
/// encodes or decodes have names here; any other OID (an enum, a domain) is still representable.
public struct PostgresDataType: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The type's OID.
    public var rawValue: UInt32

    /// Wraps an OID.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// OID 0: let the server infer the parameter's type from its use.
    public static let unspecified = PostgresDataType(rawValue: 0)
    /// `boolean`
    public static let bool = PostgresDataType(rawValue: 16)
    /// `bytea`
    public static let bytea = PostgresDataType(rawValue: 17)
    /// `"char"` (single byte)
    public static let char = PostgresDataType(rawValue: 18)
    /// `name`
    public static let name = PostgresDataType(rawValue: 19)
    /// `bigint`
    public static let int8 = PostgresDataType(rawValue: 20)
    /// `smallint`
    public static let int2 = PostgresDataType(rawValue: 21)
    /// `integer`
    public static let int4 = PostgresDataType(rawValue: 23)
    /// `text`
    public static let text = PostgresDataType(rawValue: 25)
    /// `oid`
    public static let oid = PostgresDataType(rawValue: 26)
    /// `json`
    public static let json = PostgresDataType(rawValue: 114)
    /// `real`
    public static let float4 = PostgresDataType(rawValue: 700)
    /// `double precision`
    public static let float8 = PostgresDataType(rawValue: 701)
    /// `unknown` (an untyped literal)
    public static let unknown = PostgresDataType(rawValue: 705)
    /// `boolean[]`
    public static let boolArray = PostgresDataType(rawValue: 1000)
    /// `integer[]`
    public static let int4Array = PostgresDataType(rawValue: 1007)
    /// `text[]`
    public static let textArray = PostgresDataType(rawValue: 1009)
    /// `varchar[]`
    public static let varcharArray = PostgresDataType(rawValue: 1015)
    /// `bigint[]`
    public static let int8Array = PostgresDataType(rawValue: 1016)
    /// `double precision[]`
    public static let float8Array = PostgresDataType(rawValue: 1022)
    /// `character(n)`
    public static let bpchar = PostgresDataType(rawValue: 1042)
    /// `varchar(n)`
    public static let varchar = PostgresDataType(rawValue: 1043)
    /// `date`
    public static let date = PostgresDataType(rawValue: 1082)
    /// `time`
    public static let time = PostgresDataType(rawValue: 1083)
    /// `timestamp` (without time zone)
    public static let timestamp = PostgresDataType(rawValue: 1114)
    /// `timestamptz`
    public static let timestamptz = PostgresDataType(rawValue: 1184)
    /// `timestamptz[]`
    public static let timestamptzArray = PostgresDataType(rawValue: 1185)
    /// `interval`
    public static let interval = PostgresDataType(rawValue: 1186)
    /// `numeric[]`
    public static let numericArray = PostgresDataType(rawValue: 1231)
    /// `numeric`
    public static let numeric = PostgresDataType(rawValue: 1700)
    /// `uuid`
    public static let uuid = PostgresDataType(rawValue: 2950)
    /// `uuid[]`
    public static let uuidArray = PostgresDataType(rawValue: 2951)
    /// `jsonb`
    public static let jsonb = PostgresDataType(rawValue: 3802)

    /// The type's SQL name for the built-in types above, else `oid <n>`.
    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .bool: "boolean"
        case .bytea: "bytea"
        case .char: "\"char\""
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .unknown: "unknown"
        case .boolArray: "boolean[]"
        case .int4Array: "integer[]"
        case .textArray: "text[]"
        case .varcharArray: "varchar[]"
        case .int8Array: "bigint[]"
        case .float8Array: "double precision[]"
        case .bpchar: "character"
        case .varchar: "varchar"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .timestamptzArray: "timestamptz[]"
        case .interval: "interval"
        case .numericArray: "numeric[]"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .uuidArray: "uuid[]"
        case .jsonb: "jsonb"
        default: "oid \(rawValue)"
        }
    }
}
