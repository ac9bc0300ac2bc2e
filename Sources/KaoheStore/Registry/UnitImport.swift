public import KaoheRules

/// 单位名册导入: the CSV the office uploads to enrol (or update) its units.
///
/// Columns, by header name (Chinese or English, either case; other columns such as 序号 or 备注
/// are ignored; order is free):
///
/// | column | header (any of) | rule |
/// |---|---|---|
/// | code | 统一社会信用代码, 社会信用代码, code, uscc | 18 characters, GB 32100 checksum (`uscc.length`, `uscc.character`, `uscc.checksum`) |
/// | name | 单位名称, 名称, name | 1–200 characters (`unit.name`) |
/// | committee | 专业考核委员会, 专考委, committee | a committee of the county, by id or by its exact name (`unit.committee`) |
/// | department | 主管部门, 举办单位, 主管部门(举办单位), department | a department of the county, by id or exact name (`unit.department`) |
/// | headcount | 在编人数, headcount | a whole number ≥ 0 (`unit.headcount`) |
///
/// A code may appear once per file (`unit.duplicate`). Fields are trimmed of surrounding spaces.
/// Every row is checked before anything is written; any issue rejects the whole file.
public enum UnitImport {
    /// The columns of the import and the header names each accepts.
    public enum Column: String, Sendable, CaseIterable {
        /// 统一社会信用代码.
        case code
        /// 单位名称.
        case name
        /// 专业考核委员会.
        case committee
        /// 主管部门 / 举办单位.
        case department
        /// 在编人数.
        case headcount

        /// Header names accepted for this column (compared case-insensitively).
        public var headerNames: [String] {
            switch self {
            case .code: ["统一社会信用代码", "社会信用代码", "code", "uscc"]
            case .name: ["单位名称", "名称", "name"]
            case .committee: ["专业考核委员会", "专考委", "committee"]
            case .department: ["主管部门", "举办单位", "主管部门(举办单位)", "主管部门(举办单位)", "department"]
            case .headcount: ["在编人数", "headcount"]
            }
        }

        /// The Chinese header, for messages.
        public var chineseName: String { headerNames[0] }
    }

    /// The most issues one rejected file reports (the rest are counted).
    public static let maximumIssues = 200

    /// Checks every row of `table` against the county's committees and departments and returns the
    /// unit records to write, or every issue found (up to `maximumIssues`).
    public static func validate(
        _ table: CSVTable,
        county: CountyCode,
        committees: [Committee],
        departments: [Department],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(UnitImportError) -> [UnitRecord] {
        var issues = IssueCollector()
        var index: [Column: Int] = [:]
        for column in Column.allCases {
            let matches = table.header.indices.filter { position in
                column.headerNames.contains { $0.csvHeaderEquals(table.header[position]) }
            }
            if matches.isEmpty {
                issues.add(
                    UnitImportIssue(
                        line: table.headerLine,
                        column: 1,
                        columnName: nil,
                        rule: "import.header",
                        message:
                            "表头缺少“\(column.chineseName)”列(也可写作 \(column.headerNames.dropFirst().joined(separator: "、"))) / the header has no \(column.rawValue) column"
                    )
                )
            } else if matches.count > 1 {
                issues.add(
                    UnitImportIssue(
                        line: table.headerLine,
                        column: matches[1] + 1,
                        columnName: table.header[matches[1]],
                        rule: "import.header",
                        message:
                            "“\(column.chineseName)”列出现了两次(第\(matches[0] + 1)列和第\(matches[1] + 1)列) / the \(column.rawValue) column appears twice"
                    )
                )
            } else {
                index[column] = matches[0]
            }
        }
        if !issues.isEmpty { throw issues.error(rows: table.rows.count) }

        let committeeIDs = resolver(committees.map { ($0.id, $0.name) })
        let departmentIDs = resolver(departments.map { ($0.id, $0.name) })
        var seen: [String: Int] = [:]
        var units: [UnitRecord] = []
        units.reserveCapacity(table.rows.count)
        let step = max(1, table.rows.count / 100)
        for (number, row) in table.rows.enumerated() {
            if number % step == 0 { progress(number, table.rows.count) }
            func field(_ column: Column) -> (value: String, position: Int) {
                let position = index[column]!
                return (row.fields[position].csvTrimmed(), position + 1)
            }
            func issue(_ column: Column, _ rule: RuleID, _ message: String) {
                issues.add(
                    UnitImportIssue(
                        line: row.line,
                        column: index[column]! + 1,
                        columnName: table.header[index[column]!],
                        rule: rule,
                        message: message
                    )
                )
            }

            var valid = true
            let codeText = field(.code).value
            var code = codeText
            do {
                code = try UnifiedSocialCreditCode(codeText).rawValue
                if let first = seen[code] {
                    issue(.code, "unit.duplicate", "统一社会信用代码“\(code)”在第\(first)行已出现 / the code already appears on line \(first)")
                    valid = false
                } else {
                    seen[code] = row.line
                }
            } catch {
                issue(.code, RuleID(String(error.rule.identifier.rawValue.map { $0 == "-" ? "." : $0 })), error.description)
                valid = false
            }

            let name = field(.name).value
            let nameLength = name.unicodeScalars.count
            if nameLength < 1 || nameLength > 200 {
                issue(
                    .name,
                    "unit.name",
                    nameLength == 0 ? "单位名称为空 / the name is empty" : "单位名称超过200个字符 / the name is longer than 200 characters"
                )
                valid = false
            }

            let committeeText = field(.committee).value
            let committee = committeeIDs(committeeText)
            if committee == nil {
                issue(
                    .committee,
                    "unit.committee",
                    "本县没有专业考核委员会“\(committeeText)”(填写编号或全称,须先用 kaohe committee add 登记) / no committee “\(committeeText)” in county \(county)"
                )
                valid = false
            }

            let departmentText = field(.department).value
            let department = departmentIDs(departmentText)
            if department == nil {
                issue(
                    .department,
                    "unit.department",
                    "本县没有主管部门“\(departmentText)”(填写编号或全称,须先用 kaohe department add 登记) / no department “\(departmentText)” in county \(county)"
                )
                valid = false
            }

            let headcountText = field(.headcount).value
            let headcount = wholeNumber(headcountText)
            if headcount == nil {
                issue(
                    .headcount,
                    "unit.headcount",
                    "在编人数“\(headcountText)”应为不小于0的整数 / the headcount must be a whole number ≥ 0"
                )
                valid = false
            }

            if valid, let committee, let department, let headcount {
                units.append(
                    UnitRecord(
                        county: county,
                        code: UnitCode(code),
                        name: name,
                        committee: committee,
                        department: department,
                        headcount: headcount
                    )
                )
            }
        }
        progress(table.rows.count, table.rows.count)
        if !issues.isEmpty { throw issues.error(rows: table.rows.count) }
        return units
    }

    /// Looks an entry up by id, else by exact name when the name is unique.
    static func resolver(_ entries: [(id: String, name: String)]) -> (String) -> String? {
        let ids = Set(entries.map(\.id))
        var byName: [String: String?] = [:]
        for entry in entries {
            if byName[entry.name] != nil { byName[entry.name] = .some(nil) } else { byName[entry.name] = entry.id }
        }
        return { text in
            if ids.contains(text) { return text }
            return byName[text] ?? nil
        }
    }

    /// A whole number ≥ 0 of at most 7 digits (`80`, `0`); Excel's `80.0` is not accepted.
    static func wholeNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 7, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }

    struct IssueCollector {
        var issues: [UnitImportIssue] = []
        var omitted = 0
        var isEmpty: Bool { issues.isEmpty }

        mutating func add(_ issue: UnitImportIssue) {
            if issues.count < UnitImport.maximumIssues { issues.append(issue) } else { omitted += 1 }
        }

        func error(rows: Int) -> UnitImportError {
            UnitImportError(issues: issues, omitted: omitted)
        }
    }
}

/// One thing wrong with an import file: where (line and column, 1-based), which rule, and why.
public struct UnitImportIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line of the file.
    public var line: Int
    /// 1-based column (field position).
    public var column: Int
    /// The header of that column, when there is one.
    public var columnName: String?
    /// The rule that failed (`uscc.checksum`, `unit.committee`, `csv.quote`, …).
    public var rule: RuleID
    /// What is wrong, Chinese then English.
    public var message: String

    /// Makes an issue.
    public init(line: Int, column: Int, columnName: String?, rule: RuleID, message: String) {
        self.line = line
        self.column = column
        self.columnName = columnName
        self.rule = rule
        self.message = message
    }

    /// An issue for a CSV reading error.
    public init(_ error: CSVError) {
        self.init(line: error.line, column: error.column, columnName: nil, rule: RuleID(error.rule.rawValue), message: error.message)
    }

    /// Where: `第7行第1列(统一社会信用代码) line 7, column 1`.
    public var location: String {
        "第\(line)行第\(column)列\(columnName.map { "(\($0))" } ?? "") line \(line), column \(column)"
    }

    /// `第7行第1列(统一社会信用代码) line 7, column 1: … [uscc.checksum]`.
    public var description: String { "\(location): \(message) [\(rule)]" }
}

/// A rejected import: nothing of the file was stored. `issues` holds the first
/// `UnitImport.maximumIssues` problems in file order; `omitted` counts the rest.
public struct UnitImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems found, in file order (never empty).
    public var issues: [UnitImportIssue]
    /// How many more problems there were.
    public var omitted: Int

    /// Makes the error.
    public init(issues: [UnitImportIssue], omitted: Int = 0) {
        self.issues = issues
        self.omitted = omitted
    }

    /// One line per issue, then the count of omitted ones.
    public var description: String {
        var lines = issues.map(\.description)
        if omitted > 0 { lines.append("…另有\(omitted)处问题 / \(omitted) more issues") }
        return lines.joined(separator: "\n")
    }
}

/// What an import did.
public struct UnitImportSummary: Sendable, Hashable, Codable {
    /// The county.
    public var county: CountyCode
    /// Data rows in the file.
    public var rows: Int
    /// Units that were new.
    public var inserted: Int
    /// Existing units whose name, committee, department or headcount changed.
    public var updated: Int
    /// Existing units the file left as they were.
    public var unchanged: Int
    /// Lowercase hex SHA-256 of the file's bytes, as recorded in the audit entry.
    public var fileSHA256: String
    /// The audit entry recording the import.
    public var auditSeq: Int64

    /// Makes a summary.
    public init(county: CountyCode, rows: Int, inserted: Int, updated: Int, unchanged: Int, fileSHA256: String, auditSeq: Int64) {
        self.county = county
        self.rows = rows
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.fileSHA256 = fileSHA256
        self.auditSeq = auditSeq
    }
}

/// How far an import has got, for a progress bar.
public struct UnitImportProgress: Sendable, Hashable {
    /// The phase.
    public enum Phase: String, Sendable, Hashable {
        /// Reading the file and checking every row.
        case validating
        /// Writing the rows in one transaction.
        case writing
    }

    /// The current phase.
    public var phase: Phase
    /// Rows done in this phase.
    public var done: Int
    /// Rows in total.
    public var total: Int

    /// Makes a progress report.
    public init(phase: Phase, done: Int, total: Int) {
        self.phase = phase
        self.done = done
        self.total = total
    }
}

extension UnitImportError: Refusal {
    /// A file that cannot be read as CSV is malformed; rows that break a rule are invalid.
    public var refusalKind: RefusalKind { issues.first?.rule.rawValue.hasPrefix("csv.") == true ? .malformed : .invalid }
    /// The first issue's rule.
    public var rule: RuleID? { issues.first?.rule }
    /// Where the first issue is: `line 7, column 1 (统一社会信用代码)`.
    public var field: String? {
        issues.first.map { "line \($0.line), column \($0.column)" + ($0.columnName.map { " (\($0))" } ?? "") }
    }
    /// The first 20 issues, one per line, then how many more.
    public var detail: String {
        var lines = issues.prefix(20).map(\.description)
        let more = issues.count - lines.count + omitted
        if more > 0 { lines.append("…另有\(more)处问题 / \(more) more issues") }
        return lines.joined(separator: "\n")
    }
}
