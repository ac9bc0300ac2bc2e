import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// 上传考核名册 on the unit page, for the unit's own account:
/// - `POST …/units/{code}/roster`: a `multipart/form-data` form with the file (`.xlsx` or CSV in
///   UTF-8 with or without BOM, or GB18030) and `collectiveAward`; filed through `RosterFiling`, the
///   same path as `PUT /api/v1/…/roster` (same reading, same staff-number repair, same audit entry),
///   then 303 back to the unit page, which says what was filed. A file that cannot be read is the
///   unit page again (422, or 409 for a closed step) with the reason beside the file field, naming
///   the line and column in Chinese, and nothing is stored. The CSRF token is checked by
///   `SessionMiddleware` before this runs.
/// - `GET …/units/{code}/roster-template.xlsx|csv`: an empty roster with the columns the importer
///   reads and one sample line.
struct RosterUploadController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.post("/counties/{county}/cycles/{cycle}/units/{code}/roster", use: upload)
        for format in SheetFormat.allCases {
            router.get("/counties/{county}/cycles/{cycle}/units/{code}/roster-template.\(format.fileExtension)") { _, context in
                try await template(context: context, format: format)
            }
        }
    }

    /// The form's file, filed as the unit's roster.
    @Sendable func upload(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        try await FormOnce(idempotency: dashboard.stores.idempotency).run(multipart: request, context: context) { form in
            try await uploadOnce(form, context: context)
        }
    }

    func uploadOnce(_ form: MultipartForm?, context: KaoheRequestContext) async throws -> Response {
        do {
            return try await file(form, context: context)
        } catch let refusal as UploadRefusal {
            // The unit page again, the reason beside the file field.
            return try await UnitPageController(dashboard: dashboard).again(
                try await dashboard.cyclePage(context, current: .units),
                code: try context.parameters.require("code", as: UnitCode.self),
                status: refusal.status
            ) { $0.uploadError = refusal.message }
        }
    }

    /// A file the form cannot file: the status and the reason in Chinese.
    struct UploadRefusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    func file(_ form: MultipartForm?, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        let cycle = page.cycle.definition.cycle
        let filings = dashboard.stores.filings
        guard let (unit, basis) = try await filings.unitForRoster(cycle: page.cycleRef, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        guard page.policy.fileAsUnit(for: AccessPolicy.UnitRef(unit)) == .allowed else {
            throw DashboardRefusal(status: .forbidden, message: "只有本单位的账号可以报送本单位的考核名册。")
        }
        guard let form else { throw DashboardRefusal(status: .badRequest, message: "上传的表单无法读取,请返回上一页重新选择文件后提交。") }
        guard let file = form.file("file"), !file.body.isEmpty else {
            throw UploadRefusal(status: .unprocessableContent, message: "请选择要上传的考核名册文件(Excel 工作簿 .xlsx 或 CSV)。")
        }
        guard file.body.count <= FilingsController.maxRosterBody else {
            throw UploadRefusal(status: .contentTooLarge, message: "名册文件超过 16 MiB,未保存任何内容。请删去多余的工作表或图片后重新上传。")
        }
        let target = FilingsController.Target(principal: page.principal, county: page.county.code, cycle: cycle, unit: code)
        let filed: (filing: FilingVersion, notices: [StaffNumberNotice])
        do {
            let lines = try RosterFiling.lines(fromFile: file.body)
            filed = try await RosterFiling.file(
                lines,
                collectiveAward: form["collectiveAward"] == "on",
                target: target,
                basis: basis,
                store: filings
            )
        } catch let problem as ProblemDetails where problem.status.code < 500 {
            throw UploadRefusal(
                status: problem.status,
                message: "未能读取名册,未保存任何内容:" + Self.chinese(problem) + "。请改正后重新上传。"
            )
        } catch let error as CycleError {
            throw UploadRefusal(status: .conflict, message: "未能报送名册:" + ChineseText.of(error.message))
        }
        let location =
            page.base + "/units/" + code.rawValue + "?filed=roster&version=\(filed.filing.version)&restored=\(filed.notices.count)"
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// An empty roster with the importer's columns and a sample line.
    func template(context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        var sheet = Sheet(
            name: "考核名册",
            columns: RosterInput.Column.allCases.map { column in
                switch column {
                case .staffNo: .identifier(column.names[0])
                case .score, .leaveMonths, .unassignedMonths: .number(column.names[0])
                default: SheetColumn(column.names[0])
                }
            }
        )
        sheet.append(["0001", "张三", "专业技术", "一般", "88.50", "合格", "无", "否", "否", "0", "0", "否", "称职、称职、优秀、称职"])
        return try sheet.download(format, named: "考核名册模板-\(code)")
    }

    /// A refusal in words a clerk reads: `第5行第4列:“x”应为 是/否` from a problem whose field is
    /// `line 5, column 4` and whose detail is `中文 / English`.
    static func chinese(_ problem: ProblemDetails) -> String {
        var location = ""
        if let field = problem.field {
            let numbers = field.split(whereSeparator: { !$0.isNumber }).map(String.init)
            if field.hasPrefix("line "), numbers.count == 2 { location = "第\(numbers[0])行第\(numbers[1])列:" }
        }
        var detail = problem.detail
        // A file error's detail starts with its own location (`第7行第3列 line 7, column 3: `).
        if let colon = detail.range(of: ": "), detail.hasPrefix("第") { detail = String(detail[colon.upperBound...]) }
        return location + ChineseText.of(detail)
    }
}
