import KaoheRules

/// Text inside server-drawn SVG: XML escaping and a width estimate for laying out labels.
///
/// The charts are drawn without a font engine, so label widths are estimated: a CJK character
/// (and any other wide character) counts as one em, anything else as 0.6 em. That is enough to
/// leave room for committee names such as `教育专业考核委员会` beside the bars.
enum SVGText {
    /// Escapes text for an SVG element or a double-quoted attribute (`XMLText`).
    static func escape(_ text: some StringProtocol) -> String { XMLText.escape(text) }

    /// Estimated width in pixels of `text` set at `fontSize` pixels.
    static func width(_ text: String, fontSize: Int) -> Int {
        var tenths = 0
        for scalar in text.unicodeScalars {
            tenths += scalar.value >= 0x2E80 ? 10 : 6
        }
        return (tenths * fontSize + 9) / 10
    }

    /// The font stack every chart uses (Chinese first for the office's Windows desktops).
    static let fontFamily = "&quot;Microsoft YaHei&quot;, &quot;Noto Sans CJK SC&quot;, &quot;PingFang SC&quot;, sans-serif"
}
