import KaoheRules
import KaoheStore

/// 公示名单: the printable list of the cycle's unit grades (unit, code, committee, grade), with the
/// publicity window and where objections go. The page has a print stylesheet (`kaohe.css`
/// `@media print`): only the heading, the window and the list are printed, with repeated table
/// headers and no rows split across pages.
struct PublicityListView: Sendable, TabularView {
    var scopeNote: String?
    /// The printed heading: county and cycle title, `XX县2026年度事业单位绩效考核结果公示`.
    var heading: String
    /// The window in words, nil before publicity opens.
    var window: String?
    /// A warning when the grades are not yet confirmed (the list is then a draft).
    var draftNote: String?
    var list: DataTable
    /// The notice under the list.
    var notice: String

    /// The tables of the page by id, for the CSV route.
    var tables: [DataTable] { [list] }

    static func build(
        result: GradingResult?,
        publicity: PublicityRecord?,
        countyName: String,
        cycle: CycleID,
        cycleTitle: String,
        visibility: UnitVisibility,
        base: String
    ) -> PublicityListView {
        let shown = (result?.units ?? []).filter { visibility.sees($0.code, committee: $0.committee) }
            .sorted { ($0.committee, $0.grade.rank, $0.code) < ($1.committee, $1.grade.rank, $1.code) }
        let rows = shown.enumerated().map { index, unit in
            DataRow([
                .number(index + 1), DataCell(visibility.name(unit.code)), .code(unit.code),
                DataCell(visibility.committeeName(unit.committee)), DataCell(unit.grade.chinese),
            ])
        }
        let list = DataTable(
            id: "publicity",
            title: "公示名单",
            fileName: "公示名单-\(cycle)",
            header: ["序号", "单位名称", "统一社会信用代码", "专业考核委员会", "考核等次"],
            rows: rows,
            downloadBase: base + "/results/publicity",
            emptyText: "尚无可公示的考核结果。",
            printTitle: "\(countyName)\(cycleTitle)结果公示"
        )
        var window: String?
        if let publicity {
            window =
                "公示期:\(publicity.opensOn) 至 \(publicity.closesOn)(\(publicity.workingDays) 个工作日,截至当日 23:59:59)"
                + (publicity.finalised ? ",已期满定档。" : publicity.open ? ",公示中。" : "。")
        }
        let draftNote: String? =
            switch result?.state {
            case nil: "尚未生成等次建议。"
            case .proposed?: "以下等次尚未经县事考办确认,仅为建议,不得公示。"
            default: nil
            }
        return PublicityListView(
            scopeNote: visibility.scopeNote,
            heading: list.printTitle ?? "",
            window: window,
            draftNote: draftNote,
            list: list,
            notice: "公示期间,对考核结果有异议的,可向负责考核的专业考核委员会或县事业单位考核委员会办公室反映。"
        )
    }
}
