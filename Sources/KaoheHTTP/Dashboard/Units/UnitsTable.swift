import Foundation
import KaoheRules
import KaoheStore
import Spreadsheets

/// 单位一览: the cycle's enrolled units the account may see, one row each, filtered, searched and
/// sorted on the server (`?committee=&status=&grade=&q=&sort=&dir=`), the same rows for the page and
/// for its CSV download.
struct UnitsTable: Sendable {
    /// One unit's row, as shown.
    struct Row: Sendable {
        var code: UnitCode
        var name: String
        var committeeID: String
        var committee: String
        var department: String
        var statuses: [FilingStep: String]
        var score: Decimal?
        var recheck: Decimal?
        var grade: UnitGrade?
        var quotaLimit: Int?
        var quotaUsed: Int?
        var violations: Int
    }

    /// The query of the page.
    struct Query: Sendable {
        var committee = ""
        var status = ""
        var grade = ""
        var text = ""
        var sort = Column.code
        var ascending = true

        init(_ parameters: [String: String]) {
            committee = parameters["committee"] ?? ""
            status = parameters["status"] ?? ""
            grade = parameters["grade"] ?? ""
            text = (parameters["q"] ?? "").trimmingBlanks()
            sort = parameters["sort"].flatMap(Column.init(rawValue:)) ?? .code
            ascending = parameters["dir"] != "desc"
        }

        /// The query string for these filters with another sort (nil: this one).
        func queryString(sort column: Column? = nil, ascending dir: Bool? = nil) -> String {
            var items: [(String, String)] = []
            if !committee.isEmpty { items.append(("committee", committee)) }
            if !status.isEmpty { items.append(("status", status)) }
            if !grade.isEmpty { items.append(("grade", grade)) }
            if !text.isEmpty { items.append(("q", text)) }
            items.append(("sort", (column ?? sort).rawValue))
            items.append(("dir", (dir ?? ascending) ? "asc" : "desc"))
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.~"))
            return items.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        }
    }

    /// The sortable columns, in the table's order.
    enum Column: String, Sendable, CaseIterable {
        case code, name, committee, department
        case selfAssessment = "self_assessment"
        case assessment, roster, score, grade, quota, violations

        var label: String {
            switch self {
            case .code: "代码"
            case .name: "单位名称"
            case .committee: "专业考核委员会"
            case .department: "主管部门"
            case .selfAssessment: "自评"
            case .assessment: "专考委考核"
            case .roster: "考核名册"
            case .score: "考核得分/抽查"
            case .grade: "等次"
            case .quota: "优秀名额/已用"
            case .violations: "违规数"
            }
        }
    }

    /// Status filter values (a unit matches when any step has the status; `complete` when all are filed).
    static let statuses: [(String, String)] = [
        ("complete", "全部已报送"), ("late", "有逾期"), ("draft", "有待完善"), ("not_started", "有未报送"),
    ]
    /// Grade filter values.
    static let grades: [(String, String)] = UnitGrade.allCases.map { ($0.rawValue, $0.chinese) } + [("none", "未定等次")]

    /// The status of a step in words.
    static func statusName(_ status: String?) -> String {
        switch status {
        case "filed": "已报送"
        case "draft": "待完善"
        case "late": "逾期"
        default: "未报送"
        }
    }

    var rows: [Row]

    /// The rows matching `query`, in its order (ties by code).
    func apply(_ query: Query) -> [Row] {
        let text = query.text.lowercased()
        let filtered = rows.filter { row in
            if !query.committee.isEmpty, row.committeeID != query.committee { return false }
            if !query.grade.isEmpty, (row.grade?.rawValue ?? "none") != query.grade { return false }
            switch query.status {
            case "": break
            case "complete": if !FilingStep.allCases.allSatisfy({ row.statuses[$0] == "filed" }) { return false }
            default: if !FilingStep.allCases.contains(where: { (row.statuses[$0] ?? "not_started") == query.status }) { return false }
            }
            if !text.isEmpty, !row.name.lowercased().contains(text), !row.code.rawValue.lowercased().contains(text) { return false }
            return true
        }
        return filtered.sorted { a, b in
            let order = Self.compare(a, b, by: query.sort)
            if order == .orderedSame { return a.code < b.code }
            return query.ascending ? order == .orderedAscending : order == .orderedDescending
        }
    }

    static func compare(_ a: Row, _ b: Row, by column: Column) -> ComparisonResult {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult {
            x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame)
        }
        func cmpOptional<T: Comparable>(_ x: T?, _ y: T?) -> ComparisonResult {
            switch (x, y) {
            case let (x?, y?): cmp(x, y)
            case (nil, nil): .orderedSame
            case (nil, _): .orderedDescending  // empty cells last
            case (_, nil): .orderedAscending
            }
        }
        let rank = ["late": 0, "not_started": 1, "draft": 2, "filed": 3]
        switch column {
        case .code: return cmp(a.code, b.code)
        case .name: return a.name.compare(b.name, locale: Locale(identifier: "zh_CN"))
        case .committee: return a.committee.compare(b.committee, locale: Locale(identifier: "zh_CN"))
        case .department: return a.department.compare(b.department, locale: Locale(identifier: "zh_CN"))
        case .selfAssessment, .assessment, .roster:
            let step = FilingStep(rawValue: column.rawValue)!
            return cmp(rank[a.statuses[step] ?? "not_started"] ?? 1, rank[b.statuses[step] ?? "not_started"] ?? 1)
        case .score: return cmpOptional(a.score, b.score)
        case .grade: return cmpOptional(a.grade?.rank, b.grade?.rank)
        case .quota: return cmpOptional(a.quotaLimit, b.quotaLimit)
        case .violations: return cmp(a.violations, b.violations)
        }
    }

    /// `88.50 / 86.00` (score / re-check), or just the score.
    static func scoreText(_ row: Row) -> String {
        let score = row.score.map(points) ?? "—"
        return row.recheck.map { "\(score) / \(points($0))" } ?? score
    }

    /// Scores as the assessment forms print them: two decimals (`90.80`, not `90.8`) — `Score`'s own
    /// text, after rounding the monitor's figure to hundredths.
    static func points(_ value: Decimal) -> String {
        var hundredths = Decimal()
        var value = value * 100
        NSDecimalRound(&hundredths, &value, 0, .plain)
        return Score(hundredths: NSDecimalNumber(decimal: hundredths).int64Value).description
    }

    /// `3 / 2` (优秀名额 / 已用), or empty before the roster.
    static func quotaText(_ row: Row) -> String {
        guard row.quotaLimit != nil || row.quotaUsed != nil else { return "" }
        return "\(row.quotaLimit.map(String.init) ?? "—") / \(row.quotaUsed.map(String.init) ?? "0")"
    }

    /// `rows` as a sheet (for CSV and .xlsx), the same columns as the page.
    static func sheet(_ rows: [Row]) -> Sheet {
        var sheet = Sheet(
            name: "单位一览",
            columns: [
                .identifier("代码"), "单位名称", "专业考核委员会", "主管部门", "自评", "专考委考核", "考核名册",
                .number("考核得分"), .number("抽查核验得分"), "等次", .number("优秀名额"), .number("优秀已用"), .number("违规数"),
            ]
        )
        for row in rows {
            var cells: [String] = [row.code.rawValue, row.name, row.committee, row.department]
            for step in FilingStep.allCases { cells.append(statusName(row.statuses[step])) }
            cells.append(row.score.map(points) ?? "")
            cells.append(row.recheck.map(points) ?? "")
            cells.append(row.grade?.chinese ?? "")
            cells.append(row.quotaLimit.map { String($0) } ?? "")
            cells.append(row.quotaUsed.map { String($0) } ?? "")
            cells.append(String(row.violations))
            sheet.append(cells)
        }
        return sheet
    }
}
