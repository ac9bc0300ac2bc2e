import KaoheRules
import KaoheStore

/// 单位名册: the county's units, the upload form, a preview of an uploaded file, or its problems.
struct RegistryView: Sendable {
    var notice: FormNotice?
    var csrf: String
    var units: DataTable
    var committees: [String: String]
    var departments: [String: String]
    /// Why the file just uploaded cannot be imported, one line each (nothing kept).
    var problems: [String] = []
    var preview: Preview?

    static func build(units: [UnitRecord], committees: [String: String], departments: [String: String], csrf: String) -> RegistryView {
        RegistryView(
            csrf: csrf,
            units: DataTable(
                id: "units",
                title: "已登记的单位",
                fileName: "单位名册",
                header: ["统一社会信用代码", "单位名称", "专业考核委员会", "主管部门", "在编人数"],
                rows: units.sorted { $0.code < $1.code }.map { u in
                    DataRow([
                        .code(u.code), DataCell(u.name), DataCell(committees[u.committee] ?? u.committee),
                        DataCell(departments[u.department] ?? u.department), .number(u.headcount),
                    ])
                },
                downloadBase: "/registry",
                emptyText: "本县尚未登记单位。"
            ),
            committees: committees,
            departments: departments
        )
    }

    /// 导入预览: what applying the file would change.
    struct Preview: Sendable {
        var fileName: String
        var sha256: String
        var once: String
        var rows: Int
        var addedCount: Int
        var changedCount: Int
        var unchanged: Int
        var absentCount: Int
        var hasChanges: Bool
        var added: DataTable
        var changed: DataTable
        var absent: DataTable

        static func build(_ p: UnitImportPreview, fileName: String, view: RegistryView) -> Preview {
            func committee(_ id: String) -> String { view.committees[id] ?? id }
            func department(_ id: String) -> String { view.departments[id] ?? id }
            func row(_ u: UnitRecord) -> DataRow {
                DataRow([
                    .code(u.code), DataCell(u.name), DataCell(committee(u.committee)), DataCell(department(u.department)),
                    .number(u.headcount),
                ])
            }
            let header = ["统一社会信用代码", "单位名称", "专业考核委员会", "主管部门", "在编人数"]
            func was(_ before: String, _ after: String) -> String { before == after ? after : "\(before) → \(after)" }
            return Preview(
                fileName: fileName,
                sha256: p.sha256,
                once: FormOnce.newToken(),
                rows: p.rows,
                addedCount: p.added.count,
                changedCount: p.changed.count,
                unchanged: p.unchanged,
                absentCount: p.absent.count,
                hasChanges: !p.added.isEmpty || !p.changed.isEmpty,
                added: DataTable(
                    id: "added",
                    title: "新增的单位",
                    fileName: "新增单位",
                    header: header,
                    rows: p.added.map(row),
                    downloadBase: nil,
                    emptyText: "没有新增的单位。"
                ),
                changed: DataTable(
                    id: "changed",
                    title: "信息有变化的单位(原 → 新)",
                    fileName: "变化单位",
                    header: header,
                    rows: p.changed.map { c in
                        DataRow(
                            [
                                .code(c.after.code), DataCell(was(c.before.name, c.after.name)),
                                DataCell(was(committee(c.before.committee), committee(c.after.committee))),
                                DataCell(was(department(c.before.department), department(c.after.department))),
                                DataCell(was(String(c.before.headcount), String(c.after.headcount))),
                            ],
                            rowClass: "changed"
                        )
                    },
                    downloadBase: nil,
                    emptyText: "没有信息变化的单位。"
                ),
                absent: DataTable(
                    id: "absent",
                    title: "文件中没有、将保留原样的单位",
                    fileName: "未列出单位",
                    header: header,
                    rows: p.absent.map(row),
                    downloadBase: nil,
                    emptyText: "文件列出了全部已登记的单位。"
                )
            )
        }
    }
}
