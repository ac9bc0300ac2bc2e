import Foundation
import KaoheRules
import KaoheStore

/// 随机抽查 page: the current draw record (population hash, seed and its source, algorithm, rate,
/// strata), every draw of the cycle with redraw reasons, the selection with tickets and the
/// reviewers drawn (双随机), each sampled unit's deviation and whether the re-check overrode, and
/// how an observer recomputes the draw. Units outside the account's scope are left out.
struct SpotCheckView: Sendable, FormPageView {
    var scopeNote: String?
    /// What the page says after the office's freeze or draw.
    var notice: FormNotice?
    /// The office's ceremony forms (nil for every other role).
    var ceremony: Ceremony?
    /// The frozen population of the current draw (county-wide roles).
    var population: DataTable?
    /// Whether a draw has been made.
    var drawn: Bool
    /// Facts of the current draw as label/value pairs.
    var facts: [Fact]
    var draws: DataTable?
    var strata: DataTable?
    var selection: DataTable
    var deviations: DataTable
    /// The policy in words.
    var overrideRule: String
    /// Where the draw record downloads (office and auditor), nil for other roles.
    var exportHref: String?
    /// The export's file name, for the instructions.
    var exportName: String

    static let doneMessages = [
        "freeze": "已冻结抽查总体并公布其哈希。请现场产生种子数字(掷骰或摇号)后抽取。",
        "draw": "已完成抽取,抽中单位及选派的核验人员列于下方。",
    ]

    /// 抽查仪式 for the office: first freeze (the population and its hash published before any
    /// seed exists), then enter the seed digits and draw; a redraw needs a reason at each step.
    struct Ceremony: Sendable {
        var freezeAction: String
        var drawAction: String
        var csrf: String
        var freezeOnce: String
        var drawOnce: String
        /// Frozen and waiting for its seed: the draw form is the next step.
        var awaitingDraw: Bool
        /// A draw exists already: freezing again starts a redraw (reason required).
        var redraw: Bool
        /// The hash to read out, when frozen and not drawn.
        var populationHash: String?
        var populationSize: Int
        var minimumDigits: Int
    }

    /// A hash in groups of eight, to read out and compare by eye.
    static func readAloud(_ hash: String) -> String {
        let characters = Array(hash)
        return stride(from: 0, to: characters.count, by: 8).map { String(characters[$0..<min($0 + 8, characters.count)]) }.joined(
            separator: " "
        )
    }

    struct Fact: Sendable {
        var label: String
        var value: String
        var code: Bool
    }

    /// The tables of the page by id, for the CSV route.
    var tables: [DataTable] { [selection, deviations] + [draws, strata, population].compactMap { $0 } }

    static func build(
        draws records: [SpotCheckRecord],
        deviations report: DeviationReport?,
        visibility: UnitVisibility,
        reviewerNames: [String: String],
        base: String,
        cycle ref: CycleRef
    ) -> SpotCheckView {
        let (county, cycle) = (ref.county, ref.cycle)
        let downloadBase = base + "/spot-check"
        let current = records.last { $0.supersededAt == nil }
        var facts: [Fact] = []
        if let current {
            facts.append(
                Fact(label: "抽查次序", value: "第 \(current.drawNo) 次" + (current.redrawReason.map { "(重新抽查,理由:\($0))" } ?? ""), code: false)
            )
            facts.append(Fact(label: "总体冻结", value: "\(ChineseTime.dateTime(current.frozenAt)),\(current.frozenBy)", code: false))
            facts.append(Fact(label: "总体单位数", value: String(current.population.count), code: false))
            facts.append(Fact(label: "总体哈希(SHA-256)", value: current.populationHash, code: true))
            if let selection = current.selection {
                facts.append(Fact(label: "随机种子", value: selection.seed, code: true))
                facts.append(Fact(label: "种子来源", value: current.seedSource == "dice" ? "公开摇号(骰子数字)" : "系统密码学随机数", code: false))
                facts.append(Fact(label: "算法", value: "\(selection.algorithm) \(selection.algorithmVersion)", code: true))
                facts.append(Fact(label: "抽查比例", value: selection.percent.description, code: false))
                facts.append(Fact(label: "分层", value: selection.stratification == .committee ? "按专业考核委员会分层" : "全县为一层", code: false))
                if let at = current.drawnAt {
                    facts.append(Fact(label: "抽取", value: "\(ChineseTime.dateTime(at)),\(current.drawnBy ?? "")", code: false))
                }
                if let perUnit = current.reviewersPerUnit {
                    facts.append(Fact(label: "每单位核验人员", value: "\(perUnit) 名(回避本专考委及本主管部门)", code: false))
                }
            } else {
                facts.append(Fact(label: "状态", value: "总体已冻结,尚未抽取(种子尚不存在)", code: false))
            }
        }

        // Every draw and the strata: county-wide roles only (they describe the whole county).
        var drawsTable: DataTable?
        var strataTable: DataTable?
        var populationTable: DataTable?
        if visibility.countyWide {
            populationTable = DataTable(
                id: "population",
                title: "冻结的抽查总体" + (current.map { "(第 \($0.drawNo) 次,\($0.population.count) 个单位)" } ?? ""),
                fileName: "抽查总体-\(cycle)",
                header: ["序号", "统一社会信用代码", "单位名称", "专业考核委员会"],
                rows: (current?.population ?? []).sorted { $0.code.rawValue < $1.code.rawValue }.enumerated().map { index, unit in
                    DataRow([
                        .number(index + 1), .code(unit.code),
                        DataCell(visibility.name(unit.code), href: base + "/units/" + unit.code.rawValue),
                        DataCell(visibility.committeeName(unit.committee)),
                    ])
                },
                downloadBase: downloadBase,
                emptyText: "尚未冻结总体。"
            )
            drawsTable = DataTable(
                id: "draws",
                title: "历次抽查",
                fileName: "历次抽查-\(cycle)",
                header: ["次序", "冻结时间", "总体单位数", "总体哈希", "种子", "抽取时间", "重新抽查理由", "状态"],
                rows: records.map { record in
                    DataRow([
                        .number(record.drawNo), .time(record.frozenAt), .number(record.population.count),
                        .code(record.populationHash), .code(record.selection?.seed ?? ""),
                        record.drawnAt.map(DataCell.time) ?? DataCell("未抽取"), DataCell(record.redrawReason ?? ""),
                        DataCell(record.supersededAt == nil ? "现行" : "已被重新抽查取代"),
                    ])
                },
                downloadBase: downloadBase,
                emptyText: "尚未冻结总体。"
            )
            strataTable = DataTable(
                id: "strata",
                title: "各层样本量",
                fileName: "各层样本量-\(cycle)",
                header: ["层", "单位数", "样本量(向上取整)", "抽中"],
                rows: (current?.selection?.strata ?? []).map { stratum in
                    DataRow([
                        DataCell(stratum.name == "county" ? "全县" : visibility.committeeName(stratum.name)),
                        .number(stratum.size), .number(stratum.sampleSize), .number(stratum.selected.count),
                    ])
                },
                downloadBase: downloadBase,
                emptyText: "尚未抽取。"
            )
        }

        let assignments = Dictionary(
            (current?.reviewerAssignments ?? []).map { ($0.unitCode, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var selectionRows: [DataRow] = []
        for stratum in current?.selection?.strata ?? [] {
            for (index, unit) in stratum.selected.enumerated() where visibility.sees(unit.code, committee: unit.committee) {
                let assigned = assignments[unit.code]
                let reviewers =
                    (assigned?.reviewers ?? []).map { "\(reviewerNames[$0.id] ?? $0.id)(\($0.id),\($0.ticket))" }
                    + ((assigned?.shortfall ?? 0) > 0 ? ["缺派 \(assigned!.shortfall) 名"] : [])
                selectionRows.append(
                    DataRow([
                        DataCell(stratum.name == "county" ? "全县" : visibility.committeeName(stratum.name)), .number(index + 1),
                        DataCell(visibility.name(unit.code), href: base + "/units/" + unit.code.rawValue), .code(unit.code),
                        .code(unit.ticket.value),
                        DataCell(reviewers.joined(separator: "、")),
                    ])
                )
            }
        }
        let selection = DataTable(
            id: "selection",
            title: "抽中单位及核验人员",
            fileName: "抽查名单-\(cycle)",
            header: ["层", "层内次序", "单位名称", "统一社会信用代码", "抽样号", "核验人员(编号,抽样号)"],
            rows: selectionRows,
            downloadBase: downloadBase,
            emptyText: current?.selection == nil ? "尚未抽取。" : "您可查看的单位均未被抽中。"
        )

        let deviationRows = (report?.units ?? []).filter { visibility.sees($0.unit, committee: $0.committee) }.map { c in
            DataRow(
                [
                    DataCell(visibility.name(c.unit), href: base + "/units/" + c.unit.rawValue), .code(c.unit),
                    DataCell(visibility.committeeName(c.committee)),
                    .number(c.committeeTotal), .number(c.recheckTotal), .number(c.difference), .number(c.committeePoor),
                    .number(c.recheckPoor),
                    DataCell(c.overridden ? "按核验结果计分" : "维持专考委评分"), DataCell(c.reasons.joined(separator: ";")),
                ],
                rowClass: c.overridden ? "overridden" : nil
            )
        }
        let deviations = DataTable(
            id: "deviations",
            title: "核验偏差与改判",
            fileName: "核验偏差-\(cycle)",
            header: ["单位名称", "统一社会信用代码", "专业考核委员会", "专考委得分", "核验得分", "差距", "专考委“差”项", "核验“差”项", "结论", "理由"],
            rows: deviationRows,
            downloadBase: downloadBase,
            emptyText: "尚无核验评分。"
        )
        let rule =
            report.map {
                "差距达到 \($0.threshold) 分" + ($0.onPoorCountDifference ? ",或定性“差”项数不同" : "") + "时,按核验结果计分(两份评分均保留)。"
            } ?? "差距较大时按核验结果计分。"

        return SpotCheckView(
            scopeNote: visibility.scopeNote,
            population: populationTable,
            drawn: current?.selection != nil,
            facts: facts,
            draws: drawsTable,
            strata: strataTable,
            selection: selection,
            deviations: deviations,
            overrideRule: rule,
            exportHref: visibility.countyWide && current != nil ? base + "/spot-check/record.json" : nil,
            exportName: "spot-check-\(county)-\(cycle)-\(current?.drawNo ?? 1).json"
        )
    }
}
