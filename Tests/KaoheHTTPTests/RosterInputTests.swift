import Foundation
import KaoheRules
import KaoheStore
import Testing

@testable import KaoheHTTP

/// Reading a roster CSV: header aliases, terms in Chinese or English, and where problems point.
@Suite("Roster input")
struct RosterInputTests {
    @Test("headers in English any case, terms in either language, yes/no in any case, quarters split at 、;,")
    func termsAndHeaders() throws {
        let csv = "STAFF_NO,Grade,处分,试用期,季度结果\nA1,excellent,警告,YES,优秀、good;称职\nA2,合格,,否,\n"
        let lines = try RosterInput.lines(fromCSV: Array(csv.utf8))
        #expect(lines.map(\.staff.staffNo) == ["A1", "A2"])
        #expect(lines.map(\.staff.grade) == [.excellent, .competent])
        #expect(lines.map(\.staff.sanction) == [.warning, .none])
        #expect(lines.map(\.staff.probation) == [true, false])
        #expect(lines[0].staff.quarters == [.excellent, .good, .competent])
        #expect(lines[1].staff.quarters.isEmpty)
    }

    @Test("an unknown term names its line and column; a missing required column names the header")
    func problemsPointAtTheCell() {
        #expect {
            _ = try RosterInput.lines(fromCSV: Array("工号,拟定等次\nA1,卓越\n".utf8))
        } throws: { error in
            (error as? ProblemDetails)?.field == "line 2, column 2" && (error as? ProblemDetails)?.rule == "roster.grade"
        }
        #expect {
            _ = try RosterInput.lines(fromCSV: Array("工号,试用期,拟定等次\nA1,也许,合格\n".utf8))
        } throws: { error in
            (error as? ProblemDetails)?.field == "line 2, column 2" && (error as? ProblemDetails)?.rule == "roster.boolean"
        }
        #expect {
            _ = try RosterInput.lines(fromCSV: Array("工号,姓名\nA1,张三\n".utf8))
        } throws: { error in
            (error as? ProblemDetails)?.rule == "roster.header"
        }
    }
}
