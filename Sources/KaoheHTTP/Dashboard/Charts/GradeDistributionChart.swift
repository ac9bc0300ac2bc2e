public import KaoheRules

/// 等次分布图: a stacked horizontal bar per committee of how many of its units are 优秀, 良好, 合格
/// and 较差, drawn by the server as SVG (no JavaScript, prints in greyscale).
///
/// Each bar is as long as the committee's share of the largest committee, so committees of
/// different sizes compare at a glance; within a bar each grade's segment is proportional to its
/// count. Positions are computed in whole pixels from cumulative counts (`x = Σcount × width / n`),
/// so the segments of a bar add up exactly to its length. Every segment carries its own `<title>`
/// (e.g. `教育专考委 优秀 3 个`) for screen readers and hover, and the chart has a `<title>` and a
/// `<desc>` that states every figure in words.
public struct GradeDistributionChart: Sendable {
    /// One committee's bar.
    public struct Row: Sendable, Hashable {
        /// The committee's name as shown (Chinese).
        public var label: String
        /// Units per grade; missing grades count 0.
        public var counts: [UnitGrade: Int]

        /// A bar.
        public init(label: String, counts: [UnitGrade: Int]) {
            self.label = label
            self.counts = counts
        }

        /// All units of the bar.
        public var total: Int { UnitGrade.allCases.reduce(0) { $0 + max(0, counts[$1] ?? 0) } }
    }

    /// The chart's accessible title.
    public var title: String
    /// The bars, top to bottom.
    public var rows: [Row]
    /// Width of the longest bar in pixels.
    public var barWidth: Int

    /// Layout constants.
    static let fontSize = 13, barHeight = 22, rowGap = 10, margin = 8, legendHeight = 28, countWidth = 56

    /// A chart of `rows`.
    public init(title: String, rows: [Row], barWidth: Int = 480) {
        self.title = title
        self.rows = rows
        self.barWidth = max(40, barWidth)
    }

    /// The segments of one bar: grade, count, x offset and width in pixels, for a bar of `length`.
    public static func segments(of row: Row, length: Int) -> [(grade: UnitGrade, count: Int, x: Int, width: Int)] {
        let total = row.total
        guard total > 0 else { return [] }
        var cumulative = 0
        var result: [(grade: UnitGrade, count: Int, x: Int, width: Int)] = []
        for grade in UnitGrade.allCases {
            let count = max(0, row.counts[grade] ?? 0)
            let start = cumulative * length / total
            cumulative += count
            let end = cumulative * length / total
            if count > 0 { result.append((grade, count, start, end - start)) }
        }
        return result
    }

    /// The sentence of `<desc>`: every committee's figures in words.
    public var summary: String {
        if rows.isEmpty { return "暂无已评定等次的单位。" }
        return rows.map { row in
            let parts = UnitGrade.allCases.map { "\($0.chinese) \(max(0, row.counts[$0] ?? 0)) 个" }
            return "\(row.label):共 \(row.total) 个单位,\(parts.joined(separator: "、"))"
        }.joined(separator: ";") + "。"
    }

    /// The SVG document (an `<svg>` element ready to inline in HTML).
    public func svg() -> String {
        let labelWidth = min(260, (rows.map { SVGText.width($0.label, fontSize: Self.fontSize) }.max() ?? 0) + 12)
        let largest = rows.map(\.total).max() ?? 0
        let plotX = Self.margin + labelWidth
        let width = plotX + barWidth + Self.countWidth + Self.margin
        let height = Self.margin + Self.legendHeight + rows.count * (Self.barHeight + Self.rowGap) + Self.margin
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-grades" role="img" \
            width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            aria-labelledby="chart-grades-title chart-grades-desc" font-family="\(SVGText.fontFamily)" font-size="\(Self.fontSize)">
            <title id="chart-grades-title">\(SVGText.escape(title))</title>
            <desc id="chart-grades-desc">\(SVGText.escape(summary))</desc>

            """
        // Legend.
        var legendX = plotX
        for (index, grade) in UnitGrade.allCases.enumerated() {
            out += """
                <g class="legend"><rect x="\(legendX)" y="\(Self.margin)" width="14" height="14" fill="\(ChartPalette.fill(index))" \
                stroke="\(ChartPalette.outline)" stroke-width="1"/><text x="\(legendX + 19)" y="\(Self.margin + 12)">\(grade.chinese)</text></g>

                """
            legendX += 19 + SVGText.width(grade.chinese, fontSize: Self.fontSize) + 18
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = Self.margin + Self.legendHeight + rowIndex * (Self.barHeight + Self.rowGap)
            let length = largest == 0 ? 0 : row.total * barWidth / largest
            out += "<g class=\"bar\">"
            out +=
                "<text x=\"\(plotX - 6)\" y=\(quoted(y + Self.barHeight / 2 + 5)) text-anchor=\"end\">\(SVGText.escape(row.label))</text>"
            for segment in Self.segments(of: row, length: length) {
                let index = segment.grade.rank
                let tip = "\(row.label) \(segment.grade.chinese) \(segment.count) 个"
                out += "<rect x=\(quoted(plotX + segment.x)) y=\(quoted(y)) width=\(quoted(segment.width)) height=\"\(Self.barHeight)\" "
                out +=
                    "fill=\"\(ChartPalette.fill(index))\" stroke=\"\(ChartPalette.outline)\" stroke-width=\"1\" data-grade=\"\(segment.grade.rawValue)\" data-count=\"\(segment.count)\">"
                out += "<title>\(SVGText.escape(tip))</title></rect>"
                let digits = String(segment.count)
                if segment.width >= SVGText.width(digits, fontSize: Self.fontSize) + 6 {
                    out += "<text x=\(quoted(plotX + segment.x + segment.width / 2)) y=\(quoted(y + Self.barHeight / 2 + 5)) "
                    out += "text-anchor=\"middle\" fill=\"\(ChartPalette.ink(index))\" aria-hidden=\"true\">\(digits)</text>"
                }
            }
            out += "<text x=\(quoted(plotX + length + 6)) y=\(quoted(y + Self.barHeight / 2 + 5))>共 \(row.total)</text>"
            out += "</g>\n"
        }
        out += "</svg>"
        return out
    }

    private func quoted(_ value: Int) -> String { "\"\(value)\"" }
}
