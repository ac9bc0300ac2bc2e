public import Foundation

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as `timestamptz`.
    public static var postgresDataType: PostgresDataType { .timestamptz }

    /// ISO 8601 in UTC with microseconds: `2024-03-01 08:30:00.000000+00`.
    public func encodePostgresText(into buffer: inout [UInt8]) { TimestampText.append(self, to: &buffer) }

    /// From `timestamptz` (any offset), `timestamp` (taken as UTC) or `date` (midnight UTC).
    /// `infinity` and `-infinity` become `distantFuture` and `distantPast`.
    public init(postgresValue value: PostgresValue) throws {
        try value.require(.timestamptz, .timestamp, .date, decoding: Date.self)
        guard let parsed = TimestampText.parse(value.bytes) else { throw value.malformed(Date.self) }
        self = parsed
    }
}

/// The ISO text of timestamps (DateStyle ISO, which every connection of this module sets).
enum TimestampText {
    private static let microsecondsPerDay: Int64 = 86_400_000_000

    static func append(_ date: Date, to buffer: inout [UInt8]) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / microsecondsPerDay
        var rest = micros % microsecondsPerDay
        if rest < 0 {
            rest += microsecondsPerDay
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let bc = year <= 0
        pad(bc ? 1 - year : year, 4, &buffer)
        buffer.append(UInt8(ascii: "-"))
        pad(month, 2, &buffer)
        buffer.append(UInt8(ascii: "-"))
        pad(day, 2, &buffer)
        buffer.append(UInt8(ascii: " "))
        let seconds = rest / 1_000_000
        pad(Int(seconds / 3600), 2, &buffer)
        buffer.append(UInt8(ascii: ":"))
        pad(Int(seconds / 60 % 60), 2, &buffer)
        buffer.append(UInt8(ascii: ":"))
        pad(Int(seconds % 60), 2, &buffer)
        buffer.append(UInt8(ascii: "."))
        pad(Int(rest % 1_000_000), 6, &buffer)
        buffer.append(contentsOf: "+00".utf8)
        if bc { buffer.append(contentsOf: " BC".utf8) }
    }

    private static func pad(_ value: Int, _ width: Int, _ buffer: inout [UInt8]) {
        var digits: [UInt8] = []
        var v = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        for _ in digits.count..<max(width, digits.count) { buffer.append(UInt8(ascii: "0")) }
        buffer.append(contentsOf: digits.reversed())
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]][ BC]`, `infinity`, `-infinity`.
    static func parse(_ text: ArraySlice<UInt8>) -> Date? {
        if text.elementsEqual("infinity".utf8) { return .distantFuture }
        if text.elementsEqual("-infinity".utf8) { return .distantPast }
        var i = text.startIndex
        let end = text.endIndex

        func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while i < end, count < maxDigits, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") {
                value = value * 10 + Int(text[i] - UInt8(ascii: "0"))
                i += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
        func expect(_ c: Character) -> Bool {
            guard i < end, text[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }

        guard var year = number(minDigits: 4, maxDigits: 9), expect("-"),
            let month = number(minDigits: 2, maxDigits: 2), expect("-"),
            let day = number(minDigits: 2, maxDigits: 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros: Int64 = 0
        var offsetSeconds = 0
        if i < end, text[i] == UInt8(ascii: " "), i + 1 < end, text[i + 1] != UInt8(ascii: "B") {
            i += 1
            guard let hour = number(minDigits: 2, maxDigits: 2), expect(":"),
                let minute = number(minDigits: 2, maxDigits: 2), expect(":"),
                let second = number(minDigits: 2, maxDigits: 2)
            else { return nil }
            micros = Int64(hour * 3600 + minute * 60 + second) * 1_000_000
            if expect(".") {
                let start = i
                guard let fraction = number(minDigits: 1, maxDigits: 6) else { return nil }
                var scaled = Int64(fraction)
                for _ in (i - start)..<6 { scaled *= 10 }
                micros += scaled
            }
            if i < end, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                let sign = text[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(minDigits: 2, maxDigits: 2) else { return nil }
                var offset = oh * 3600
                if expect(":") {
                    guard let om = number(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += om * 60
                    if expect(":") {
                        guard let os = number(minDigits: 2, maxDigits: 2) else { return nil }
                        offset += os
                    }
                }
                offsetSeconds = sign * offset
            }
        }
        if i < end {
            guard text[i...].elementsEqual(" BC".utf8) else { return nil }
            year = 1 - year
            i = end
        }
        let days = Int64(days(fromCivil: year, month, day))
        let total = days * microsecondsPerDay + micros - Int64(offsetSeconds) * 1_000_000
        return Date(timeIntervalSince1970: Double(total) / 1_000_000)
    }

    // Howard Hinnant's civil-from-days algorithms (proleptic Gregorian, day 0 = 1970-01-01).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
