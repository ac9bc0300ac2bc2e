import Foundation
import KaoheRules
import Testing

@testable import KaoheStore

/// The grade reasons and roster checks the grading stores are written without Foundation's
/// encoder: they must read back, with `JSONDecoder`, as the very values, whatever their words hold.
@Suite("Stored JSON of the grading")
struct StoredJSONTests {
    static let awkward = #"县考办〔2026〕3号 "引号" \ 反斜杠"# + "\n第二行\t制表\r\u{1}\u{1F}"

    @Test("grade reasons: quotes, backslashes, line breaks, control characters and Chinese read back unchanged; none is []")
    func reasons() throws {
        let reasons = [
            GradeReason(rule: "band", grade: .excellent, message: "综合得分92.50分,位于“优秀”档"),
            GradeReason(rule: "office-decision", grade: .good, message: Self.awkward),
            GradeReason(rule: "tie-conflict", grade: .qualified, message: ""),
        ]
        let text = StoredJSON.reasons(reasons)
        #expect(try JSONDecoder().decode([GradeReason].self, from: Data(text.utf8)) == reasons)
        #expect(text.contains(#"\u0001"#) && text.contains(#"\u001f"#) && text.contains(#"\n"#))
        #expect(StoredJSON.reasons([]) == "[]")
    }

    @Test("a roster check: figures, quota (provisional or not, with or without award) and violations with and without a staff number")
    func rosterReport() throws {
        let policy = try PolicyLoader.rosterPolicy("tied-2023")
        for (final, award) in [(false, false), (true, true)] {
            let staff = (1...20).map { n in
                StaffRecord(
                    staffNo: n == 20 ? "1" : "S\(n)",
                    score: Score(points: n <= 8 ? 95 : 80),
                    grade: n <= 8 ? .excellent : .competent
                )
            }
            var report = RosterCheck(policy: policy).check(staff, unitGrade: .good, gradeIsFinal: final, award: award)
            report.violations.append(RosterViolation(staffNo: Self.awkward, rule: .scoreRange, message: Self.awkward))
            #expect(report.violations.contains { $0.staffNo == nil } && report.violations.contains { $0.staffNo != nil })
            let text = StoredJSON.rosterReport(report)
            #expect(try JSONDecoder().decode(RosterReport.self, from: Data(text.utf8)) == report, "\(text)")
        }
        let counts = StaffCounts(keyed: ["general.excellent": 12, "middle.competent": 37, "leader.basic": 1])
        let decoded = try JSONDecoder().decode([String: Int].self, from: Data(StoredJSON.counts(counts).utf8))
        #expect(decoded == ["general.excellent": 12, "middle.competent": 37, "leader.basic": 1])
        #expect(StoredJSON.counts(StaffCounts()) == "{}")
    }
}
