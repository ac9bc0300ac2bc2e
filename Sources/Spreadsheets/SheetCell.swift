/// A cell's value as both writers see it: the text of a row read by its column's kind.
enum SheetCell: Equatable {
    /// Nothing.
    case empty
    /// Text that must stay exactly as it is.
    case text(String)
    /// A figure, as written (`91.50`), with its number of decimals.
    case number(String, decimals: Int)
    /// A civil date: days since 1970-01-01, and the text.
    case date(days: Int, text: String)
    /// A time: days since 1970-01-01, seconds of the day, and the text.
    case dateTime(days: Int, seconds: Int, text: String)

    /// `value` of a column of `kind`; a value that does not fit its kind is text.
    init(_ value: String?, kind: SheetColumn.Kind) {
        guard let value, !value.isEmpty else {
            self = .empty
            return
        }
        switch kind {
        case .text, .identifier:
            self = .text(value)
        case .number:
            if let decimals = Self.decimals(ofPlainNumber: value) {
                self = .number(value, decimals: decimals)
            } else {
                self = .text(value)
            }
        case .date, .dateTime:
            if let (days, seconds) = Self.dateTime(value) {
                self = seconds == nil ? .date(days: days, text: value) : .dateTime(days: days, seconds: seconds!, text: value)
            } else {
                self = .text(value)
            }
        }
    }

    /// The decimals of `-12.50` (2), `3` (0); nil unless `value` is an optional minus, digits and
    /// at most one point with digits after it — what both spreadsheets read as the same number.
    static func decimals(ofPlainNumber value: String) -> Int? {
        var bytes = Array(value.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let point = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
        let whole = bytes[bytes.startIndex..<point]
        let fraction = point < bytes.endIndex ? bytes[(point + 1)...] : []
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !whole.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit) else { return nil }
        if point < bytes.endIndex, fraction.isEmpty { return nil }
        // More than 15 significant digits is not a number a spreadsheet keeps exactly.
        guard whole.count + fraction.count <= 15 else { return nil }
        return fraction.count
    }

    /// `2026-12-06` (seconds nil), `2026-12-06 10:30` or `2026-12-06 10:30:15`: days since
    /// 1970-01-01 and seconds of the day.
    static func dateTime(_ value: String) -> (days: Int, seconds: Int?)? {
        let bytes = Array(value.utf8)
        guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var result = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                result = result * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return result
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        guard bytes.count > 10 else { return (days, nil) }
        guard bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), let hour = number(11..<13), let minute = number(14..<16),
            hour < 24, minute < 60
        else { return nil }
        var second = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let s = number(17..<19), s < 60 else { return nil }
            second = s
        }
        return (days, hour * 3600 + minute * 60 + second)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
