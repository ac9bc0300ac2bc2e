import Foundation
public import KaoheRules
import Postgres
public import Spreadsheets

/// 监控导出: the monitor's unit table as a sheet (CSV or .xlsx), one row per enrolled unit, built from the same monitor document the API serves (so the two never disagree),
/// with the committee's and supervising department's names added.
extension MonitorStore {
    /// The columns of the monitor export, in order (Chinese, then English).
    public static let columns: [SheetColumn] = [
        .identifier("统一社会信用代码 code"), "单位名称 name", "专考委 committee", "主管部门 department",
        "自评 self-assessment", "专考委考核 assessment", "名册 roster",
        .number("得分 total"), "计分来源 source", "抽查 sampled", "核验改分 overridden", "等次 grade",
        .number("优秀名额 quota"), .number("已用 used"), .number("须减 must give up"), "名额状态 quota status",
        .number("未改正问题 open violations"), "并列冲突 conflict",
    ]

    /// The export and its file name without extension (`示例县-2026年度-监控`), or nil when the
    /// cycle does not exist.
    public func sheet(cycle ref: CycleRef) async throws -> (sheet: Sheet, fileName: String)? {
        let (county, cycle) = (ref.county, ref.cycle)
        guard let json = try await monitor(cycle: ref) else { return nil }
        let document = try JSONDecoder().decode(MonitorDocument.self, from: Data(json))
        var names: [String: (committee: String, department: String)] = [:]
        var countyName = county.rawValue
        for row in try await client.query(
            """
            SELECT u.code, c.name AS committee, d.name AS department, k.name AS county_name
            FROM cycle_units cu JOIN units u ON u.county = cu.county AND u.code = cu.unit_code
            JOIN committees c ON c.county = u.county AND c.committee = u.committee
            JOIN departments d ON d.county = u.county AND d.department = u.department
            JOIN counties k ON k.county = cu.county
            WHERE cu.county = \(county) AND cu.cycle = \(cycle)
            """
        ) {
            names[try row.decode(String.self, column: "code")] = (
                try row.decode(String.self, column: "committee"), try row.decode(String.self, column: "department")
            )
            countyName = try row.decode(String.self, column: "county_name")
        }
        if names.isEmpty, let row = try await client.query("SELECT name FROM counties WHERE county = \(county)").first {
            countyName = try row.decode(String.self, column: "name")
        }
        let sampled = Set(document.draw?.selections.map(\.unit) ?? [])
        let overridden = Set(document.deviations.units.filter(\.overridden).map(\.unit))
        var conflicts: [String: [String]] = [:]
        for conflict in document.grading?.conflicts ?? [] {
            for unit in conflict.units { conflicts[unit, default: []].append(conflict.kind) }
        }
        var sheet = Sheet(name: "监控", columns: Self.columns)
        for unit in document.units {
            let name = names[unit.code]
            sheet.append([
                unit.code, unit.name, name?.committee ?? unit.committee, name?.department ?? "",
                Self.stepLabel(unit.steps["self_assessment"]), Self.stepLabel(unit.steps["assessment"]),
                Self.stepLabel(unit.steps["roster"]),
                unit.total.map { String(format: "%.2f", $0) },
                unit.gradeSource.map { $0 == "recheck" ? "核验 recheck" : "专考委 committee" },
                sampled.contains(unit.code) ? "是 yes" : "否 no",
                overridden.contains(unit.code) ? "是 yes" : "否 no",
                unit.grade.map(Self.gradeLabel),
                unit.quota.limit.map(String.init), unit.quota.used.map(String.init), unit.quota.mustGiveUp.map(String.init),
                Self.quotaLabel(unit.quota.status), String(unit.openViolations),
                conflicts[unit.code]?.joined(separator: ";"),
            ])
        }
        return (sheet, "\(countyName)-\(Self.cycleLabel(cycle))-监控")
    }

    /// `2026年度`, `2026-Q1季度`.
    static func cycleLabel(_ cycle: CycleID) -> String {
        cycle.isAnnual ? "\(cycle)年度" : "\(cycle)季度"
    }

    static func stepLabel(_ status: String?) -> String {
        switch status {
        case "not_started": "未报送 not started"
        case "draft": "草稿 draft"
        case "filed": "已报送 filed"
        case "late": "逾期 late"
        default: status ?? ""
        }
    }

    /// `优秀` for `excellent`: the office's term, as `UnitGrade` spells it.
    static func gradeLabel(_ grade: String) -> String {
        UnitGrade(rawValue: grade)?.chinese ?? grade
    }

    static func quotaLabel(_ status: String?) -> String {
        switch status {
        case "final": "最终 final"
        case "provisional": "暂定 provisional"
        case "unknown": "未知 unknown"
        default: status ?? ""
        }
    }
}

/// The parts of the monitor document (MonitorStore.query) the CSV export reads.
struct MonitorDocument: Decodable {
    struct Unit: Decodable {
        struct Quota: Decodable {
            var limit: Int?
            var used: Int?
            var mustGiveUp: Int?
            var status: String?
        }
        var code: String
        var name: String
        var committee: String
        var steps: [String: String]
        var grade: String?
        var gradeSource: String?
        var total: Double?
        var quota: Quota
        var openViolations: Int
    }
    struct Draw: Decodable {
        struct Selection: Decodable { var unit: String }
        var selections: [Selection]
    }
    struct Deviations: Decodable {
        struct Unit: Decodable {
            var unit: String
            var overridden: Bool
        }
        var units: [Unit]
    }
    struct Grading: Decodable {
        struct Conflict: Decodable {
            var kind: String
            var units: [String]
        }
        var conflicts: [Conflict]
    }
    var units: [Unit]
    var draw: Draw?
    var deviations: Deviations
    var grading: Grading?
}
