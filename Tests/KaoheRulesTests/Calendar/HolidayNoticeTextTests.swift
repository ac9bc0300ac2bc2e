import Foundation
import Testing

@testable import KaoheRules

/// The holiday notice as the office has it — the State Council's text pasted, or typed in short —
/// read into the same notice as the built-in data files (known answers: the real 2025 and 2026
/// notices, 国办发明电〔2024〕12号 and 国办发明电〔2025〕7号).
@Suite("Holiday notice text")
struct HolidayNoticeTextTests {
    static let notice2026 = """
        国务院办公厅关于2026年部分节假日安排的通知
        经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
        一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
        二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
        三、清明节：4月4日（周六）至6日（周一）放假，共3天。
        四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
        五、端午节：6月19日（周五）至21日（周日）放假，共3天。
        六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
        七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
        节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
        国务院办公厅
        2025年11月4日
        """

    static let notice2025 = """
        一、元旦：1月1日（周三）放假1天，不调休。
        二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
        三、清明节：4月4日（周五）至6日（周日）放假，共3天。
        四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
        五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
        六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
        """

    static func builtIn(_ year: Int) throws -> HolidayNotice {
        try WorkingDayCalendar.notice(
            from: try BuiltInData.data(folder: "Calendars", name: String(year)),
            name: "\(year).json"
        )
    }

    @Test("the State Council's 2026 and 2025 notices, pasted, read as the built-in data files")
    func realNotices() throws {
        for (year, text) in [(2026, Self.notice2026), (2025, Self.notice2025)] {
            var read = try HolidayNoticeText.parse(text, year: year, source: "国务院办公厅通知")
            var expected = try Self.builtIn(year)
            (read.source, expected.source) = ("", "")
            #expect(read == expected, "\(year)")
        }
    }

    @Test("typed in short, with ISO dates, numbering and remarks: the same notice")
    func shortForm() throws {
        let text = """
            元旦：2026-01-01至2026-01-03，2026-01-04上班
            春节：2月15日至2月23日，2月14日、2月28日上班
            1. 清明节：4月4日至6日
            （四）劳动节：5月1日至5日；5月9日上班
            端午节: 6月19日至21日
            中秋节：9月25日（周五）至27日
            国庆节：10月1日至7日。9月20日、10月10日上班。
            """
        var read = try HolidayNoticeText.parse(text, year: 2026, source: "手工录入")
        var expected = try Self.builtIn(2026)
        (read.source, expected.source) = ("", "")
        #expect(read == expected)
        #expect(try HolidayNoticeText.parse(text, year: 2026, source: "手工录入").source == "手工录入")
    }

    @Test("as Word or a PDF may give it: full-width digits, 号 for 日, a byte-order mark, Windows line ends — the same notice")
    func foldedText() throws {
        let text =
            "\u{FEFF}一、元旦：１月１日（周四）至３日（周六）放假调休，共3天。1月4号（周日）上班。\r\n"
            + "二、春节：２月１５日至２３日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。\r\n"
        let read = try HolidayNoticeText.parse(text, year: 2026, source: "x")
        #expect(read.holidays.map(\.name) == ["元旦", "春节"])
        #expect(read.holidays.map { "\($0.from)–\($0.to)" } == ["2026-01-01–2026-01-03", "2026-02-15–2026-02-23"])
        #expect(read.makeUpWorkdays.map(\.description) == ["2026-01-04", "2026-02-14", "2026-02-28"])
    }

    @Test("refused by name: a date that does not exist, a line without a name, two dates without 至, nothing read, a 调休 day on a weekday")
    func refusals() throws {
        func refusal(_ text: String, year: Int = 2027) -> String? {
            do {
                _ = try HolidayNoticeText.parse(text, year: year, source: "x")
                return nil
            } catch { return "\(error.rule): \(error.message)" }
        }
        #expect(refusal("元旦：1月1日\n春节：2月30日至3月2日")?.contains("第2行:日期“2月30日”不存在") == true)
        #expect(refusal("2月6日至13日放假")?.contains("第1行:缺少“名称：”") == true)
        #expect(refusal("春节：2月6日、2月13日")?.contains("第1行:放假日期应为一天或“某日至某日”") == true)
        #expect(refusal("国务院办公厅关于2027年部分节假日安排的通知\n\n")?.contains("calendar-text: 没有读到任何节假日") == true)
        // 2027-02-17 is a Wednesday: no 调休 needed, refused by the notice's own validation.
        #expect(refusal("春节：2月6日至13日，2月17日上班")?.hasPrefix("calendar-data:") == true)
        // A holiday in another year than the notice's.
        #expect(refusal("元旦：2026年12月31日至2027年1月2日")?.hasPrefix("calendar-data:") == true)
        // Never a holiday or 调休 day dropped silently: dates not read, a line broken in two, brackets unpaired.
        #expect(refusal("元旦：1月1日\n春节：二月六日至十三日放假")?.contains("第2行:没有读到日期") == true)
        #expect(refusal("春节：2月6日至13日放假调休，共8天。2月14日（周日）、\n上班。")?.contains("第2行:没有读到日期") == true)
        #expect(refusal("元旦：1月1日（周五至3日（周日）放假")?.contains("第1行:括号不成对") == true)
        // The 2026 notice pasted as 2027's: its weekdays do not match.
        #expect(refusal(Self.notice2026, year: 2027)?.contains("第3行:1月1日是周五,不是周四(年份是否填错?)") == true)
        // 不上班 names no working day (2027-02-14 is a Sunday either way: nothing to refuse).
        #expect(refusal("春节：2月15日至23日，2月14日不上班") == nil)
        #expect(try HolidayNoticeText.parse("春节：2月15日至23日，2月14日不上班", year: 2027, source: "x").makeUpWorkdays.isEmpty)
    }
}
