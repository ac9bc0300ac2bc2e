import KaoheRules
import KaoheStore

/// 异议与复核 page: the 异议 of the 公示 (filed by a unit, its committee or the office; 复议 by the
/// unit's committee) and the staff 复核 applications (filed by the unit or the office; decided by
/// the office), each limited to the units the account sees, with the forms the account may use.
struct ObjectionsView: Sendable, FormPageView {
    var scopeNote: String?
    var notice: FormNotice?
    var csrf: String
    /// 公示期 in words, or why objections cannot be filed now.
    var publicityState: String
    /// 提出异议 (unit, committee, office while the window is open).
    var fileObjection: FileObjection?
    var objections: DataTable
    /// 复议 forms for the committee, one per open objection of its units.
    var reviews: [Review]
    /// 申请复核 (the unit for its staff, or the office).
    var fileAppeal: FileAppeal?
    var appeals: DataTable
    /// The office's decision forms, one per open application.
    var decisions: [Decision]

    var tables: [DataTable] { [objections, appeals] }

    /// The four kinds of form share field names (unit, grade, outcome): each gets its own refusal.
    mutating func place(_ notice: FormNotice) {
        self.notice = notice
        fileObjection?.refusal = notice.concerns("objection")
        fileAppeal?.refusal = notice.concerns("appeal")
        for index in reviews.indices { reviews[index].refusal = notice.concerns("review", is: reviews[index].id) }
        for index in decisions.indices { decisions[index].refusal = notice.concerns("decide-appeal", is: decisions[index].id) }
    }

    static let doneMessages = [
        "objection": "已登记异议,等待该单位所属专考委复议。",
        "review": "已记录复议结果。",
        "appeal": "已登记复核申请,等待县事考办处理。",
        "decide-appeal": "已记录复核结果。",
    ]

    struct FileObjection: Sendable {
        var action: String
        var once: String
        var units: [SelectOption]
        var refusal: FormFields? = nil
    }

    struct Review: Sendable {
        var action: String
        var once: String
        var id: String
        var title: String
        var text: String
        var grades: [SelectOption]
        var refusal: FormFields? = nil
    }

    struct FileAppeal: Sendable {
        var action: String
        var once: String
        var units: [SelectOption]
        /// The staff of the unit's roster whose grade may be appealed (a unit's own form).
        var staff: [SelectOption]
        /// Whether `staff` is offered as a list (else the staff number is typed).
        var hasStaff: Bool
        var grades: [SelectOption]
        /// The office records a paper application with its own date.
        var paperDate: Bool
        var refusal: FormFields? = nil
    }

    struct Decision: Sendable {
        var action: String
        var once: String
        var id: String
        var title: String
        var grades: [SelectOption]
        var refusal: FormFields? = nil
    }

    static func objectionOutcome(_ outcome: String?) -> String {
        switch outcome {
        case "upheld": "异议成立"
        case "rejected": "异议不成立"
        default: "待复议"
        }
    }

    static func appealOutcome(_ outcome: String?) -> String {
        switch outcome {
        case "upheld": "维持原等次"
        case "changed": "改变等次"
        case "rejected": "不予受理"
        default: "待处理"
        }
    }

    static func unitGrade(_ raw: String?) -> String { raw.flatMap { UnitGrade(rawValue: $0)?.chinese } ?? (raw ?? "") }
    static func staffGrade(_ raw: String?) -> String { raw.flatMap { StaffGrade(rawValue: $0)?.chinese } ?? (raw ?? "") }

    static func objectionsTable(_ records: [ObjectionRecord], visibility: UnitVisibility, base: String, cycle: CycleID) -> DataTable {
        DataTable(
            id: "objections",
            title: "异议及复议",
            fileName: "异议-\(cycle)",
            header: ["编号", "单位名称", "统一社会信用代码", "提出人", "提出时间", "异议内容", "复议结果", "原等次", "复议后等次", "复议说明", "复议人"],
            rows: records.map { o in
                DataRow(
                    [
                        .number(Int(o.id)), DataCell(visibility.name(o.unit), href: base + "/units/" + o.unit.rawValue), .code(o.unit),
                        DataCell(o.filedBy),
                        ShanghaiTime.parse(o.filedAt, dateMeansEndOfDay: false).map(DataCell.time) ?? DataCell(o.filedAt), DataCell(o.text),
                        DataCell(objectionOutcome(o.outcome)),
                        DataCell(unitGrade(o.oldGrade)), DataCell(unitGrade(o.newGrade)), DataCell(o.note ?? ""),
                        DataCell(o.reviewedBy ?? ""),
                    ],
                    rowClass: o.outcome == nil ? "open" : nil
                )
            },
            downloadBase: base + "/objections",
            emptyText: "尚无异议。"
        )
    }

    static func appealsTable(_ records: [StaffAppealRecord], visibility: UnitVisibility, base: String, cycle: CycleID) -> DataTable {
        DataTable(
            id: "appeals",
            title: "工作人员复核申请",
            fileName: "复核申请-\(cycle)",
            header: ["编号", "单位名称", "工号", "原等次", "知道结果日期", "申请日期", "申请期限", "理由", "登记人", "结果", "复核后等次", "说明"],
            rows: records.map { a in
                DataRow(
                    [
                        .number(Int(a.id)), DataCell(visibility.name(a.unit), href: base + "/units/" + a.unit.rawValue),
                        DataCell(a.staffNo),
                        DataCell(staffGrade(a.grade)), DataCell(a.notifiedOn), DataCell(a.filedOn), DataCell(a.lastDay), DataCell(a.reason),
                        DataCell(a.filedBy), DataCell(appealOutcome(a.outcome)), DataCell(staffGrade(a.decidedGrade)),
                        DataCell(a.note ?? ""),
                    ],
                    rowClass: a.outcome == nil ? "open" : nil
                )
            },
            downloadBase: base + "/objections",
            emptyText: "尚无复核申请。"
        )
    }
}
