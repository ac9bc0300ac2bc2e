/// 统一社会信用代码 (GB 32100-2015): the 18-character code that identifies a unit.
///
/// Characters come from `0123456789ABCDEFGHJKLMNPQRTUWXY` (31 symbols: no I, O, S, V, Z).
/// Position 18 is a check symbol: with weights `3^(i-1) mod 31` for positions 1…17,
/// check = charset[(31 − Σ value×weight mod 31) mod 31]. Lower-case letters are read as
/// upper case; anything else that is wrong is rejected with the position that is wrong.
public struct UnifiedSocialCreditCode: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The 31 symbols of the code, in value order.
    public static let charset: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    /// Weights for positions 1…17: 3^(i−1) mod 31.
    public static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The 18 characters, upper case.
    public let rawValue: String

    /// Validates a code: length 18, every character in the charset, check symbol right.
    public init(_ text: String) throws(UnifiedSocialCreditCodeError) {
        let bytes = Array(text.utf8)
        guard text.count == 18 else {
            throw UnifiedSocialCreditCodeError(code: text, rule: .wrongLength(text.count), position: nil)
        }
        // Eighteen characters but not eighteen bytes: one of them is not ASCII (a full-width 全角
        // digit or letter, typically): name it and where it is, not the length.
        if bytes.count != 18, let (index, character) = text.enumerated().first(where: { !$0.element.isASCII }) {
            throw UnifiedSocialCreditCodeError(code: text, rule: .invalidCharacter(character), position: index + 1)
        }
        var normalized = [UInt8]()
        normalized.reserveCapacity(18)
        var sum = 0
        for (index, raw) in bytes.enumerated() {
            let byte = (raw >= UInt8(ascii: "a") && raw <= UInt8(ascii: "z")) ? raw - 32 : raw
            guard let value = Self.value(of: byte) else {
                throw UnifiedSocialCreditCodeError(
                    code: text,
                    rule: .invalidCharacter(Character(Unicode.Scalar(raw))),
                    position: index + 1
                )
            }
            normalized.append(byte)
            if index < 17 { sum += value * Self.weights[index] }
        }
        let expected = Self.charset[(31 - sum % 31) % 31]
        let found = Character(Unicode.Scalar(normalized[17]))
        guard expected == found else {
            throw UnifiedSocialCreditCodeError(
                code: text,
                rule: .checkSymbolMismatch(expected: expected, found: found),
                position: 18
            )
        }
        self.rawValue = String(decoding: normalized, as: UTF8.self)
    }

    /// The check symbol (position 18) for the first 17 characters; nil if one is not in the charset
    /// or there are not exactly 17. Used to build test and benchmark codes.
    public static func checkSymbol(forFirst17 text: String) -> Character? {
        let bytes = Array(text.utf8)
        guard bytes.count == 17 else { return nil }
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            guard let value = value(of: byte) else { return nil }
            sum += value * weights[index]
        }
        return charset[(31 - sum % 31) % 31]
    }

    /// The code of a public institution (`12`) registered in `division` (6 digits) with the
    /// 9-digit `serial` as its organisation code, check symbol computed: the codes of the demo
    /// county, the benchmarks' and the tests' synthetic counties.
    public static func publicInstitution(division: CountyCode, serial: Int) -> UnifiedSocialCreditCode {
        precondition(division.isWellFormed)
        precondition((0..<1_000_000_000).contains(serial))
        let digits = String(serial)
        let first17 = "12" + division.rawValue + String(repeating: "0", count: 9 - digits.count) + digits
        // Digits only: every character is in the charset, so the check symbol exists and the code is valid.
        return try! UnifiedSocialCreditCode(first17 + String(checkSymbol(forFirst17: first17)!))
    }

    /// 登记管理部门代码 (position 1): `1` is the staffing office (机构编制).
    public var registrationAuthority: Character { rawValue[rawValue.startIndex] }

    /// 机构类别代码 (position 2).
    public var organisationCategory: Character { rawValue[rawValue.index(after: rawValue.startIndex)] }

    /// 登记管理机关行政区划码 (positions 3–8).
    public var administrativeDivision: Substring { rawValue.dropFirst(2).prefix(6) }

    /// Whether the code starts with `12`: a public institution (事业单位) registered by the
    /// staffing office (机构编制部门).
    public var isPublicInstitution: Bool { rawValue.hasPrefix("12") }

    /// The code itself.
    public var description: String { rawValue }

    /// Byte-wise order of the codes (as sorted for the population hash).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8) }

    /// Reads a JSON string and validates it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Self(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Writes the code as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    private static func value(of byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        default: return letterValues[byte]
        }
    }

    private static let letterValues: [UInt8: Int] = {
        var table = [UInt8: Int]()
        for (index, character) in charset.enumerated() where index >= 10 {
            table[character.asciiValue!] = index
        }
        return table
    }()
}
