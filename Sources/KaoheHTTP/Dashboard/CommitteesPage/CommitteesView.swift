import KaoheRules
import KaoheStore

/// 专考委对比 page: per committee, how many of its units the spot check drew, how many were
/// re-checked, how many deviated (the re-check's total or 差 count differs at all) and how many
/// were overridden (the re-check replaced the committee's assessment), as rates and as an SVG
/// chart. Percentages are whole and rounded down (`count × 100 / re-checked`), as every ratio.
struct CommitteesView: Sendable, TabularView {
    var scopeNote: String?
    var chart: String
    var hasRows: Bool
    var committees: DataTable
    var definitions: [String]

    /// The tables of the page by id, for the CSV route.
    var tables: [DataTable] { [committees] }

    /// One committee's figures.
    struct Figures: Sendable, Hashable {
        var committee: String
        var units = 0
        var sampled = 0
        var rechecked = 0
        var deviated = 0
        var overridden = 0
        var meanDifference = Score.zero
        var maxDifference = Score.zero

        var deviationPercent: Int { rechecked == 0 ? 0 : deviated * 100 / rechecked }
        var overridePercent: Int { rechecked == 0 ? 0 : overridden * 100 / rechecked }
    }

    /// Per committee figures from the draw and the deviation report, for the committees `visibility` lets the account see.
    static func figures(enrolled: [UnitCode], draw: SpotCheckRecord?, report: DeviationReport?, visibility: UnitVisibility) -> [Figures] {
        var byCommittee: [String: Figures] = [:]
        for committee in visibility.committeeNames.keys { byCommittee[committee] = Figures(committee: committee) }
        for code in enrolled {
            guard let committee = visibility.units[code]?.committee else { continue }
            byCommittee[committee, default: Figures(committee: committee)].units += 1
        }
        for unit in draw?.selection?.selected ?? [] {
            let committee = visibility.units[unit.code]?.committee ?? unit.committee
            byCommittee[committee, default: Figures(committee: committee)].sampled += 1
        }
        for comparison in report?.units ?? [] {
            var figures = byCommittee[comparison.committee, default: Figures(committee: comparison.committee)]
            figures.rechecked += 1
            if comparison.difference != .zero || comparison.committeePoor != comparison.recheckPoor { figures.deviated += 1 }
            if comparison.overridden { figures.overridden += 1 }
            byCommittee[comparison.committee] = figures
        }
        for deviation in report?.committees ?? [] {
            byCommittee[deviation.committee]?.meanDifference = deviation.meanDifference
            byCommittee[deviation.committee]?.maxDifference = deviation.maxDifference
        }
        return byCommittee.values.filter { visibility.sees(committee: $0.committee) && ($0.units > 0 || $0.rechecked > 0) }
            .sorted { $0.committee < $1.committee }
    }

    static func build(
        enrolled: [UnitCode],
        draw: SpotCheckRecord?,
        report: DeviationReport?,
        visibility: UnitVisibility,
        base: String,
        cycle: CycleID
    ) -> CommitteesView {
        let list = figures(enrolled: enrolled, draw: draw, report: report, visibility: visibility)
        let chart = PercentBarChart(
            title: "各专业考核委员会核验偏差率与改判率(\(cycle))",
            series: ["偏差率", "改判率"],
            categories: list.map { f in
                .init(
                    label: visibility.committeeName(f.committee),
                    percents: [f.deviationPercent, f.overridePercent],
                    details: ["\(f.deviated)/\(f.rechecked)", "\(f.overridden)/\(f.rechecked)"]
                )
            }
        )
        let rows = list.map { f in
            DataRow([
                DataCell(visibility.committeeName(f.committee)), .number(f.units), .number(f.sampled), .number(f.rechecked),
                .number(f.deviated), DataCell("\(f.deviationPercent)%", kind: "num"), .number(f.overridden),
                DataCell("\(f.overridePercent)%", kind: "num"), .number(f.meanDifference), .number(f.maxDifference),
            ])
        }
        let table = DataTable(
            id: "committees",
            title: "专考委对比",
            fileName: "专考委对比-\(cycle)",
            header: ["专业考核委员会", "参加考核单位", "抽中", "已核验", "有偏差", "偏差率", "改判", "改判率", "平均差距", "最大差距"],
            rows: rows,
            downloadBase: base + "/committees",
            emptyText: "您的账号没有可对比的专业考核委员会数据。"
        )
        let threshold = report.map { "差距达到 \($0.threshold) 分" + ($0.onPoorCountDifference ? "或定性“差”项数不同" : "") } ?? "差距较大"
        return CommitteesView(
            scopeNote: visibility.scopeNote,
            chart: chart.svg(),
            hasRows: !rows.isEmpty,
            committees: table,
            definitions: [
                "偏差率 = 核验得分或定性“差”项数与专考委评分不同的单位数 ÷ 已核验单位数(取整百分比,向下取整)。",
                "改判率 = \(threshold)、按核验结果计分的单位数 ÷ 已核验单位数。",
                "平均差距、最大差距为专考委综合得分与核验得分之差的绝对值。",
            ]
        )
    }
}
