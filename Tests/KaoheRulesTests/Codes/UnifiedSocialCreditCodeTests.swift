import KaoheRules
import Testing

@Suite("统一社会信用代码 GB 32100-2015")
struct UnifiedSocialCreditCodeTests {
    @Test("the three codes of SPEC.md validate", arguments: ["91350100M000100Y43", "911100001000084588", "91310000775785552L"])
    func specExamplesValidate(code: String) throws {
        let parsed = try UnifiedSocialCreditCode(code)
        #expect(parsed.rawValue == code)
        #expect(!parsed.isPublicInstitution)
    }

    @Test("weights are 3^(i-1) mod 31")
    func weights() {
        var expected: [Int] = []
        var power = 1
        for _ in 0..<17 {
            expected.append(power)
            power = power * 3 % 31
        }
        #expect(UnifiedSocialCreditCode.weights == expected)
        #expect(UnifiedSocialCreditCode.charset.count == 31)
    }

    @Test("a corrupted code names position 18 and the expected check symbol")
    func corruptedChecksum() {
        // Position 5 changed from 0 to 1: the checksum no longer matches.
        #expect {
            try UnifiedSocialCreditCode("91351100M000100Y43")
        } throws: { error in
            guard let error = error as? UnifiedSocialCreditCodeError else { return false }
            return error.position == 18 && error.rule.identifier == "uscc-checksum"
                && error.description.contains("第18位")
        }
        // The check symbol itself wrong.
        #expect(
            throws: UnifiedSocialCreditCodeError(
                code: "91350100M000100Y44",
                rule: .checkSymbolMismatch(expected: "3", found: "4"),
                position: 18
            )
        ) {
            try UnifiedSocialCreditCode("91350100M000100Y44")
        }
    }

    @Test("an invalid character names its position")
    func invalidCharacter() {
        // 'I' is not in the charset, at position 9.
        #expect(throws: UnifiedSocialCreditCodeError(code: "91350100I000100Y43", rule: .invalidCharacter("I"), position: 9)) {
            try UnifiedSocialCreditCode("91350100I000100Y43")
        }
        #expect(throws: UnifiedSocialCreditCodeError(code: "9135010", rule: .wrongLength(7), position: nil)) {
            try UnifiedSocialCreditCode("9135010")
        }
        // A full-width ３ at position 3: eighteen characters, so not a length error; the character is named.
        let fullWidth = "91３50100M000100Y43"
        #expect(throws: UnifiedSocialCreditCodeError(code: fullWidth, rule: .invalidCharacter("３"), position: 3)) {
            try UnifiedSocialCreditCode(fullWidth)
        }
        do {
            _ = try UnifiedSocialCreditCode(fullWidth)
        } catch {
            #expect(error.description.contains("第3位字符“３”是全角字符,请改用半角"))
            #expect(!error.description.contains("实为18位"))
        }
    }

    @Test("lower case is read as upper case; public institutions start with 12")
    func normalisation() throws {
        #expect(try UnifiedSocialCreditCode("91310000775785552l").rawValue == "91310000775785552L")
        let code = try UnifiedSocialCreditCode(testCode(7).rawValue)
        #expect(code.isPublicInstitution)
        #expect(code.registrationAuthority == "1")
        #expect(code.administrativeDivision == "330000")
    }

    @Test("the check symbol helper agrees with validation for every position change")
    func everySingleSubstitutionIsCaught() throws {
        let valid = Array("911100001000084588")
        for position in 0..<17 {
            for replacement in UnifiedSocialCreditCode.charset where replacement != valid[position] {
                var changed = valid
                changed[position] = replacement
                // A single substitution always changes Σ value×weight mod 31 (31 is prime, weights ≠ 0).
                #expect(throws: UnifiedSocialCreditCodeError.self) { try UnifiedSocialCreditCode(String(changed)) }
            }
        }
    }
}
