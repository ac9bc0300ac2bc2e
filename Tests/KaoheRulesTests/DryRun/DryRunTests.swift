import Foundation
import KaoheRules
import Testing

@Suite("kaohe rules …: JSON dry runs")
struct DryRunTests {
    private func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func gradeUnit(_ number: Int, mainDuties: String, committee: String = "教育", extra: String = "") -> String {
        """
        {"code":"\(testCode(number))","committee":"\(committee)",
         "scores":{"key_tasks":18,"main_duties":\(mainDuties),"registration":9,"innovation":4,"excellence":6,"staff_eval":3,
                   "client_eval":4,"leader_eval":8,"dept_organisation":2,"dept_staffing":2,"dept_hrss":2,"dept_finance":2},
         "qualitative":{"political":"good","cadre":"good","organisation":"good","conduct":"good"}\(extra)}
        """
    }

    @Test("grade: totals, bands, grades, reasons and conflicts")
    func grade() throws {
        let units = [
            gradeUnit(1, mainDuties: "30", extra: #","additions":2.5"#),  // 60 + 30 + 2.5 = 92.5
            gradeUnit(2, mainDuties: "28.5"),  // 88.5
            gradeUnit(3, mainDuties: "28.5", extra: #","veto":true"#),  // 88.5 but 较差
            gradeUnit(4, mainDuties: "20", extra: #","deductions":1.25"#),  // 78.75
        ]
        let input = Data(#"{"units":["#.utf8) + Data(units.joined(separator: ",").utf8) + Data("]}".utf8)
        let output = try json(try GradeDryRun.run(input: input, schemeId: "county-2021", scope: .county))
        let rows = try #require(output["units"] as? [[String: Any]])
        #expect(rows.map { $0["grade"] as? String } == ["excellent", "good", "poor", "qualified"])
        #expect(rows.map { $0["band"] as? String } == ["excellent", "good", "good", "good"])
        #expect((rows[0]["total"] as? NSNumber)?.doubleValue == 92.5)
        #expect(rows[0]["code"] as? String == testCode(1).rawValue)
        // N = 4: ⌊1.2⌋ = 1 优秀 allowed; ⌈0.4⌉ = 1 合格 required: the lowest 良好 (78.75) is lowered.
        let reasons = try #require(rows[3]["reasons"] as? [[String: Any]])
        #expect(reasons.last?["rule"] as? String == "qualified-floor")
        #expect((output["conflicts"] as? [Any])?.isEmpty == true)
    }

    @Test("grade: bad input names the unit, the field and the rule")
    func gradeErrors() throws {
        let bad = gradeUnit(1, mainDuties: "31").replacingOccurrences(of: testCode(1).rawValue, with: "91350100M000100Y44")
        let input = Data("{\"units\":[\(bad)]}".utf8)
        #expect {
            try GradeDryRun.run(input: input, schemeId: "county-2021", scope: .county)
        } throws: { error in
            let issues = (error as? DryRunError)?.issues ?? []
            return issues.contains { $0.field == "units[0].code" && $0.rule == "uscc-checksum" }
                && issues.contains { $0.field == "units[0].scores.main_duties" && $0.rule == "above-max" }
        }
        #expect {
            try GradeDryRun.run(input: Data(#"{"units":[{"code":1}]}"#.utf8), schemeId: "county-2021", scope: .county)
        } throws: { ($0 as? DryRunError)?.issues.first?.field == "units[0].code" }
        #expect(throws: DryRunError.self) { try GradeDryRun.run(input: Data("not json".utf8), schemeId: "county-2021", scope: .county) }
        #expect(throws: DryRunError.self) { try GradeDryRun.run(input: Data(#"{"units":[]}"#.utf8), schemeId: "nope", scope: .county) }
        let thirdDecimal = Data("{\"units\":[\(gradeUnit(1, mainDuties: "20.125"))]}".utf8)
        #expect {
            try GradeDryRun.run(input: thirdDecimal, schemeId: "county-2021", scope: .county)
        } throws: { ($0 as? DryRunError)?.issues.first?.field == "units[0].scores.main_duties" }
    }

    @Test("draw: population hash and selected units with tickets, per stratum")
    func draw() throws {
        let committees = ["教育", "卫生", "农业", "文旅"]
        let units = (1...47).map { #"{"code":"\#(testCode($0))","committee":"\#(committees[($0 - 1) % 4])"}"# }
        let input = Data("{\"units\":[\(units.joined(separator: ","))]}".utf8)
        let output = try json(try DrawDryRun.run(input: input, seed: "20260212000000000047", percent: 10, strata: .county))
        #expect(output["populationHash"] as? String == "8ffa2b4e3c796d09d7d5e867bb15126ac59f9ebb37764734d8c79ca90a9b5523")
        let selected = try #require(output["selected"] as? [[String: Any]])
        #expect(
            selected.map { $0["code"] as? String }
                == ["123300000000000460", "12330000000000022H", "123300000000000095", "12330000000000023L", "12330000000000032J"]
        )
        #expect((selected.first?["ticket"] as? String)?.hasPrefix("0.") == true)

        let perCommittee = try json(try DrawDryRun.run(input: input, seed: "20260212000000000047", percent: nil, strata: nil))
        #expect((perCommittee["selected"] as? [Any])?.count == 8)
        #expect(throws: DryRunError.self) { try DrawDryRun.run(input: input, seed: "123", percent: 10, strata: .county) }
        #expect { try DrawDryRun.run(input: input, seed: "20260212000000000047", percent: 5, strata: .county) } throws: {
            ($0 as? DryRunError)?.issues.first?.rule == "minimum-rate"
        }
    }

    @Test("roster: participants, quota, excellent, violations")
    func roster() throws {
        var staff = (1...17).map { #"{"staffNo":"S\#($0)","score":80,"grade":"competent"}"# }
        staff += (1...3).map { #"{"staffNo":"E\#($0)","score":95,"grade":"excellent"}"# }
        staff.append(#"{"staffNo":"W1","score":95,"grade":"excellent","sanction":"warning"}"#)
        staff.append(#"{"staffNo":"I1","grade":"undetermined","underInvestigation":true,"quarters":["good","competent"]}"#)
        let input = Data("{\"staff\":[\(staff.joined(separator: ","))]}".utf8)
        let output = try json(
            try RosterDryRun.run(
                input: input,
                unitGrade: "qualified",
                policyId: "tied-2023",
                award: false,
                gradeIsFinal: false
            )
        )
        #expect(output["participants"] as? Int == 21)
        #expect(output["quota"] as? Int == 3)
        #expect(output["excellent"] as? Int == 4)
        #expect(output["provisional"] as? Bool == true)
        let violations = try #require(output["violations"] as? [[String: Any]])
        #expect(violations.map { $0["rule"] as? String } == ["warning-not-excellent", "excellent-quota"])
        #expect(violations[0]["staffNo"] as? String == "W1")

        #expect {
            try RosterDryRun.run(input: input, unitGrade: "great", policyId: "tied-2023", award: false, gradeIsFinal: false)
        } throws: { ($0 as? DryRunError)?.issues.first?.field == "--unit-grade" }
        #expect {
            try RosterDryRun.run(
                input: Data(#"{"staff":[{"staffNo":"A","grade":"superb"}]}"#.utf8),
                unitGrade: "good",
                policyId: "tied-2023",
                award: false,
                gradeIsFinal: false
            )
        } throws: { ($0 as? DryRunError)?.issues.first?.field == "staff[0].grade" }
    }

    @Test("workdays: the date the window ends")
    func workdays() throws {
        let output = try WorkdaysDryRun.compute(from: "2026-02-12", days: 5)
        #expect(output.date.description == "2026-02-26")
        #expect(output.closesAt == "2026-02-26T23:59:59+08:00")
        #expect(throws: DryRunError.self) { try WorkdaysDryRun.compute(from: "2026-13-01", days: 5) }
        #expect(throws: DryRunError.self) { try WorkdaysDryRun.compute(from: "2027-06-01", days: 5) }
        #expect(throws: DryRunError.self) { try WorkdaysDryRun.compute(from: "2026-02-12", days: 0) }
    }
}
