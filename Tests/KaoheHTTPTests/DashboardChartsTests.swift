import Foundation
import KaoheHTTP
import KaoheRules
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The server-drawn SVG charts: well-formed XML, accessible title and description, escaped text,
/// segment lengths proportional to the figures, no script.
@Suite("Dashboard charts (SVG)")
struct DashboardChartsTests {
    /// Parses `svg` as XML (throws when it is not well-formed).
    static func parse(_ svg: String) throws -> XMLDocument {
        try XMLDocument(xmlString: svg, options: [])
    }

    /// The attributes of every `<rect …>` that carries `marker`, in document order (read from the
    /// text: FoundationXML on Linux does not answer attribute lookups in the SVG namespace reliably).
    static func rects(_ svg: String, carrying marker: String) -> [[String: String]] {
        var result: [[String: String]] = []
        var rest = svg[...]
        while let start = rest.range(of: "<rect ") {
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: ">") else { break }
            let tag = String(tail[..<end])
            rest = tail[end...]
            guard tag.contains(marker + "=") else { continue }
            var attributes: [String: String] = [:]
            var scan = tag[...]
            while let eq = scan.range(of: "=\"") {
                let name = scan[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let valueStart = scan[eq.upperBound...]
                guard let close = valueStart.firstIndex(of: "\"") else { break }
                attributes[name] = String(valueStart[..<close])
                scan = valueStart[valueStart.index(after: close)...]
            }
            result.append(attributes)
        }
        return result
    }

    @Test("grade distribution: a stacked bar per committee, segments proportional and adding up to the bar")
    func gradeDistribution() throws {
        let chart = GradeDistributionChart(
            title: "各专考委等次分布",
            rows: [
                .init(label: "教育专考委", counts: [.excellent: 3, .good: 5, .qualified: 1, .poor: 1]),
                .init(label: "卫生专考委", counts: [.excellent: 1, .good: 4]),
            ],
            barWidth: 400
        )
        let svg = chart.svg()
        let document = try Self.parse(svg)
        let root = try #require(document.rootElement())
        #expect(root.name == "svg")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-grades\" role=\"img\""))
        #expect(svg.contains("<title id=\"chart-grades-title\">各专考委等次分布</title>"))
        #expect(svg.contains("教育专考委:共 10 个单位,优秀 3 个、良好 5 个、合格 1 个、较差 1 个"))
        #expect(!svg.lowercased().contains("<script"))
        #expect(!svg.lowercased().contains("onload"))

        let rects = Self.rects(svg, carrying: "data-grade")
        #expect(rects.count == 6)
        let first = rects.prefix(4).map { Int($0["width"] ?? "") ?? -1 }
        // Largest committee (10 units) gets the full 400 px: 3/10, 5/10, 1/10, 1/10.
        #expect(first == [120, 200, 40, 40])
        #expect(first.reduce(0, +) == 400)
        let second = rects.suffix(2).map { Int($0["width"] ?? "") ?? -1 }
        // 5 units → 200 px: 1/5 and 4/5.
        #expect(second == [40, 160])
        // Segments are contiguous.
        let xs = rects.prefix(4).map { Int($0["x"] ?? "") ?? -1 }
        for index in 1..<4 { #expect(xs[index] == xs[index - 1] + first[index - 1]) }
        // Each segment names its figure.
        #expect(svg.contains("<title>教育专考委 优秀 3 个</title>"))
    }

    @Test("segments of awkward counts still add up to the bar exactly")
    func roundingAddsUp() {
        let row = GradeDistributionChart.Row(label: "x", counts: [.excellent: 1, .good: 1, .qualified: 1])
        let lengths = [100, 101, 7, 1]
        for length in lengths {
            let widths = GradeDistributionChart.segments(of: row, length: length).map(\.width)
            #expect(widths.reduce(0, +) == length)
        }
    }

    @Test("text is escaped: a committee name cannot inject markup")
    func escaping() throws {
        let hostile = "<script>alert(1)</script> & \"引号\" '单'"
        let chart = GradeDistributionChart(title: "t <b>", rows: [.init(label: hostile, counts: [.good: 2])])
        let svg = chart.svg()
        _ = try Self.parse(svg)
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot; &#39;单&#39;"))
        #expect(svg.contains("t &lt;b&gt;"))

        let rates = PercentBarChart(
            title: "\u{1}改判率",
            series: ["a&b"],
            categories: [.init(label: "</svg>", percents: [30], details: ["3/10"])]
        )
        let rateSVG = rates.svg()
        _ = try Self.parse(rateSVG)
        #expect(rateSVG.contains("&lt;/svg&gt;"))
        #expect(rateSVG.contains("a&amp;b"))
    }

    @Test("an empty chart is still a valid, described image")
    func empty() throws {
        let svg = GradeDistributionChart(title: "等次分布", rows: []).svg()
        _ = try Self.parse(svg)
        #expect(svg.contains("暂无已评定等次的单位"))
        let rates = PercentBarChart(title: "改判率", series: ["改判率"], categories: []).svg()
        _ = try Self.parse(rates)
        #expect(rates.contains("暂无数据"))
    }

    @Test("percent bars: lengths on a common 0–100 % axis, figures written out, Chinese labels")
    func percentBars() throws {
        let chart = PercentBarChart(
            title: "各专考委核验偏差率与改判率",
            series: ["偏差率", "改判率"],
            categories: [
                .init(label: "教育专业考核委员会", percents: [50, 25], details: ["2/4", "1/4"]),
                .init(label: "卫生专考委", percents: [0, 100]),
                .init(label: "超界", percents: [140, -3]),
            ],
            axisWidth: 200
        )
        let svg = chart.svg()
        _ = try Self.parse(svg)
        let bars = Self.rects(svg, carrying: "data-percent")
        #expect(bars.map { $0["width"] } == ["100", "50", "0", "200", "200", "0"])
        #expect(bars.map { $0["data-percent"] } == ["50", "25", "0", "100", "100", "0"])
        #expect(svg.contains("教育专业考核委员会 偏差率 50%(2/4)"))
        #expect(svg.contains("<desc id=\"chart-rates-desc\">教育专业考核委员会:偏差率 50%(2/4)、改判率 25%(1/4)"))
        // Fills differ in lightness, for greyscale printing.
        let fills = Set(bars.compactMap { $0["fill"] })
        #expect(fills.count == 2)
    }
}
