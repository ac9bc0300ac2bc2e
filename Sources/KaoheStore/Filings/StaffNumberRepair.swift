import KaoheRules

/// A staff number a spreadsheet changed, put back: Excel and LibreOffice read `0003` in a CSV as
/// the number 3, and a clerk who opens last year's file and saves it uploads `3`.
public struct StaffNumberNotice: Sendable, Hashable, Codable {
    /// The roster line (a CSV line or a workbook row).
    public var line: Int
    /// The staff number as uploaded (`3`).
    public var uploaded: String
    /// The staff number it was filed as (`0003`).
    public var filedAs: String
    /// What the clerk is told, Chinese then English.
    public var message: String
}

/// Restores leading zeros a spreadsheet dropped from staff numbers.
public enum StaffNumberRepair {
    /// Each line whose staff number is made of digits without a leading zero (as a spreadsheet
    /// writes a number), is not among `previous` (the unit's last roster), and equals exactly one of
    /// them once that one's leading zeros are dropped — while no
    /// other line of this roster already uses that one — gets that staff number back (`3` → `0003`);
    /// one notice per line so changed. Anything less certain is left as uploaded.
    public static func restoreLeadingZeros(_ lines: inout [RosterLine], previous: [String]) -> [StaffNumberNotice] {
        let known = Set(previous)
        var byDigits: [String: [String]] = [:]
        for number in known where number.count > 1 && number.first == "0" && number.allSatisfy(\.isASCIIDigit) {
            byDigits[strippingLeadingZeros(number), default: []].append(number)
        }
        guard !byDigits.isEmpty else { return [] }
        var used = Set(lines.map(\.staff.staffNo))
        var notices: [StaffNumberNotice] = []
        for index in lines.indices {
            let uploaded = lines[index].staff.staffNo
            guard !known.contains(uploaded), uploaded.first != "0", uploaded.allSatisfy(\.isASCIIDigit), !uploaded.isEmpty,
                let candidates = byDigits[strippingLeadingZeros(uploaded)], candidates.count == 1,
                let restored = candidates.first, !used.contains(restored)
            else { continue }
            lines[index].staff.staffNo = restored
            used.insert(restored)
            notices.append(
                StaffNumberNotice(
                    line: lines[index].line,
                    uploaded: uploaded,
                    filedAs: restored,
                    message:
                        "第\(lines[index].line)行工号“\(uploaded)”按上次报送的“\(restored)”登记(表格软件去掉了开头的0) / staff number \(uploaded) filed as \(restored), as in the last roster: a spreadsheet dropped its leading zeros"
                )
            )
        }
        return notices
    }

    static func strippingLeadingZeros(_ digits: String) -> String {
        let stripped = digits.drop { $0 == "0" }
        return stripped.isEmpty ? "0" : String(stripped)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
