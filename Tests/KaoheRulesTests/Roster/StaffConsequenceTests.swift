import KaoheRules
import Testing

@Suite("考核结果使用: flags across years (篇十三 第四十二–四十七条)")
struct StaffConsequenceTests {
    typealias Y = StaffConsequence.Year

    @Test("each flag, with its article, and none where the years say otherwise")
    func flags() {
        func flags(_ now: Y, _ before: Y?) -> [StaffConsequence] { StaffConsequence.flags(year: now, previous: before) }
        #expect(flags(Y(cycle: "2026", grade: .basic), Y(cycle: "2025", grade: .basic)) == [.basicTwoYears])
        #expect(flags(Y(cycle: "2026", grade: .basic), Y(cycle: "2025", grade: .competent)).isEmpty)
        #expect(flags(Y(cycle: "2026", grade: .basic), nil).isEmpty)
        #expect(flags(Y(cycle: "2026", grade: .incompetent), nil) == [.incompetent])
        #expect(
            flags(Y(cycle: "2026", grade: .incompetent), Y(cycle: "2025", grade: .undetermined, probation: true)) == [
                .incompetent, .probationIncompetent,
            ]
        )
        #expect(
            flags(Y(cycle: "2026", grade: .excellent, post: .worker), Y(cycle: "2025", grade: .excellent, post: .worker)) == [
                .workerExcellentTwoYears
            ]
        )
        #expect(flags(Y(cycle: "2026", grade: .excellent, post: .management), Y(cycle: "2025", grade: .excellent)).isEmpty)
        #expect(flags(Y(cycle: "2026", grade: .undetermined), nil) == [.noSalaryStep])
        #expect(flags(Y(cycle: "2026", grade: .excluded), nil) == [.noSalaryStep])
        for flag in StaffConsequence.allCases {
            #expect(flag.article.hasPrefix("篇十三 第") && !flag.chinese.contains { $0.isASCII && $0.isLetter })
        }
    }
}
