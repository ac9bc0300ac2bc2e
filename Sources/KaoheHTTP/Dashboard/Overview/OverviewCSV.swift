import KaoheStore

/// The overview's tables as CSV (`…/overview.csv?table=steps|late|violations|conflicts|objections`):
/// the same rows the page shows, for Excel.
enum OverviewCSV {
    static let tables: [String: String] = [
        "steps": "报送进度", "late": "逾期单位", "violations": "名册违规", "conflicts": "等次比例冲突", "objections": "待复议异议",
    ]

    /// The table `id` of `view`, or nil for an unknown id.
    static func table(_ id: String, of view: OverviewView) -> ExcelCSV? {
        switch id {
        case "steps":
            var csv = ExcelCSV(header: ["环节", "截止时间（北京时间）", "剩余", "已报送", "待完善", "逾期", "未报送", "单位数"])
            for s in view.steps {
                csv.append([
                    s.name, s.deadline, s.daysLeft, String(s.filed), String(s.draft), String(s.late), String(s.missing), String(s.total),
                ])
            }
            return csv
        case "late":
            var csv = ExcelCSV(header: ["代码", "单位名称", "专业考核委员会", "逾期环节"])
            for u in view.lateUnits { csv.append([u.code, u.name, u.committee, u.steps]) }
            return csv
        case "violations":
            var csv = ExcelCSV(header: ["单位", "工号", "规则", "说明"])
            for v in view.violations { csv.append([v.unitName, v.staffNo, v.rule, v.message]) }
            return csv
        case "conflicts":
            var csv = ExcelCSV(header: ["范围", "说明", "涉及单位"])
            for c in view.conflicts { csv.append([c.scope, c.message, c.units ?? ""]) }
            return csv
        case "objections":
            var csv = ExcelCSV(header: ["编号", "单位", "提出时间"])
            for o in view.objections { csv.append([o.id, o.unitName, o.filedAt]) }
            return csv
        default:
            return nil
        }
    }
}
