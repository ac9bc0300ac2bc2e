import Foundation
import KaoheRules
import KaoheStore

/// Dates and times as the office reads them, in Asia/Shanghai: `2026年11月22日`, `2026年11月22日 18:00`,
/// and days left until a deadline (`还剩 3 天`, `今天截止`, `已过 2 天`).
enum ChineseTime {
    /// The civil date and minutes of day of an instant in Asia/Shanghai.
    static func parts(_ instant: Date) -> (date: CivilDate, minutes: Int) {
        let total = Int(instant.timeIntervalSince1970.rounded(.down)) + ShanghaiTime.offsetSeconds
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        return (CivilDate(daysSinceEpoch: days), rest / 60)
    }

    /// `2026年11月22日`.
    static func date(_ date: CivilDate) -> String { "\(date.year)年\(date.month)月\(date.day)日" }

    /// `2026年11月22日 18:00` (Asia/Shanghai).
    static func dateTime(_ instant: Date) -> String {
        let (day, minutes) = parts(instant)
        let hh = minutes / 60
        let mm = minutes % 60
        return date(day) + " " + (hh < 10 ? "0\(hh)" : "\(hh)") + ":" + (mm < 10 ? "0\(mm)" : "\(mm)")
    }

    /// `2026-11-22 18:00` (Asia/Shanghai): the form Excel and LibreOffice read as a time.
    static func spreadsheetText(_ instant: Date) -> String {
        let (day, minutes) = parts(instant)
        let hh = minutes / 60
        let mm = minutes % 60
        return "\(day) " + (hh < 10 ? "0\(hh)" : "\(hh)") + ":" + (mm < 10 ? "0\(mm)" : "\(mm)")
    }

    /// Whole calendar days from `now` to `deadline` in Asia/Shanghai, in words.
    static func daysLeft(until deadline: Date, now: Date) -> String {
        if deadline <= now {
            let days = parts(now).date.daysSinceEpoch - parts(deadline).date.daysSinceEpoch
            return days == 0 ? "今天已截止" : "已截止 \(days) 天"
        }
        let days = parts(deadline).date.daysSinceEpoch - parts(now).date.daysSinceEpoch
        return days == 0 ? "今天截止" : "还剩 \(days) 天"
    }
}
