import Foundation

// JSON numbers are read through Decimal, which keeps the digits as written, so `12.505` is
// rejected instead of being rounded through a binary Double. Strings ("12.50") are accepted too.
extension Score: Codable {
    /// Reads a JSON number or string exactly; a third decimal is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            let decimal: Decimal
            do {
                decimal = try container.decode(Decimal.self)
            } catch let error as DecodingError {
                throw error
            } catch {
                // A number Decimal cannot hold (1e-286, 1e308): Foundation throws its own JSONError,
                // which the decoder would report as invalid JSON without a path; it is this score
                // that is out of range.
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "数值超出分值范围 / the number is out of range")
            }
            guard decimal.isFinite else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "分值不是有限数 / not finite")
            }
            text = decimal.description
        }
        do {
            self = try Score(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Writes an exact JSON number (`92.5`, `90`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(string: compactDescription) ?? Decimal(hundredths) / 100)
    }
}
