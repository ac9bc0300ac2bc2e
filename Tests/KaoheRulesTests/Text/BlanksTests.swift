import Foundation
import KaoheRules
import Testing

/// The two trimmings of `String+Blanks.swift` answer exactly what Foundation's do.
@Suite("Blanks")
struct BlanksTests {
    static let samples = [
        "", " ", "\t\u{3000} ", "a", " a ", "\u{3000}全角\u{3000}", "\u{A0}x\u{202F}", "a b", "\na\n", " \r\n",
        "\u{2003}em\u{2009}", "x\t", "\u{200B}zero-width\u{200B}", "优秀 ", "\u{85}next\u{2028}", "\u{0B}\u{0C}vt-ff",
    ]

    @Test("trimmingBlanks trims what .whitespaces trims — spaces, tabs, 全角, no-break and zero-width spaces — and nothing else")
    func blanksMatchFoundation() {
        for sample in Self.samples {
            #expect(
                sample.trimmingBlanks() == sample.trimmingCharacters(in: .whitespaces),
                "\(sample.unicodeScalars.map { String($0.value, radix: 16) })"
            )
        }
        // Every scalar of the Basic Multilingual Plane is a blank exactly when Foundation says so.
        let differing = (0...0xFFFF).compactMap(Unicode.Scalar.init).filter { $0.isBlank != CharacterSet.whitespaces.contains($0) }
        #expect(differing.isEmpty, "\(differing.map { String($0.value, radix: 16) })")
        #expect(" GH001 ".trimmingBlanks() == "GH001")
        #expect("\u{3000}".trimmingBlanks() == "")
    }

    @Test("trimmingBlanksAndNewlines trims what .whitespacesAndNewlines trims, line breaks included")
    func blanksAndNewlinesMatchFoundation() {
        for sample in Self.samples {
            #expect(
                sample.trimmingBlanksAndNewlines() == sample.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(sample.unicodeScalars.map { String($0.value, radix: 16) })"
            )
        }
        let differing = (0...0xFFFF).compactMap(Unicode.Scalar.init)
            .filter { ($0.isBlank || $0.isLineBreak) != CharacterSet.whitespacesAndNewlines.contains($0) }
        #expect(differing.isEmpty, "\(differing.map { String($0.value, radix: 16) })")
        #expect("\r\n 自评报告\n".trimmingBlanksAndNewlines() == "自评报告")
    }
}
