import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// A committee's scores for all its units from one workbook (批量报送评分), linked from the units page
/// for a committee account:
/// - `GET …/units/scores-template.xlsx` (and `.csv`): one row per enrolled unit of the committee —
///   code and name, each 定性 point (好/中/差), each 定量 indicator with its maximum in the header,
///   one 加分 and one 减分 with their reasons — filled with the unit's latest filed sheet;
/// - `POST …/units/scores` (multipart, the file): every row is read and checked by the cycle's scheme
///   first (`scheme.assess`, as a single sheet is); any problem refuses the whole file, each named by
///   its line and column, and nothing is filed. Otherwise each row with any score is filed through
///   `FilingStore.fileAssessment` — the path of `PUT /api/v1/…/assessment`, one version and audit
///   entry per unit — and the page lists every unit's total. Rows left empty are skipped.
struct BulkScoresController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        for format in SheetFormat.allCases {
            router.get("/counties/{county}/cycles/{cycle}/units/scores-template.\(format.fileExtension)") { _, context in
                try await template(context: context, format: format)
            }
        }
        router.post("/counties/{county}/cycles/{cycle}/units/scores") { request, context in
            try await FormOnce(idempotency: dashboard.stores.idempotency).run(multipart: request, context: context) { form in
                try await upload(form, context: context)
            }
        }
    }

    /// The committee's page and its enrolled units, or 403/404.
    func committee(_ context: KaoheRequestContext) async throws -> (CyclePage, String, [UnitRecord], IndicatorScheme) {
        let page = try await dashboard.cyclePage(context, current: .units)
        guard page.principal.role == .committee, let committee = page.principal.committee else {
            throw DashboardRefusal(status: .forbidden, message: "只有专业考核委员会的账号可以批量报送本专考委单位的评分。")
        }
        let enrolled = Set(page.cycle.units)
        let units = try await dashboard.registry.units(county: page.county.code, committee: committee)
            .filter { enrolled.contains($0.code) }.sorted { $0.code < $1.code }
        // The committee's units share its weights: the scheme of any of them is the committee's.
        let scheme =
            if let first = units.first {
                try await dashboard.stores.filings.scheme(cycle: page.cycleRef, unit: first.code)
            } else {
                try SchemeLoader.builtIn(page.cycle.definition.scheme)
            }
        return (page, committee, units, scheme)
    }

    /// The template's columns: (header, form field) in order.
    static func columns(_ scheme: IndicatorScheme) -> [(header: String, field: String)] {
        [("统一社会信用代码", "code"), ("单位名称", "name")]
            + scheme.qualitative.map { ("\($0.name)(好/中/差)", "qualitative.\($0.id)") }
            + scheme.indicators.map { ("\($0.name)(满分\($0.max))", "scores.\($0.id)") }
            + [
                ("加分", "additions[0].points"), ("加分理由", "additions[0].reason"), ("减分", "deductions[0].points"),
                ("减分理由", "deductions[0].reason"),
            ]
    }

    func template(context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let (page, _, units, scheme) = try await committee(context)
        let columns = Self.columns(scheme)
        var sheet = Sheet(
            name: "专考委评分",
            columns: columns.map {
                $0.field == "code" ? .identifier($0.header) : $0.field.hasPrefix("scores.") ? .number($0.header) : SheetColumn($0.header)
            }
        )
        for unit in units {
            let latest = try await dashboard.stores.filings.history(cycle: page.cycleRef, unit: unit.code, step: .assessment)
                .max { $0.version < $1.version }
            var values: [String: String] = [:]
            if let filed = try? latest?.decodeContent(AssessmentContent.self) {
                values = ScoreSheetForm.values(of: filed.sheet)
                for point in scheme.qualitative {
                    values["qualitative.\(point.id)"] =
                        values["qualitative.\(point.id)"].flatMap(QualitativeRating.init(rawValue:))?.chinese
                }
            }
            values["code"] = unit.code.rawValue
            values["name"] = unit.name
            sheet.append(columns.map { values[$0.field] ?? "" })
        }
        return try sheet.download(format, named: "专考委评分模板-\(page.cycle.definition.cycle)")
    }

    /// The scheme's refusals of a sheet (none when it would be filed).
    /// The sheet's totals, or its problems by field.
    static func assess(_ sheet: UnitScoreSheet, scheme: IndicatorScheme) -> Result<AssessedScores, ScoreSheetError> {
        Result { () throws(ScoreSheetError) in try scheme.assess(sheet) }
    }

    struct ResultView: Sendable {
        var back: String
        var problems: [String]
        var hasProblems: Bool
        var filed: [Line]
        var hasFiled: Bool
        var skipped: Int

        struct Line: Sendable {
            var name: String
            var code: String
            var href: String
            var total: String
            var version: Int
        }
    }

    func upload(_ form: MultipartForm?, context: KaoheRequestContext) async throws -> Response {
        let (page, _, units, scheme) = try await committee(context)
        var result = ResultView(back: page.base + "/units", problems: [], hasProblems: false, filed: [], hasFiled: false, skipped: 0)
        func answer(_ status: HTTPResponse.Status) -> Response {
            result.hasProblems = !result.problems.isEmpty
            result.hasFiled = !result.filed.isEmpty
            var rendered = page.render("bulk-scores", result, title: "批量报送评分")
            rendered.status = status
            return rendered.response()
        }
        guard let file = form?.file("file"), !file.body.isEmpty else {
            result.problems = ["请选择要上传的评分文件(Excel 工作簿 .xlsx 或 CSV)。"]
            return answer(.unprocessableContent)
        }
        let table: CSVTable
        do {
            table = try CSVTable.decode(spreadsheet: file.body)
        } catch {
            result.problems = ["文件无法读取,第\(error.line)行第\(error.column)列:" + ChineseText.of(error.message)]
            return answer(.unprocessableContent)
        }
        let columns = Self.columns(scheme)
        // Columns by the template's header, or by the indicator's name without its maximum.
        var positions: [String: Int] = [:]
        for column in columns {
            let short = String(column.header.prefix { $0 != "(" })
            if let index = table.header.firstIndex(where: { $0.trimmingBlanks() == column.header || $0.trimmingBlanks() == short }) {
                positions[column.field] = index
            }
        }
        guard let codeColumn = positions["code"] else {
            result.problems = ["第\(table.headerLine)行:表头缺少“统一社会信用代码”列。请下载模板填写。"]
            return answer(.unprocessableContent)
        }
        let mine = Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var sheets: [(unit: UnitRecord, sheet: UnitScoreSheet, total: Score)] = []
        var seen: Set<UnitCode> = []
        for row in table.rows {
            func cell(_ field: String) -> String {
                guard let index = positions[field], index < row.fields.count else { return "" }
                return row.fields[index].trimmingBlanks()
            }
            let code = UnitCode(cell("code").uppercased())
            guard !code.rawValue.isEmpty else { continue }
            guard let unit = mine[code] else {
                result.problems.append("第\(row.line)行第\(codeColumn + 1)列:“\(code)”不是本专考委本周期参加考核的单位。")
                continue
            }
            guard seen.insert(code).inserted else {
                result.problems.append("第\(row.line)行:单位“\(unit.name)”在文件中出现了两次。")
                continue
            }
            var values: [String: String] = [:]
            for column in columns.dropFirst(2) { values[column.field] = cell(column.field) }
            if values.values.allSatisfy(\.isEmpty) {
                result.skipped += 1
                continue
            }
            for point in scheme.qualitative {
                let typed = values["qualitative.\(point.id)"] ?? ""
                values["qualitative.\(point.id)"] =
                    QualitativeRating.allCases.first { $0.chinese == typed || $0.rawValue == typed }?.rawValue ?? typed
            }
            let (sheet, unreadable) = ScoreSheetForm.sheet(from: values, scheme: scheme)
            var issues = unreadable
            if let sheet {
                switch Self.assess(sheet, scheme: scheme) {
                case .success(let assessed):
                    if issues.isEmpty { sheets.append((unit, sheet, assessed.total)) }
                case .failure(let error):
                    for issue in error.issues where issues[issue.field] == nil { issues[issue.field] = ChineseText.of(issue.message) }
                }
            }
            for (field, message) in issues.sorted(by: { $0.key < $1.key }) {
                let column = columns.firstIndex { $0.field == field }.flatMap { positions[columns[$0].field] }.map { "第\($0 + 1)列" } ?? ""
                let name = columns.first { $0.field == field }?.header ?? field
                result.problems.append("第\(row.line)行\(column)(\(unit.name),\(name)):" + ScoreSheetForm.plain(message))
            }
        }
        guard result.problems.isEmpty else { return answer(.unprocessableContent) }
        do {
            let versions = try await dashboard.stores.filings.fileAssessments(
                cycle: page.cycleRef,
                sheets: sheets.map { ($0.unit.code, $0.sheet) },
                principal: page.principal
            )
            result.filed = zip(sheets, versions).map { filed, version in
                .init(
                    name: filed.unit.name,
                    code: filed.unit.code.rawValue,
                    href: page.unitHref(filed.unit.code),
                    total: filed.total.description,
                    version: version.version
                )
            }
        } catch let refused as FilingStore.BatchRefusal {
            let name = sheets.first { $0.unit.code == refused.unit }?.unit.name ?? refused.unit.rawValue
            result.problems.append("“\(name)”的评分未能报送:" + ChineseText.of(refused.refusal.message))
            return answer(HTTPResponse.Status(code: refused.refusal.refusalKind.status))
        }
        return answer(.ok)
    }
}
