extension String {
    /// The text without leading and trailing blanks (``Unicode/Scalar/isBlank``) — what
    /// `trimmingCharacters(in: .whitespaces)` returns, without its round trip through NSString,
    /// which costs more than the rest of reading a roster's cell, or a request's header. Untouched
    /// text is returned as is.
    func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        // Most text neither starts nor ends with a blank: answer from the first and last scalars.
        if let head = scalars.first, let tail = scalars.last, !head.isBlank, !tail.isBlank { return self }
        guard let first = scalars.firstIndex(where: { !$0.isBlank }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isBlank })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// A space or a tab, or one of the other scalars Foundation's `CharacterSet.whitespaces` holds:
    /// Unicode's space separators (category Zs — no-break space, ideographic space 全角空格, the
    /// typographic spaces) and the zero-width space — listed, not looked up, as this runs for every
    /// cell of a roster.
    var isBlank: Bool {
        if isASCII { return self == " " || self == "\t" }
        switch value {
        case 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}
