/// The two meanings of "blank" in kaohe, and the only trimming it does:
/// - `trimmingBlanks()`: spaces and tabs (what Foundation's `CharacterSet.whitespaces` holds) —
///   for one-line values: a CSV cell, a header, a code, a name, a document number;
/// - `trimmingBlanksAndNewlines()`: those and line breaks (`CharacterSet.whitespacesAndNewlines`)
///   — for free text: a report, an objection, a reason.
/// Both answer exactly what Foundation would (a test checks every BMP scalar) without its round trip
/// through NSString, which costs more than the rest of reading a roster's cell or a request's
/// header. Untouched text is returned as is.
extension String {
    /// The text without leading and trailing blanks (``Unicode/Scalar/isBlank``).
    public func trimmingBlanks() -> String { trimming(where: \.isBlank) }

    /// The text without leading and trailing blanks and line breaks.
    public func trimmingBlanksAndNewlines() -> String { trimming { $0.isBlank || $0.isLineBreak } }

    private func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        // Most text neither starts nor ends with a blank: answer from the first and last scalars.
        if let head = scalars.first, let tail = scalars.last, !isTrimmed(head), !isTrimmed(tail) { return self }
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// A space or a tab, or one of the other scalars Foundation's `CharacterSet.whitespaces` holds:
    /// Unicode's space separators (category Zs — no-break space, ideographic space 全角空格, the
    /// typographic spaces) and the zero-width space — listed, not looked up, as this runs for every
    /// cell of a roster.
    public var isBlank: Bool {
        if isASCII { return self == " " || self == "\t" }
        switch value {
        case 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// A line break as Foundation's `CharacterSet.newlines` holds them: LF, VT, FF, CR, NEL, LS, PS.
    public var isLineBreak: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
