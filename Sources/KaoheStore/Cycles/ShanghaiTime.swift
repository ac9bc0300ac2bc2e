public import Foundation
public import KaoheRules

/// The office's clock face: Asia/Shanghai, which is UTC+8 all year (China has kept no daylight
/// saving time since 1991), so a fixed offset is exact and needs no time-zone database.
/// Instants are stored as `timestamptz`; they are written and read as ISO 8601 with `+08:00`.
public enum ShanghaiTime {
    /// UTC+8 in seconds.
    public static let offsetSeconds = 8 * 3600
    /// The zone's name, as shown next to times.
    public static let zoneName = "Asia/Shanghai"

    /// The instant of a wall-clock time on a civil date in Asia/Shanghai.
    public static func instant(_ date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date {
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The end of a civil day in Asia/Shanghai: 23:59:59, the instant deadlines default to.
    public static func endOfDay(_ date: CivilDate) -> Date { instant(date, hour: 23, minute: 59, second: 59) }

    /// `2026-12-31T23:59:59+08:00` (whole seconds, truncated).
    public static func format(_ instant: Date) -> String {
        let total = Int((instant.timeIntervalSince1970).rounded(.down)) + offsetSeconds
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let date = CivilDate(daysSinceEpoch: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))+08:00"
    }

    /// `2026-12-31 23:59:59` from `2026-12-31T23:59:59+08:00` (as `format` writes it): the form
    /// spreadsheets read as a date and time, in the office's zone. Other text is returned as is.
    public static func spreadsheetText(_ formatted: String) -> String {
        guard formatted.count == 25, formatted.hasSuffix("+08:00") else { return formatted }
        return String(formatted.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    /// Reads `2026-12-31T23:59:59+08:00`, `…Z`, `…±HH:MM` (fractional seconds allowed), or a bare
    /// date `2026-12-31`, which means the start of that day in Asia/Shanghai, or its end
    /// (23:59:59) when `dateMeansEndOfDay`. With `browserField`, also a wall-clock time in
    /// Asia/Shanghai without seconds or offset, `2026-12-31T18:00`, as a browser's date-and-time
    /// field sends it. Blanks around are ignored.
    public static func parse(_ text: String, dateMeansEndOfDay: Bool, browserField: Bool = false) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard bytes.count >= 10, let date = try? CivilDate(parsing: String(decoding: bytes[0..<10], as: UTF8.self)) else {
            return nil
        }
        if bytes.count == 10 {
            return dateMeansEndOfDay ? endOfDay(date) : instant(date)
        }
        var i = 10
        guard bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        func number(_ digits: Int) -> Int? {
            guard i + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[i..<i + digits] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            i += digits
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < bytes.count, bytes[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let hour = number(2), hour < 24, expect(":"), let minute = number(2), minute < 60 else { return nil }
        if browserField, i == bytes.count { return instant(date, hour: hour, minute: minute) }
        guard expect(":"), let second = number(2), second < 60 else { return nil }
        var fraction = 0.0
        if expect(".") {
            var scale = 0.1
            var digits = 0
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                fraction += Double(bytes[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset: Int
        if expect("Z") {
            offset = 0
        } else if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2), expect(":"), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == bytes.count else { return nil }
        let local = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(local - offset) + fraction)
    }
}
