import Foundation
import KaoheRules
import KaoheStore

/// 考核结果 page: grade distribution per committee (SVG chart and table), the proposal with every
/// unit's grade and reasons, open tie conflicts, the office's decisions, the confirmation state and
/// the office's confirmation form. Everything is limited to the units the account sees.
struct ResultsView: Sendable, TabularView {
    var scopeNote: String?
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
    /// The office's confirmation form (nil for other roles, or when there is nothing to confirm).
    var confirm: ConfirmForm?
    /// One decision form per open tie conflict (office, while proposed).
    var decide: [DecisionForm]
    /// Link to the printable 公示 list.
    var publicityHref: String

    /// 确认等次 form: posts the session's CSRF token to the confirm route.
    struct ConfirmForm: Sendable {
        var action: String
        var csrf: String
        /// Whether the proposal can be confirmed now (no open conflicts).
        var enabled: Bool
        /// Why not, when disabled.
        var blocked: String?
    }

    /// 县事考办决定 form for one tie: which of the tied units get the better grade, and the
    /// reference of the office's decision; posts to `…/results/decisions`.
    struct DecisionForm: Sendable {
        var action: String
        var csrf: String
        /// `excellent-cap` / `qualified-floor`.
        var cut: String
        var title: String
        var seats: Int
        var units: [Choice]

        struct Choice: Sendable {
            /// `favoured_<code>`.
            var field: String
            var label: String
        }
    }

    /// The tables of the page by id, for the CSV route.
    var tables: [DataTable] { [distribution, units, conflicts] + (decisions.map { [$0] } ?? []) }

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

        var confirm: ConfirmForm?
        if isOffice, let result, result.state == .proposed, let csrf {
            let open = result.conflicts.count
            confirm = ConfirmForm(
                action: base + "/results/confirm",
                csrf: csrf,
                enabled: open == 0,
                blocked: open == 0
                    ? nil : "尚有 \(open) 个并列冲突未决定,不能确认。请先在下方记录县事考办的决定(或用命令行 kaohe grading decide、接口 PUT /api/v1/…/grading/decisions),再确认。"
            )
        }

        var decide: [DecisionForm] = []
        if isOffice, let result, result.state == .proposed, let csrf {
            for conflict in result.conflicts {
                guard let cut = CohortCut(rawValue: conflict.kind) else { continue }
                let better = cut == .excellentCap ? "优秀" : "良好"
                decide.append(
                    DecisionForm(
                        action: base + "/results/decisions",
                        csrf: csrf,
                        cut: cut.rawValue,
                        title:
                            "\(conflictKind(conflict.kind)):\(conflict.total) 分,\(conflict.units.count) 个单位争 \(conflict.seats) 个\(better)名额",
                        seats: conflict.seats,
                        units: conflict.units.map { .init(field: "favoured_" + $0.rawValue, label: "\(visibility.name($0))(\($0))") }
                    )
                )
            }
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
            confirm: confirm,
            decide: decide,
            publicityHref: base + "/results/publicity"
        )
    }
}
