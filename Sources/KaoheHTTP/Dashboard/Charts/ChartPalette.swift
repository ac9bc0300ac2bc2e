/// Fixed fills for the charts, chosen so that each series keeps a distinct lightness when printed
/// in greyscale (the 公示 list and the results page are printed), from dark to light, each with a
/// dark outline so that even the lightest fill is bounded on paper.
enum ChartPalette {
    /// Fills from darkest to lightest (greyscale lightness ≈ 20 %, 45 %, 70 %, 92 %).
    static let fills = ["#1f3b63", "#4f74a8", "#a3b9d9", "#ececec"]
    /// The colour of text drawn on each fill (white on dark fills, black on light ones).
    static let inks = ["#ffffff", "#ffffff", "#000000", "#000000"]
    /// Outline of every bar.
    static let outline = "#333333"
    /// Axis and grid lines.
    static let grid = "#999999"

    /// The fill of series `index` (cycling if there are more series than fills).
    static func fill(_ index: Int) -> String { fills[index % fills.count] }
    /// The text colour on series `index`.
    static func ink(_ index: Int) -> String { inks[index % inks.count] }
}
