import Foundation
import KaoheRules
import Testing

@Suite("分值 and 比例: exact decimals, integer ratios")
struct ScoreTests {
    @Test("parses 12.5 and 12.50 to the same exact value")
    func parsing() throws {
        #expect(try Score(parsing: "12.5") == Score(hundredths: 1250))
        #expect(try Score(parsing: "12.50") == Score(hundredths: 1250))
        #expect(try Score(parsing: "12.500") == Score(hundredths: 1250))
        #expect(try Score(parsing: "-0.25").hundredths == -25)
        #expect(try Score(parsing: "7").description == "7.00")
        #expect(Score(hundredths: 905).description == "9.05")
        #expect(Score(hundredths: -905).description == "-9.05")
        #expect(Score(hundredths: 9050).compactDescription == "90.5")
    }

    @Test("rejects a third decimal and non-numbers", arguments: ["12.505", "1e2", "", "-", ".", "1.2.3", " 1", "abc"])
    func rejects(text: String) {
        #expect(throws: ScoreParseError.self) { try Score(parsing: text) }
    }

    @Test("a third decimal names the rule")
    func thirdDecimalRule() {
        #expect(throws: ScoreParseError(text: "12.505", rule: .tooManyDecimals)) { try Score(parsing: "12.505") }
    }

    @Test("sums exactly where binary floating point would not")
    func exactSum() {
        let tenth = Score(hundredths: 10)
        #expect(Array(repeating: tenth, count: 10).sum() == Score(points: 1))
        #expect(Score.distance(Score(points: 90), Score(hundredths: 8_500)) == Score(points: 5))
    }

    @Test("JSON numbers decode exactly; a third decimal is a decoding error")
    func json() throws {
        let decoded = try JSONDecoder().decode([Score].self, from: Data(#"[12.5, 12.50, "3.25", 0.1]"#.utf8))
        #expect(decoded == [Score(hundredths: 1250), Score(hundredths: 1250), Score(hundredths: 325), Score(hundredths: 10)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Score].self, from: Data("[12.505]".utf8)) }
        let encoded = String(decoding: try JSONEncoder().encode([Score(hundredths: 9250), Score(points: 90)]), as: UTF8.self)
        #expect(encoded == "[92.5,90]")
    }

    @Test("30 % of 47 is 14, 10 % of 47 is 5, 15 % of 20 is 3")
    func percentages() throws {
        #expect(atMost(percent: 30, of: 47) == 14)
        #expect(atLeast(percent: 10, of: 47) == 5)
        #expect(atMost(percent: 15, of: 20) == 3)
        #expect(try Percentage(10).atLeast(of: 11) == 2)
        #expect(try Percentage(10).atLeast(of: 10) == 1)
        #expect(try Percentage(30).atMost(of: 3) == 0)
        #expect(atLeast(percent: 10, of: 0) == 0)
        #expect(throws: PercentageError.self) { try Percentage(101) }
    }
}
