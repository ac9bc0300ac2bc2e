/// 比率图: grouped horizontal bars of whole percentages per category (e.g. each committee's
/// deviation rate and override rate in the spot check), drawn by the server as SVG.
///
/// Every bar is drawn against the same 0–100 % axis (`width = percent × axis / 100`, whole
/// pixels), with the figure written beside it and in its `<title>`; the chart's `<desc>` states
/// every figure in words. Series are told apart by fill lightness, so the chart reads in greyscale.
public struct PercentBarChart: Sendable {
    /// One category (a committee) and its figure per series.
    public struct Category: Sendable, Hashable {
        /// The category's name as shown.
        public var label: String
        /// One whole percent (0…100) per series, in the order of `series`.
        public var percents: [Int]
        /// Optional detail per series shown after the percentage (`3/10`).
        public var details: [String]

        /// A category.
        public init(label: String, percents: [Int], details: [String] = []) {
            self.label = label
            self.percents = percents
            self.details = details
        }
    }

    /// The chart's accessible title.
    public var title: String
    /// The series' names (legend), e.g. `["偏差率", "改判率"]`.
    public var series: [String]
    /// The categories, top to bottom.
    public var categories: [Category]
    /// Length of the 100 % axis in pixels.
    public var axisWidth: Int
    /// An id prefix, unique within the page, for the title/desc references.
    public var id: String

    static let fontSize = 13, barHeight = 16, groupGap = 12, margin = 8, legendHeight = 28, figureWidth = 90

    /// A chart.
    public init(title: String, series: [String], categories: [Category], axisWidth: Int = 400, id: String = "chart-rates") {
        self.title = title
        self.series = series
        self.categories = categories
        self.axisWidth = max(40, axisWidth)
        self.id = id
    }

    /// The bar length of `percent` (clamped to 0…100).
    static func length(percent: Int, axis: Int) -> Int { min(100, max(0, percent)) * axis / 100 }

    /// The sentence of `<desc>`.
    public var summary: String {
        if categories.isEmpty { return "暂无数据。" }
        return categories.map { category in
            let parts = series.enumerated().map { index, name in
                let detail = index < category.details.count && !category.details[index].isEmpty ? "(\(category.details[index]))" : ""
                return "\(name) \(index < category.percents.count ? category.percents[index] : 0)%\(detail)"
            }
            return "\(category.label):\(parts.joined(separator: "、"))"
        }.joined(separator: ";") + "。"
    }

    /// The SVG document.
    public func svg() -> String {
        let labelWidth = min(260, (categories.map { SVGText.width($0.label, fontSize: Self.fontSize) }.max() ?? 0) + 12)
        let plotX = Self.margin + labelWidth
        let groupHeight = max(1, series.count) * Self.barHeight + Self.groupGap
        let plotTop = Self.margin + Self.legendHeight
        let plotHeight = categories.count * groupHeight
        let width = plotX + axisWidth + Self.figureWidth + Self.margin
        let height = plotTop + plotHeight + 20 + Self.margin
        let safeID = SVGText.escape(id)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rates" role="img" \
            width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            aria-labelledby="\(safeID)-title \(safeID)-desc" font-family="\(SVGText.fontFamily)" font-size="\(Self.fontSize)">
            <title id="\(safeID)-title">\(SVGText.escape(title))</title>
            <desc id="\(safeID)-desc">\(SVGText.escape(summary))</desc>

            """
        var legendX = plotX
        for (index, name) in series.enumerated() {
            out +=
                "<g class=\"legend\"><rect x=\"\(legendX)\" y=\"\(Self.margin)\" width=\"14\" height=\"14\" fill=\"\(ChartPalette.fill(index))\" "
            out +=
                "stroke=\"\(ChartPalette.outline)\" stroke-width=\"1\"/><text x=\"\(legendX + 19)\" y=\"\(Self.margin + 12)\">\(SVGText.escape(name))</text></g>\n"
            legendX += 19 + SVGText.width(name, fontSize: Self.fontSize) + 18
        }
        // Axis: 0, 50, 100 %.
        for tick in [0, 50, 100] {
            let x = plotX + Self.length(percent: tick, axis: axisWidth)
            out +=
                "<line x1=\"\(x)\" y1=\"\(plotTop - 4)\" x2=\"\(x)\" y2=\"\(plotTop + plotHeight)\" stroke=\"\(ChartPalette.grid)\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>"
            out += "<text x=\"\(x)\" y=\"\(plotTop + plotHeight + 15)\" text-anchor=\"middle\">\(tick)%</text>\n"
        }
        for (categoryIndex, category) in categories.enumerated() {
            let top = plotTop + categoryIndex * groupHeight
            out += "<g class=\"group\">"
            out +=
                "<text x=\"\(plotX - 6)\" y=\"\(top + series.count * Self.barHeight / 2 + 5)\" text-anchor=\"end\">\(SVGText.escape(category.label))</text>"
            for (index, name) in series.enumerated() {
                let percent = index < category.percents.count ? min(100, max(0, category.percents[index])) : 0
                let detail = index < category.details.count ? category.details[index] : ""
                let y = top + index * Self.barHeight
                let length = Self.length(percent: percent, axis: axisWidth)
                let figure = detail.isEmpty ? "\(percent)%" : "\(percent)%(\(detail))"
                out +=
                    "<rect x=\"\(plotX)\" y=\"\(y)\" width=\"\(length)\" height=\"\(Self.barHeight - 2)\" fill=\"\(ChartPalette.fill(index))\" "
                out += "stroke=\"\(ChartPalette.outline)\" stroke-width=\"1\" data-percent=\"\(percent)\">"
                out += "<title>\(SVGText.escape("\(category.label) \(name) \(figure)"))</title></rect>"
                out += "<text x=\"\(plotX + length + 5)\" y=\"\(y + Self.barHeight - 4)\">\(SVGText.escape(figure))</text>"
            }
            out += "</g>\n"
        }
        out += "</svg>"
        return out
    }
}
