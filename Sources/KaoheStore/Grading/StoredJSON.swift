import KaoheRules

/// The JSON text the grading stores for each unit — its grade reasons (`unit_grades.reasons`), its
/// roster check (`roster_checks.summary`, `grade_counts`) — written directly, as `JSONEncoder` would
/// write the same values (`StoredJSONTests` reads each back with `JSONDecoder`): a province's
/// proposal writes 50,000 of each, and Foundation's encoder was a quarter of its time.
enum StoredJSON {
    /// `[GradeReason]`: `[{"rule": …, "grade": …, "message": …}]`.
    static func reasons(_ reasons: [GradeReason]) -> String {
        var out = "["
        for (index, reason) in reasons.enumerated() {
            if index > 0 { out += "," }
            out += #"{"rule":"#
            quote(reason.rule.rawValue, into: &out)
            out += #","grade":"#
            quote(reason.grade.rawValue, into: &out)
            out += #","message":"#
            quote(reason.message, into: &out)
            out += "}"
        }
        return out + "]"
    }

    /// A `RosterReport`: its figures, its quota and every violation (a staff number only where one
    /// is named, as the encoder leaves out a nil).
    static func rosterReport(_ report: RosterReport) -> String {
        let quota = report.quota
        var out = #"{"participants":\#(report.participants),"excellent":\#(report.excellent),"mustGiveUp":\#(report.mustGiveUp),"#
        if let leaders = report.leaders { out += #""leaders":\#(leaders),"# }
        out += #""quota":{"unitGrade":"#
        quote(quota.unitGrade.rawValue, into: &out)
        out += #","provisional":\#(quota.provisional),"award":\#(quota.award),"percent":\#(quota.percent.value),"#
        out += #""participants":\#(quota.participants),"limit":\#(quota.limit)},"violations":["#
        for (index, violation) in report.violations.enumerated() {
            if index > 0 { out += "," }
            out += "{"
            if let staffNo = violation.staffNo {
                out += #""staffNo":"#
                quote(staffNo, into: &out)
                out += ","
            }
            out += #""rule":"#
            quote(violation.rule.rawValue, into: &out)
            out += #","message":"#
            quote(violation.message, into: &out)
            out += "}"
        }
        return out + "]}"
    }

    /// Staff by level and grade (`StaffCounts.keyed`): `{"general.competent":37,"general.excellent":12}`.
    static func counts(_ counts: StaffCounts) -> String {
        var out = "{"
        for (key, cell) in StaffCounts.sortedCells {
            let n = counts.count(cell: cell)
            guard n > 0 else { continue }
            if out.utf8.count > 1 { out += "," }
            out += #""\#(key)":\#(n)"#
        }
        return out + "}"
    }

    /// `text` as a JSON string (RFC 8259 §7: quote, backslash and control characters escaped).
    static func quote(_ text: String, into out: inout String) {
        out += "\""
        guard text.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\\" || $0.value < 0x20 }) else {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
