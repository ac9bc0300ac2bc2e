import Foundation
import KaoheRules
import KaoheStore

/// 考核结果 page: grade distribution per committee (SVG chart and table), the proposal with every
/// unit's grade and reasons, open tie conflicts, the office's decisions, the confirmation state and
/// the office's confirmation form. Everything is limited to the units the account sees.
struct ResultsView: Sendable, FormPageView {
    /// Each tie's decision form gets the refusal of its own tie (`cut`).
    mutating func place(_ notice: FormNotice) {
        self.notice = notice
        guard var desk else { return }
        for index in desk.decide.indices {
            desk.decide[index].refusal = notice.concerns("decisions", key: "cut", is: desk.decide[index].cut)
        }
        self.desk = desk
    }

    var scopeNote: String?
    /// What the page says after one of the office's forms.
    var notice: FormNotice?
    /// Whether a proposal exists.
    var hasGrading: Bool
    /// `等次建议(待确认)`, `已确认`, `已公示定档`.
    var stateLabel: String
    /// Who proposed/confirmed/finalised and when, one line each.
    var stamps: [String]
    /// The chart, inline SVG.
    var chart: String
    var distribution: DataTable
    var units: DataTable
    var ungraded: String?
    var conflicts: DataTable
    /// Shown to the office and the auditor only (they name units of every committee).
    var decisions: DataTable?
    /// The office's forms of steps 5 and 6 (nil for every other role).
    var desk: Desk?
    /// Link to the printable 公示 list.
    var publicityHref: String

    static let doneMessages = [
        "propose": "已生成等次建议。请核对下方各单位等次,决定并列冲突后确认。",
        "decisions": "已记录县事考办的决定,等次建议已按决定重新计算。",
        "confirm": "已确认考核等次。下一步:开始公示。",
        "publicity-open": "已开始公示。公示期内可登记异议,期满后定档。",
        "finalise": "公示结束,考核结果已定档。",
    ]

    /// The office's desk for 确定等次 and 公示: each form appears when its step can be taken.
    struct Desk: Sendable {
        var csrf: String
        /// 生成(或重新生成)等次建议: before confirmation.
        var propose: Action?
        /// 确认: a proposal without open ties.
        var confirm: Action?
        /// Why confirming must wait (open ties).
        var confirmBlocked: String?
        /// One decision form per open tie.
        var decide: [DecisionForm]
        /// 开始公示: confirmed, no window yet.
        var openPublicity: Action?
        /// 公示结束定档: a window exists and the results are not final.
        var finalise: Action?
        /// The window in words, once it exists.
        var publicityWindow: String?
    }

    /// One button form: where it posts and its once token.
    struct Action: Sendable {
        var action: String
        var once: String
        /// The button's words.
        var label: String
    }

    /// 县事考办决定 form for one tie: which of the tied units get the better grade, and the
    /// reference of the office's decision; posts to `…/results/decisions`.
    struct DecisionForm: Sendable {
        var action: String
        var once: String
        /// `excellent-cap` / `qualified-floor`.
        var cut: String
        var title: String
        var seats: Int
        var units: [Choice]
        var refusal: FormFields? = nil

        /// One tied unit, shown side by side with the others.
        struct Choice: Sendable {
            /// `favoured_<code>`.
            var field: String
            var name: String
            var code: String
            var committee: String
            var total: String
            var source: String
        }
    }

    /// The tables of the page by id, for the CSV route.
    var tables: [DataTable] { [distribution, units, conflicts] + (decisions.map { [$0] } ?? []) }

    /// 单位等次 is the page's long table (a row a unit).
    mutating func showPage(_ requested: Int?, path: String) { units.showPage(requested, path: path) }

    static func stateLabel(_ state: GradingState) -> String {
        switch state {
        case .proposed: "等次建议(待县事考办确认)"
        case .confirmed: "县事考办已确认"
        case .final: "公示期满,结果已定档"
        }
    }

    static func conflictKind(_ kind: String) -> String {
        switch kind {
        case CohortCut.excellentCap.rawValue: "优秀比例上限处并列"
        case CohortCut.qualifiedFloor.rawValue: "合格比例下限处并列"
        case "qualified-shortfall": "合格比例下限无法满足"
        case "excellent-ratio": "优秀比例超出上限"
        case "qualified-ratio": "合格比例低于下限"
        default: kind
        }
    }

    static func source(_ source: String) -> String { source == "recheck" ? "核验评分(改判)" : "专考委评分" }

    /// Builds the page. `base` is the cycle's page path (`/counties/{county}/cycles/{cycle}`).
    static func build(
        result: GradingResult?,
        stamp: GradingStamp?,
        publicity: PublicityRecord? = nil,
        visibility: UnitVisibility,
        base: String,
        cycle: CycleID,
        csrf: String?,
        isOffice: Bool
    ) -> ResultsView {
        let downloadBase = base + "/results"
        let shown = (result?.units ?? []).filter { visibility.sees($0.code, committee: $0.committee) }
            .sorted {
                ($0.committee, $0.grade.rank, -$0.total.hundredths, $0.code) < ($1.committee, $1.grade.rank, -$1.total.hundredths, $1.code)
            }

        // Distribution per committee, from the rows the account sees.
        var counts: [String: [UnitGrade: Int]] = [:]
        for unit in shown { counts[unit.committee, default: [:]][unit.grade, default: 0] += 1 }
        let committees = counts.keys.sorted()
        let chart = GradeDistributionChart(
            title: "各专业考核委员会单位等次分布(\(cycle))",
            rows: committees.map { .init(label: visibility.committeeName($0), counts: counts[$0] ?? [:]) }
        )
        let distributionRows = committees.map { id -> DataRow in
            let row = counts[id] ?? [:]
            let total = row.values.reduce(0, +)
            return DataRow([DataCell(visibility.committeeName(id))] + UnitGrade.allCases.map { .number(row[$0] ?? 0) } + [.number(total)])
        }
        let distribution = DataTable(
            id: "distribution",
            title: "等次分布",
            fileName: "等次分布-\(cycle)",
            header: ["专业考核委员会"] + UnitGrade.allCases.map(\.chinese) + ["合计"],
            rows: distributionRows,
            downloadBase: downloadBase,
            emptyText: "尚无等次建议。"
        )

        let unitRows = shown.map { unit in
            DataRow(
                [
                    .code(unit.code), DataCell(visibility.name(unit.code), href: base + "/units/" + unit.code.rawValue),
                    DataCell(visibility.committeeName(unit.committee)), DataCell(source(unit.source)), .number(unit.total),
                    DataCell(unit.band.chinese), DataCell(unit.grade.chinese),
                    DataCell(unit.reasons.map(\.message).joined(separator: ";")),
                ],
                rowClass: unit.source == "recheck" ? "overridden" : nil
            )
        }
        let units = DataTable(
            id: "units",
            title: "单位等次",
            fileName: "单位等次-\(cycle)",
            header: ["统一社会信用代码", "单位名称", "专业考核委员会", "计分依据", "综合得分", "分数段", "等次", "依据"],
            rows: unitRows,
            downloadBase: downloadBase,
            emptyText: "尚无等次建议。"
        )

        let ungradedCodes = (result?.ungraded ?? []).filter { visibility.sees($0) }
        let ungraded =
            ungradedCodes.isEmpty
            ? nil
            : "尚无专考委评分、未参与评定的单位:" + ungradedCodes.map { "\(visibility.name($0))(\($0))" }.joined(separator: "、")

        // A conflict is shown when it concerns a unit the account sees, naming only those units;
        // the explanation (which names every tied unit) only to the county-wide roles.
        let conflictRows = (result?.conflicts ?? []).compactMap { conflict -> DataRow? in
            let visible = conflict.units.filter { visibility.sees($0) }
            guard !visible.isEmpty else { return nil }
            let scope = conflict.scope == "county" ? "全县" : visibility.committeeName(conflict.scope)
            return DataRow(
                [
                    DataCell(conflictKind(conflict.kind)), DataCell(scope), .number(conflict.total),
                    DataCell(visible.map { "\(visibility.name($0))(\($0))" }.joined(separator: "、")),
                    .number(visibility.countyWide ? conflict.units.count : visible.count), .number(conflict.seats),
                    DataCell(visibility.countyWide ? conflict.message : "由县事考办决定。"),
                ],
                rowClass: "conflict"
            )
        }
        let conflicts = DataTable(
            id: "conflicts",
            title: "待决定的并列冲突",
            fileName: "并列冲突-\(cycle)",
            header: ["冲突", "范围", "并列得分", "并列单位", "并列数", "可得较好等次名额", "说明"],
            rows: conflictRows,
            downloadBase: downloadBase,
            emptyText: "没有待决定的并列冲突。"
        )

        var decisions: DataTable?
        if visibility.countyWide {
            let rows = (result?.decisions ?? []).map { decision in
                DataRow([
                    DataCell(conflictKind(decision.cut.rawValue)),
                    DataCell(decision.favoured.map { "\(visibility.name($0))(\($0))" }.joined(separator: "、")),
                    DataCell(decision.reference),
                ])
            }
            decisions = DataTable(
                id: "decisions",
                title: "县事考办决定",
                fileName: "县事考办决定-\(cycle)",
                header: ["冲突", "得较好等次的单位", "决定文号(会议纪要)"],
                rows: rows,
                downloadBase: downloadBase,
                emptyText: "尚无记录的决定。"
            )
        }

        var stamps: [String] = []
        if let stamp {
            stamps.append("建议:\(stamp.proposedBy),\(ChineseTime.dateTime(stamp.proposedAt))")
            if let by = stamp.confirmedBy, let at = stamp.confirmedAt { stamps.append("确认:\(by),\(ChineseTime.dateTime(at))") }
            if let at = stamp.finalisedAt { stamps.append("定档:\(stamp.finalisedBy ?? "公示期满自动定档"),\(ChineseTime.dateTime(at))") }
        }

        var desk: Desk?
        if isOffice, let csrf {
            let state = result?.state
            let openTies = state == .proposed ? (result?.conflicts ?? []) : []
            var decide: [DecisionForm] = []
            let graded = Dictionary((result?.units ?? []).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            for conflict in openTies {
                guard let cut = CohortCut(rawValue: conflict.kind) else { continue }
                let better = cut == .excellentCap ? "优秀" : "良好"
                decide.append(
                    DecisionForm(
                        action: base + "/results/decisions",
                        once: FormOnce.newToken(),
                        cut: cut.rawValue,
                        title:
                            "\(conflictKind(conflict.kind)):\(conflict.total) 分,\(conflict.units.count) 个单位争 \(conflict.seats) 个\(better)名额",
                        seats: conflict.seats,
                        units: conflict.units.map { code in
                            DecisionForm.Choice(
                                field: "favoured_" + code.rawValue,
                                name: visibility.name(code),
                                code: code.rawValue,
                                committee: graded[code].map { visibility.committeeName($0.committee) } ?? "",
                                total: graded[code].map { $0.total.description } ?? conflict.total.description,
                                source: graded[code].map { source($0.source) } ?? ""
                            )
                        }
                    )
                )
            }
            func action(_ name: String, _ label: String) -> Action {
                Action(action: base + "/results/" + name, once: FormOnce.newToken(), label: label)
            }
            desk = Desk(
                csrf: csrf,
                propose: state == nil || state == .proposed ? action("propose", state == nil ? "生成等次建议" : "重新生成等次建议") : nil,
                confirm: state == .proposed && openTies.isEmpty ? action("confirm", "确认等次建议") : nil,
                confirmBlocked: openTies.isEmpty ? nil : "尚有 \(openTies.count) 个并列冲突未决定,不能确认。请先在下方逐一记录县事考办的决定。",
                decide: decide,
                openPublicity: state == .confirmed && publicity == nil ? action("publicity-open", "开始公示") : nil,
                finalise: state == .confirmed && publicity != nil ? action("finalise", "公示结束,定档") : nil,
                publicityWindow: publicity.map {
                    "公示期:\($0.opensOn) 至 \($0.closesOn)(\($0.workingDays) 个工作日)" + ($0.finalised ? ",已定档。" : $0.open ? ",公示中。" : ",已期满。")
                }
            )
        }

        return ResultsView(
            scopeNote: visibility.scopeNote,
            hasGrading: result != nil,
            stateLabel: result.map { stateLabel($0.state) } ?? "尚未生成等次建议",
            stamps: stamps,
            chart: chart.svg(),
            distribution: distribution,
            units: units,
            ungraded: ungraded,
            conflicts: conflicts,
            decisions: decisions,
            desk: desk,
            publicityHref: base + "/results/publicity"
        )
    }
}
