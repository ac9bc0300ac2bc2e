import Foundation
import KaoheRules
import Testing

@Suite("Typed identifiers")
struct IdentifierTests {
    @Test("a county code is six ASCII digits")
    func countyCode() {
        #expect(CountyCode("990101").isWellFormed)
        for text in ["", "99010", "9901011", "99010a", "９９０１０１", " 990101"] {
            #expect(!CountyCode(text).isWellFormed, "\(text)")
        }
    }

    @Test("a cycle id is a year or a quarter, and says which")
    func cycleID() {
        let annual: CycleID = "2026"
        #expect(annual.isWellFormed && annual.isAnnual && annual.quarter == nil && annual.year == 2026)
        let quarter: CycleID = "2026-Q3"
        #expect(quarter.isWellFormed && !quarter.isAnnual && quarter.quarter == 3 && quarter.year == 2026)
        for text in ["", "202", "20261", "2026-Q0", "2026-Q5", "2026-q1", "2026Q1", "2026-Q1 ", "abcd"] {
            let id = CycleID(text)
            #expect(!id.isWellFormed && id.year == nil, "\(text)")
        }
    }

    @Test("a cycle of a county reads county/cycle and compares by both")
    func cycleRef() {
        let ref = CycleRef(county: "990101", cycle: "2026")
        #expect(ref.description == "990101/2026")
        #expect(ref != CycleRef(county: "990102", cycle: "2026"))
        #expect(ref != CycleRef(county: "990101", cycle: "2026-Q1"))
        #expect(Set([ref, CycleRef(county: "990101", cycle: "2026")]).count == 1)
    }

    @Test("a unit code is a valid 统一社会信用代码; validated() upper-cases it or names the wrong position")
    func unitCode() throws {
        let code: UnitCode = "91350100m000100y43"
        #expect(code.isWellFormed)
        #expect(try code.validated() == "91350100M000100Y43")
        #expect(try code.validated() != code)
        let wrongCheck: UnitCode = "91350100M000100Y44"
        #expect(!wrongCheck.isWellFormed)
        #expect(throws: UnifiedSocialCreditCodeError.self) { try wrongCheck.validated() }
        do {
            _ = try UnitCode("91350100M00010OY43").validated()
            Issue.record("a letter O is no symbol of the code")
        } catch {
            #expect(error.position == 15)
        }
    }

    @Test("a rule id is dotted lower case, and can be built from parts")
    func ruleID() {
        #expect(RuleID("cycle.step-closed").isWellFormed)
        let issue = "holiday-overlap"
        let built: RuleID = "calendar.\(issue)"
        #expect(built == "calendar.holiday-overlap")
        for text in ["", "cycle", ".x", "x.", "Cycle.closed", "cycle.step closed"] {
            #expect(!RuleID(text).isWellFormed, "\(text)")
        }
    }

    @Test("identifiers encode as their bare text, so JSON keeps its shape")
    func codable() throws {
        struct Body: Codable, Equatable {
            var county: CountyCode
            var cycle: CycleID
            var unit: UnitCode
            var rule: RuleID?
        }
        let body = Body(county: "990101", cycle: "2026-Q1", unit: "91350100M000100Y43", rule: "cycle.step-closed")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(body), as: UTF8.self)
        #expect(json == #"{"county":"990101","cycle":"2026-Q1","rule":"cycle.step-closed","unit":"91350100M000100Y43"}"#)
        #expect(try JSONDecoder().decode(Body.self, from: Data(json.utf8)) == body)
        let ref = CycleRef(county: "990101", cycle: "2026")
        let refJSON = String(decoding: try encoder.encode(ref), as: UTF8.self)
        #expect(refJSON == #"{"county":"990101","cycle":"2026"}"#)
    }

    @Test("identifiers sort by their text, as the database orders them")
    func ordering() {
        let codes: [UnitCode] = ["911100001000084588", "91350100M000100Y43", "12990101000000001Y"]
        #expect(codes.sorted().map(\.rawValue) == codes.map(\.rawValue).sorted())
    }
}
