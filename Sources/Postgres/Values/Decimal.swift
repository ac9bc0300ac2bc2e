public import Foundation

extension Decimal: PostgresEncodable, PostgresDecodable {
    /// Sent as `numeric`, exactly.
    public static var postgresDataType: PostgresDataType { .numeric }

    /// Plain decimal notation (`12.34`), `NaN` for NaN.
    public func encodePostgresText(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: (isNaN ? "NaN" : description).utf8)
    }

    /// From `numeric` (exactly, up to Decimal's 38 digits) or an integer column.
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.numeric, .int2, .int4, .int8, decoding: Decimal.self)
        let text = value.string
        if text == "NaN" {
            self = .nan
            return
        }
        guard let parsed = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw value.malformed(Decimal.self)
        }
        self = parsed
    }
}
