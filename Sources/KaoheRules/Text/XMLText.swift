/// Text inside XML — an .xlsx part, a server-drawn SVG chart: the five characters XML gives
/// meaning to escaped (`&` `<` `>` `"` `'`), so the text may stand in an element or a quoted
/// attribute; tab and line ends kept; every other character XML 1.0 cannot carry (the other
/// control characters, U+FFFE, U+FFFF) left out.
public enum XMLText {
    /// `text` escaped for an element or an attribute in quotes.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
