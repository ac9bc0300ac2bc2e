import Foundation
import KaoheRules
import KaoheStore

/// 周期设置 (the office only): the steps with their times, the 延期 form and every grant made, and
/// the units enrolled in the cycle with the enrolment form.
struct SetupView: Sendable, FormPageView {
    var notice: FormNotice?
    var csrf: String
    var steps: DataTable
    var extensions: DataTable
    var extend: Extend
    var enrolment: Enrolment

    var tables: [DataTable] { [steps, extensions] }

    static let doneMessages = [
        "extend": "已延期,新的截止时间已生效并记入审计记录。",
        "enrol": "已更新参加考核的单位。",
        "created": "已设立考核周期。请在下方选择参加考核的单位;各环节的日程见“报送日程”。",
    ]

    /// 延长报送截止时间: a step, the whole step or one unit, the new times, the reason.
    struct Extend: Sendable {
        var action: String
        var once: String
        var steps: [SelectOption]
        var units: [SelectOption]
    }

    /// 参加考核的单位: all registered units, whole committees, or the units ticked.
    struct Enrolment: Sendable {
        var action: String
        var once: String
        var enrolledCount: Int
        var registeredCount: Int
        var committees: [Committee]

        struct Committee: Sendable {
            var field: String
            var name: String
            var units: [Unit]
        }

        struct Unit: Sendable {
            var field: String
            var label: String
            var enrolled: Bool
        }
    }

    static func stepState(_ state: StepState) -> String {
        switch state {
        case .pending: "未开始"
        case .open: "报送中"
        case .late: "已过截止,可逾期报送"
        case .closed: "已结束"
        }
    }

    static func build(
        page: CyclePage,
        extensions records: [DeadlineExtension],
        registered: [UnitRecord],
        committeeNames: [String: String]
    ) -> SetupView {
        let base = page.base
        let cycle = page.cycle.definition.cycle
        let names = Dictionary(registered.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let steps = DataTable(
            id: "steps",
            title: "报送日程",
            fileName: "报送日程-\(cycle)",
            header: ["环节", "开始", "截止", "逾期报送截止", "状态", "剩余时间"],
            rows: page.cycle.steps.map { step in
                DataRow([
                    DataCell(step.step.chinese), .time(step.times.opensAt), .time(step.times.deadline), .time(step.times.closesAt),
                    DataCell(stepState(step.state)),
                    DataCell(step.state == .closed ? "" : ChineseTime.daysLeft(until: step.times.deadline, now: page.cycle.now)),
                ])
            },
            downloadBase: base + "/setup",
            emptyText: "本周期没有设定日程。"
        )
        let extensions = DataTable(
            id: "extensions",
            title: "延期记录",
            fileName: "延期记录-\(cycle)",
            header: ["编号", "环节", "范围", "新的截止时间", "逾期报送截止", "理由", "批准人", "批准时间"],
            rows: records.reversed().map { e in
                DataRow([
                    .number(Int(e.id)), DataCell(e.step.chinese),
                    e.unit.map { DataCell("\(names[$0] ?? $0.rawValue)(\($0))", href: base + "/units/" + $0.rawValue) } ?? DataCell("全部单位"),
                    .time(e.deadline), .time(e.closesAt), DataCell(e.reason), DataCell(e.grantedBy), .time(e.grantedAt),
                ])
            },
            downloadBase: base + "/setup",
            emptyText: "尚未延期。"
        )
        let enrolled = Set(page.cycle.units)
        let byCommittee = Dictionary(grouping: registered, by: \.committee)
        return SetupView(
            csrf: page.session.csrfToken,
            steps: steps,
            extensions: extensions,
            extend: Extend(
                action: base + "/setup/extend",
                once: FormOnce.newToken(),
                steps: page.cycle.steps.map { SelectOption(value: $0.step.rawValue, label: $0.step.chinese) },
                units: page.cycle.units.sorted().map { SelectOption(value: $0.rawValue, label: "\(names[$0] ?? $0.rawValue)(\($0))") }
            ),
            enrolment: Enrolment(
                action: base + "/setup/enrol",
                once: FormOnce.newToken(),
                enrolledCount: enrolled.count,
                registeredCount: registered.count,
                committees: byCommittee.keys.sorted().map { id in
                    Enrolment.Committee(
                        field: "committee_" + id,
                        name: committeeNames[id] ?? id,
                        units: (byCommittee[id] ?? []).sorted { $0.code < $1.code }.map {
                            Enrolment.Unit(
                                field: "unit_" + $0.code.rawValue,
                                label: "\($0.name)(\($0.code))",
                                enrolled: enrolled.contains($0.code)
                            )
                        }
                    )
                }
            )
        )
    }
}
