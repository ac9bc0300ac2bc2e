import KaoheRules
import KaoheStore
import Spreadsheets

/// The overview's tables as downloads (`…/overview.csv?table=steps|late|violations|conflicts|objections`,
/// and `.xlsx`): the same rows the page shows.
enum OverviewSheets {
    static let tables: [String: String] = [
        "steps": "报送进度", "late": "逾期单位", "violations": "名册违规", "conflicts": "等次比例冲突", "objections": "待复议异议",
    ]

    /// The table `id` of `view`, or nil for an unknown id.
    static func table(_ id: String, of view: OverviewView) -> Sheet? {
        guard let name = tables[id] else { return nil }
        switch id {
        case "steps":
            var sheet = Sheet(
                name: name,
                columns: [
                    "环节", .dateTime("截止时间（北京时间）"), "剩余", .number("已报送"), .number("待完善"), .number("逾期"), .number("未报送"),
                    .number("单位数"),
                ]
            )
            for s in view.steps {
                sheet.append([
                    s.name, s.deadlineAt, s.daysLeft, String(s.filed), String(s.draft), String(s.late), String(s.missing), String(s.total),
                ])
            }
            return sheet
        case "late":
            var sheet = Sheet(name: name, columns: [.identifier("代码"), "单位名称", "专业考核委员会", "逾期环节"])
            for u in view.lateUnits { sheet.append([u.code.rawValue, u.name, u.committee, u.steps]) }
            return sheet
        case "violations":
            var sheet = Sheet(name: name, columns: ["单位", .identifier("工号"), .identifier("规则"), "说明"])
            for v in view.violations { sheet.append([v.unitName, v.staffNo, v.rule, v.message]) }
            return sheet
        case "conflicts":
            var sheet = Sheet(name: name, columns: ["范围", "说明", "涉及单位"])
            for c in view.conflicts { sheet.append([c.scope, c.message, c.units ?? ""]) }
            return sheet
        case "objections":
            var sheet = Sheet(name: name, columns: [.identifier("编号"), "单位", .dateTime("提出时间")])
            for o in view.objections { sheet.append([o.id, o.unitName, o.filedAtExport]) }
            return sheet
        default:
            return nil
        }
    }
}
