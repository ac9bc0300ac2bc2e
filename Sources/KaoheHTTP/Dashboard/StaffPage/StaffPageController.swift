import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/units/{code}/staff/{staffNo}`: one staff member's years (工作人员
/// 历年考核) — every annual cycle's result on record, followed back through the office's transfer
/// records, with the flags each raises and their articles (`StaffHistoryStore.history`, the same as
/// `GET /api/v1/…/staff/{staffNo}/history`). For the office, the auditor and the unit itself.
struct StaffPageController: Sendable {
    let dashboard: Dashboard

    struct View: Sendable, TabularView {
        var title: String
        var note: String
        var years: DataTable
        var back: String
        var tables: [DataTable] { [years] }
    }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/counties/{county}/cycles/{cycle}/units/{code}/staff/{staffNo}") { request, context -> DashboardPage in
            let page = try await dashboard.cyclePage(context, current: .units)
            let code = try context.parameters.require("code", as: UnitCode.self)
            let staffNo = try context.parameters.require("staffNo").removingPercentEncoding ?? ""
            guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
                page.sees(code: code, committee: unit.committee), [.office, .auditor, .unit].contains(page.principal.role)
            else { throw ProblemDetails.notFound("unit \(code)") }
            let years = try await dashboard.stores.staff.history(county: page.county.code, unit: code, staffNo: staffNo)
            guard let last = years.last else { throw ProblemDetails.notFound("staff \(staffNo)") }
            let table = DataTable(
                id: "years",
                title: "历年考核结果",
                fileName: "历年考核-\(code)-\(staffNo)",
                header: ["年度", "单位", "工号", "姓名", "等次", "结果", "结果使用提示"],
                rows: years.map { year in
                    DataRow(
                        [
                            DataCell(year.cycle.rawValue), .code(year.unit), .code(year.staffNo), DataCell(year.name),
                            DataCell(year.grade.chinese), DataCell(year.final ? "已确定" : "未最终确定"),
                            DataCell(
                                year.flags.map(\.chinese).joined(separator: ";"),
                                title: year.flags.map(\.article).joined(separator: ";")
                            ),
                        ],
                        rowClass: year.flags.isEmpty ? nil : "violation"
                    )
                },
                downloadBase: nil,
                emptyText: "没有考核记录。"
            )
            let view = View(
                title: "工号 \(staffNo)(\(last.name))",
                note: "按单位和工号识别人员(名册不含身份证号,系统也不保存);调到其他单位或改用新工号的,由县事考办登记调动后连续计算。提示依据篇十三第四十二至四十七条,仅供参考,不是自动作出的人事处理。",
                years: table,
                back: page.base + "/units/" + code.rawValue
            )
            return page.render("staff", view, title: "工作人员历年考核")
        }
    }
}
