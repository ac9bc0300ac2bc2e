import Foundation
import HTTPTypes
import KaoheRules
import KaoheStore

/// 工作人员考核名册: reading a roster from JSON or CSV into lines the rules can check. Terms may be
/// given in English (the JSON values of KaoheRules) or in Chinese, as clerks write them.
///
/// CSV header names (Chinese or English, any order; only 工号 and 拟定等次 are required):
/// 工号 `staff_no`, 姓名 `name`, 岗位类别 `post_category`, 层级 `level`, 测评分 `score`,
/// 拟定等次 `grade`, 处分 `sanction`, 立案调查 `under_investigation`, 试用期 `probation`,
/// 病事假月数 `leave_months`, 未聘月数 `unassigned_months`, 拒不参加 `refused`,
/// 季度结果 `quarters` (separated by `;` `、` or `,`). Booleans: 是/否, true/false, 1/0, empty = no.
enum RosterInput {
    /// The most lines one roster may have.
    static let maxLines = 100_000

    /// The JSON form: `{"collectiveAward": false, "staff": [{"staffNo": "001", "grade": "excellent", …}]}`.
    struct JSONBody: Decodable {
        var collectiveAward: Bool?
        var staff: [Line]
    }

    /// One line as given; terms are still text.
    struct Line: Decodable {
        var staffNo: String
        var name: String?
        var postCategory: String?
        var level: String?
        var score: Score?
        var grade: String
        var sanction: String?
        var underInvestigation: Bool?
        var probation: Bool?
        var leaveMonths: Int?
        var unassignedMonths: Int?
        var refused: Bool?
        var quarters: [String]?
    }

    /// Lines from the JSON form; problems name the JSON pointer.
    static func lines(from body: JSONBody) throws -> [RosterLine] {
        guard body.staff.count <= maxLines else {
            throw ProblemDetails.invalid("/staff", rule: "roster.max-lines", "名册最多\(maxLines)行 / at most \(maxLines) lines")
        }
        return try body.staff.enumerated().map { index, line in
            try make(line, number: index + 1) { "/staff/\(index)/\($0)" }
        }
    }

    /// The roster's columns, in the order of the template; a column's key is the JSON member's name.
    enum Column: Int, CaseIterable {
        case staffNo, name, postCategory, level, score, grade, sanction, underInvestigation, probation,
            leaveMonths, unassignedMonths, refused, quarters

        var key: String { "\(self)" }

        /// The header names a CSV may use for it, Chinese first.
        var names: [String] {
            switch self {
            case .staffNo: ["工号", "staff_no", "staffNo"]
            case .name: ["姓名", "name"]
            case .postCategory: ["岗位类别", "post_category", "postCategory"]
            case .level: ["层级", "level"]
            case .score: ["测评分", "综合量化测评分", "score"]
            case .grade: ["拟定等次", "等次", "grade"]
            case .sanction: ["处分", "sanction"]
            case .underInvestigation: ["立案调查", "under_investigation", "underInvestigation"]
            case .probation: ["试用期", "probation"]
            case .leaveMonths: ["病事假月数", "leave_months", "leaveMonths"]
            case .unassignedMonths: ["未聘月数", "unassigned_months", "unassignedMonths"]
            case .refused: ["拒不参加", "refused"]
            case .quarters: ["季度结果", "quarters"]
            }
        }

        /// Every column's names, in column order, folded once for matching headers.
        static let headerNames = allCases.map { CSVColumnNames($0.names) }
    }

    /// Lines from CSV bytes (UTF-8 with or without BOM, or GB18030); problems name `line N, column M`.
    static func lines(fromCSV bytes: [UInt8]) throws -> [RosterLine] {
        try lines(from: try readable { () throws(CSVError) in try CSVTable.decode(bytes) })
    }

    /// Lines from the first sheet of an .xlsx workbook; problems name `line N, column M` with N the
    /// sheet's row. A staff number typed as a number is read as its digits (`3`); one of 16 or more
    /// digits is refused (`xlsx.number-precision`), its last digits being already lost.
    static func lines(fromWorkbook bytes: [UInt8]) throws -> [RosterLine] {
        try lines(from: try readable { () throws(CSVError) in try CSVTable.decodeWorkbook(bytes) })
    }

    /// The table `read` gives, or 400 `/problems/malformed` naming the line, column and rule.
    static func readable(_ read: () throws(CSVError) -> CSVTable) throws -> CSVTable {
        do {
            return try read()
        } catch {
            throw ProblemDetails(
                status: .badRequest,
                type: "/problems/malformed",
                title: "格式错误 Malformed body",
                detail: error.description,
                field: "line \(error.line), column \(error.column)",
                rule: RuleID(error.rule.rawValue)
            )
        }
    }

    /// Lines from a table read from CSV or a workbook.
    static func lines(from table: CSVTable) throws -> [RosterLine] {
        // Each column's position in the file, resolved once.
        let position = table.columnIndices(Column.headerNames)
        for column in [Column.staffNo, .grade] where position[column.rawValue] == nil {
            throw ProblemDetails.invalid(
                "line 1",
                rule: "roster.header",
                "表头缺少“\(column.names[0])”列(或 \(column.names[1])) / the header lacks the \(column.names[1]) column"
            )
        }
        guard table.rows.count <= maxLines else {
            throw ProblemDetails.invalid("line \(maxLines + 2)", rule: "roster.max-lines", "名册最多\(maxLines)行 / at most \(maxLines) lines")
        }
        return try table.rows.map { row in
            func cell(_ column: Column) -> String {
                "line \(row.line), column \((position[column.rawValue] ?? 0) + 1)"
            }
            func locate(_ key: String) -> String {
                cell(Column.allCases.first { $0.key == key } ?? .staffNo)
            }
            func text(_ column: Column) -> String? {
                guard let field = position[column.rawValue] else { return nil }
                let value = row.fields[field].trimmingBlanks()
                return value.isEmpty ? nil : value
            }
            func flag(_ column: Column) throws -> Bool? {
                guard let value = text(column) else { return nil }
                guard let answer = yesNoTerms.lookup(value, ignoringCase: true) else {
                    throw ProblemDetails.invalid(cell(column), rule: "roster.boolean", "“\(value)”应为 是/否 / must be yes or no")
                }
                return answer
            }
            func months(_ column: Column) throws -> Int? {
                guard let value = text(column) else { return nil }
                guard let number = Int(value) else {
                    throw ProblemDetails.invalid(
                        cell(column),
                        rule: "roster.months",
                        "“\(value)”应为0–12的整数 / must be a whole number of months"
                    )
                }
                return number
            }
            var score: Score?
            if let value = text(.score) {
                do { score = try Score(parsing: value) } catch let error as ScoreParseError {
                    throw ProblemDetails.invalid(cell(.score), rule: "score.\(error.rule.rawValue)", error.description)
                }
            }
            let line = Line(
                staffNo: text(.staffNo) ?? "",
                name: text(.name),
                postCategory: text(.postCategory),
                level: text(.level),
                score: score,
                grade: text(.grade) ?? "",
                sanction: text(.sanction),
                underInvestigation: try flag(.underInvestigation),
                probation: try flag(.probation),
                leaveMonths: try months(.leaveMonths),
                unassignedMonths: try months(.unassignedMonths),
                refused: try flag(.refused),
                quarters: text(.quarters).map(splitQuarters)
            )
            return try make(line, number: row.line, locate: locate)
        }
    }

    static let yesNoTerms = TermTable<Bool>([
        ("是", true), ("true", true), ("1", true), ("y", true), ("yes", true),
        ("否", false), ("false", false), ("0", false), ("n", false), ("no", false),
    ])

    /// A 季度结果 cell split at `;` `；` `、` `,` `，`, each term trimmed.
    static func splitQuarters(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { scalar in
            switch scalar {
            case ";", "；", "、", ",", "，": true
            default: false
            }
        }).map { String($0).trimmingBlanks() }
    }

    /// Checks one line's values and terms; `locate` names a field for problems.
    static func make(_ line: Line, number: Int, locate: (String) -> String) throws -> RosterLine {
        let staffNo = line.staffNo.trimmingBlanks()
        guard !staffNo.isEmpty, fits(staffNo, 64) else {
            throw ProblemDetails.invalid(
                locate("staffNo"),
                rule: "roster.staff-no",
                "工号不能为空,最多64个字符 / staff number required, at most 64 characters"
            )
        }
        func checkText(_ key: String, _ value: String) throws {
            guard fits(value, 100), !value.utf8.contains(0) else {
                throw ProblemDetails.invalid(locate(key), rule: "roster.text", "文本过长或含有非法字符 / text too long or holds a NUL character")
            }
        }
        try checkText("staffNo", staffNo)
        try checkText("name", line.name ?? "")
        try checkText("postCategory", line.postCategory ?? "")
        try checkText("level", line.level ?? "")
        guard let grade = staffGrade(line.grade) else {
            throw ProblemDetails.invalid(
                locate("grade"),
                rule: "roster.grade",
                "等次“\(line.grade)”无效(优秀/良好/合格/基本合格/不合格/不定等次/不参加) / unknown grade"
            )
        }
        let levelText = line.level ?? ""
        guard let level = levelTerms.lookup(levelText) ?? (levelText.isEmpty ? .general : nil) else {
            throw ProblemDetails.invalid(
                locate("level"),
                rule: "roster.level",
                "层级“\(levelText)”无效(\(StaffLevel.choices),可简写为领导班子/中层/一般) / unknown level"
            )
        }
        var post: PostCategory?
        if let text = line.postCategory, !text.isEmpty {
            guard let value = postTerms.lookup(text) else {
                throw ProblemDetails.invalid(
                    locate("postCategory"),
                    rule: "roster.post-category",
                    "岗位类别“\(text)”无效(\(PostCategory.choices)) / unknown post category"
                )
            }
            post = value
        }
        var sanction = Sanction.none
        if let text = line.sanction {
            guard let value = self.sanction(text) else {
                throw ProblemDetails.invalid(
                    locate("sanction"),
                    rule: "roster.sanction",
                    "处分“\(text)”无效(无/警告/记过/降低岗位等级/撤职) / unknown sanction"
                )
            }
            sanction = value
        }
        // 综合量化测评分 is out of 100 (篇十三 第十六–十八条): below 0 and above 100 are refused alike.
        if let score = line.score, score.isNegative || score > Score(points: 100) {
            throw ProblemDetails.invalid(locate("score"), rule: "roster.score-range", "测评分\(score)应在0–100之间 / the score must be 0–100")
        }
        if let value = line.leaveMonths, !(0...12).contains(value) {
            throw ProblemDetails.invalid(locate("leaveMonths"), rule: "roster.months", "月数应为0–12 / months must be 0–12")
        }
        if let value = line.unassignedMonths, !(0...12).contains(value) {
            throw ProblemDetails.invalid(locate("unassignedMonths"), rule: "roster.months", "月数应为0–12 / months must be 0–12")
        }
        var quarters: [QuarterResult] = []
        for text in line.quarters ?? [] {
            guard let value = quarter(text) else {
                throw ProblemDetails.invalid(
                    locate("quarters"),
                    rule: "roster.quarter",
                    "季度结果“\(text)”无效(优秀/良好/称职/不称职) / unknown quarterly result"
                )
            }
            quarters.append(value)
        }
        guard quarters.count <= 4 else {
            throw ProblemDetails.invalid(locate("quarters"), rule: "roster.quarter", "季度结果最多4个 / at most 4 quarters")
        }
        let staff = StaffRecord(
            staffNo: staffNo,
            score: line.score,
            grade: grade,
            sanction: sanction,
            underInvestigation: line.underInvestigation ?? false,
            probation: line.probation ?? false,
            leaveMonths: line.leaveMonths ?? 0,
            unassignedMonths: line.unassignedMonths ?? 0,
            refused: line.refused ?? false,
            quarters: quarters,
            level: level,
            post: post
        )
        return RosterLine(line: number, staff: staff, name: line.name ?? "", postCategory: line.postCategory ?? "", level: line.level ?? "")
    }

    /// At most `limit` characters. Most text is answered from its UTF-8 length (never fewer bytes
    /// than characters) without counting grapheme clusters.
    static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit || text.count <= limit
    }

    static let gradeTerms = TermTable(StaffGrade.allCases.flatMap { [($0.rawValue, $0), ($0.chinese, $0)] })
    static let sanctionTerms = TermTable(Sanction.allCases.flatMap { [($0.rawValue, $0), ($0.chinese, $0)] })
    static let levelTerms = TermTable(StaffLevel.terms)
    static let postTerms = TermTable(PostCategory.terms)
    static let quarterResultTerms = TermTable(QuarterResult.allCases.flatMap { [($0.rawValue, $0), ($0.chinese, $0)] })

    static func staffGrade(_ text: String) -> StaffGrade? { gradeTerms.lookup(text) }

    static func sanction(_ text: String) -> Sanction? {
        text.isEmpty ? Sanction.none : sanctionTerms.lookup(text)
    }

    static func quarter(_ text: String) -> QuarterResult? { quarterResultTerms.lookup(text) }
}

/// The terms a roster cell may hold, and what each means. Looked up by the text's exact UTF-8 bytes
/// first: a roster holds a handful of terms in every line, and comparing Chinese text as `String`
/// goes through Unicode normalisation each time. Only a miss is compared as `String` (which also
/// accepts a canonically equivalent spelling), lowercased when case does not matter.
struct TermTable<Value: Sendable>: Sendable {
    let entries: [(term: String, bytes: [UInt8], value: Value)]

    init(_ terms: [(String, Value)]) {
        entries = terms.map { ($0.0, Array($0.0.utf8), $0.1) }
    }

    func lookup(_ text: String, ignoringCase: Bool = false) -> Value? {
        var text = text
        let exact = text.withUTF8 { bytes in
            entries.first { $0.bytes.count == bytes.count && $0.bytes.elementsEqual(bytes) }?.value
        }
        if let exact { return exact }
        let folded = ignoringCase ? text.lowercased() : text
        return entries.first { (ignoringCase ? $0.term.lowercased() : $0.term) == folded }?.value
    }
}
