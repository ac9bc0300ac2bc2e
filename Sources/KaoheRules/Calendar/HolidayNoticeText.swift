/// 节假日安排的文字: a year's holiday notice as the office has it — the State Council's notice pasted
/// or typed line by line, one holiday a line:
///
///     一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
///     二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
///
/// or in short, `春节：2月15日至2月23日，2月14日、2月28日上班` (dates also as `2026-02-15`). A line's
/// name is what stands before its `：`; its first date is the first day off, a `至` date (its month
/// may be left out) the last, a single date a holiday of one day; every date in a sentence that
/// ends with 上班 is a 调休 working day. Numbering (`一、`, `1.`) and remarks in brackets are read
/// past. Lines without a date (the notice's title, its closing words) are skipped; a holiday line
/// that cannot be read is refused with its line number. The notice made is then `validated()`.
public enum HolidayNoticeText {
    /// The notice of `year` that `text` describes, taken from `source` (the notice's title or
    /// number), in Asia/Shanghai.
    public static func parse(_ text: String, year: Int, source: String) throws(CalendarError) -> HolidayNotice {
        var holidays: [HolidayPeriod] = []
        var workdays: [CivilDate] = []
        var problems: [String] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            do throws(CalendarError) {
                let line = try withoutRemarks(folded(String(raw)), year: year)
                let found = dates(in: line, year: year)
                let named = line.contains("：") || line.contains(":")
                if found.dates.isEmpty && found.invalid.isEmpty {
                    // A holiday line whose dates were not read, or the rest of a line broken in two,
                    // is refused: a holiday or 调休 day left out silently would count wrong days.
                    if named && (line.contains("放假") || line.contains("上班")) || line.hasPrefix("上班") {
                        throw CalendarError(rule: "calendar-text", message: "没有读到日期(日期请写成“2月15日”或“2026-02-15”)")
                    }
                    continue  // the title, the opening and closing words
                }
                // The notice's date under its signature.
                if !named, found.dates.count == 1, !line.contains("放假"), !line.contains("上班") { continue }
                let (holiday, days) = try read(line, year: year)
                holidays.append(holiday)
                workdays += days
            } catch {
                problems.append("第\(index + 1)行:\(error.message)")
            }
        }
        guard problems.isEmpty else {
            throw CalendarError(rule: "calendar-text", message: "节假日安排有读不懂的行 / lines not understood: " + problems.joined(separator: "; "))
        }
        guard !holidays.isEmpty else {
            throw CalendarError(rule: "calendar-text", message: "没有读到任何节假日 / no holiday found in the text")
        }
        return try HolidayNotice(
            year: year,
            source: source,
            timeZone: "Asia/Shanghai",
            utcOffsetSeconds: 8 * 3600,
            holidays: holidays,
            makeUpWorkdays: workdays.sorted()
        ).validated()
    }

    /// One holiday line: its period and its 调休 working days.
    static func read(_ line: String, year: Int) throws(CalendarError) -> (HolidayPeriod, [CivilDate]) {
        guard let colon = line.firstIndex(where: { $0 == "：" || $0 == ":" }) else {
            throw CalendarError(rule: "calendar-text", message: "缺少“名称：”,如“春节：2月15日至23日”")
        }
        let name = line[..<colon].trimmingCharacters(in: " \t\u{3000}")
        guard !name.isEmpty else { throw CalendarError(rule: "calendar-text", message: "缺少节日名称") }
        if let bad = dates(in: line, year: year).invalid.first {
            throw CalendarError(rule: "calendar-text", message: "日期“\(bad)”不存在")
        }
        let sentences = line[line.index(after: colon)...].split(whereSeparator: { "。；;".contains($0) }).map(String.init)
        func clauses(_ sentence: String) -> [String] { sentence.split(whereSeparator: { ",，".contains($0) }).map(String.init) }
        // The first clause holds the days off: one date, or a date 至 a date.
        guard let offPart = sentences.first.flatMap({ clauses($0).first }) else {
            throw CalendarError(rule: "calendar-text", message: "缺少放假日期,如“2月15日至23日”")
        }
        let off = dates(in: offPart, year: year).dates
        guard let from = off.first, off.count == 1 || (off.count == 2 && offPart.contains("至")) else {
            throw CalendarError(rule: "calendar-text", message: "放假日期应为一天或“某日至某日”,如“2月15日至23日”")
        }
        let to = off.count == 2 ? off[1] : from
        // Every other clause of a sentence that ends in 上班 names working days.
        var workdays: [CivilDate] = []
        for (index, sentence) in sentences.enumerated() {
            let rest = clauses(sentence).dropFirst(index == 0 ? 1 : 0).joined(separator: "、")
            let clause = rest.trimmingCharacters(in: " \t\u{3000}")
            if clause.hasSuffix("上班"), !clause.hasSuffix("不上班") { workdays += dates(in: rest, year: year).dates }
        }
        return (HolidayPeriod(name: String(name), from: from, to: to), workdays)
    }

    /// The dates in `text` in order — `2026年2月15日`, `2月15日`, `15日` (the month named before it),
    /// `2026-02-15` — and the ones that do not exist (`2月30日`), as written.
    static func dates(in text: String, year: Int) -> (dates: [CivilDate], invalid: [String]) {
        var found: [CivilDate] = []
        var invalid: [String] = []
        var month: Int?
        let characters = Array(text)
        var index = 0
        func number(at start: Int) -> (value: Int, end: Int)? {
            var end = start
            var value = 0
            while end < characters.count, end - start < 4, characters[end].isASCII, let digit = characters[end].wholeNumberValue {
                value = value * 10 + digit
                end += 1
            }
            return end > start ? (value, end) : nil
        }
        func add(_ y: Int, _ m: Int, _ d: Int, _ from: Int, _ end: Int) {
            if let date = try? CivilDate(year: y, month: m, day: d) {
                found.append(date)
            } else {
                invalid.append(String(characters[from..<end]))
            }
        }
        while index < characters.count {
            guard let first = number(at: index) else {
                index += 1
                continue
            }
            let start = index
            // 2026-02-15
            if first.end < characters.count, characters[first.end] == "-", let m = number(at: first.end + 1), m.end < characters.count,
                characters[m.end] == "-", let d = number(at: m.end + 1)
            {
                add(first.value, m.value, d.value, start, d.end)
                month = m.value
                index = d.end
                continue
            }
            var (dateYear, value, cursor) = (year, first.value, first.end)
            if cursor < characters.count, characters[cursor] == "年", let next = number(at: cursor + 1) {
                (dateYear, value, cursor) = (first.value, next.value, next.end)
            }
            if cursor < characters.count, characters[cursor] == "月", let day = number(at: cursor + 1), day.end < characters.count,
                characters[day.end] == "日"
            {
                month = value
                add(dateYear, value, day.value, start, day.end + 1)
                index = day.end + 1
                continue
            }
            if cursor < characters.count, characters[cursor] == "日", let month {
                add(dateYear, month, value, start, cursor + 1)
                index = cursor + 1
                continue
            }
            index = cursor
        }
        return (found, invalid)
    }

    /// Full-width digits and signs as ASCII, `15号` as `15日`, no byte-order mark: as a clerk's
    /// Word or PDF text may have them.
    static func folded(_ line: String) -> String {
        var out = ""
        var previousDigit = false
        for character in line where character != "\u{FEFF}" {
            var character = character
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                (0xFF01...0xFF5E).contains(scalar.value), "０１２３４５６７８９－．".contains(character)
            {
                character = Character(Unicode.Scalar(scalar.value - 0xFEE0)!)
            }
            if character == "号", previousDigit { character = "日" }
            previousDigit = character.isASCII && character.isNumber
            out.append(character)
        }
        return out
    }

    /// The line without its numbering (`一、`, `（一）`, `1.`) and its remarks in brackets. A remark
    /// that names a weekday (`（周六）`, `（农历腊月二十八、周日）`, `（星期六）`) must be the weekday of the
    /// date before it (a notice pasted under the wrong year is caught here); brackets must pair.
    static func withoutRemarks(_ line: String, year: Int) throws(CalendarError) -> String {
        var out = ""
        var remark = ""
        var depth = 0
        for character in line {
            switch character {
            case "（", "(":
                depth += 1
            case "）", ")":
                guard depth > 0 else { throw CalendarError(rule: "calendar-text", message: "括号不成对") }
                depth -= 1
                if depth == 0 {
                    try checkWeekday(remark, after: out, year: year)
                    remark = ""
                }
            default:
                if depth == 0 { out.append(character) } else { remark.append(character) }
            }
        }
        guard depth == 0 else { throw CalendarError(rule: "calendar-text", message: "括号不成对") }
        var text = out.trimmingCharacters(in: " \t\u{3000}")
        for prefix in ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、"] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        if let dot = text.firstIndex(where: { $0 == "." || $0 == "、" }), text[..<dot].allSatisfy(\.isNumber), !text[..<dot].isEmpty {
            text = String(text[text.index(after: dot)...])
        }
        return text
    }

    /// Refuses `remark` when it names a weekday other than that of the last date in `before`.
    static func checkWeekday(_ remark: String, after before: String, year: Int) throws(CalendarError) {
        let names: [Character] = ["一", "二", "三", "四", "五", "六", "日"]
        let characters = Array(remark)
        var named: Int?
        for (index, character) in characters.enumerated() where (character == "周" || character == "期") && index + 1 < characters.count {
            if let weekday = names.firstIndex(of: characters[index + 1]) ?? (characters[index + 1] == "天" ? 6 : nil) {
                named = weekday + 1
            }
        }
        guard let named, let date = dates(in: before, year: year).dates.last, date.weekday != named else { return }
        throw CalendarError(
            rule: "calendar-text",
            message: "\(date.month)月\(date.day)日是周\(names[date.weekday - 1]),不是周\(names[named - 1])(年份是否填错?)"
        )
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
