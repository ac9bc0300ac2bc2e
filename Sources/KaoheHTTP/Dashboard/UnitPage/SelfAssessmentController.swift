import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 自评报告 on the unit page:
/// - `POST …/units/{code}/self-assessment`: a `multipart/form-data` form with the report text and
///   PDF files, for the unit's own account; filed as one new version through
///   `FilingStore.fileSelfAssessment`, the same path as the API's `PUT …/self-assessment` and
///   `PUT …/self-assessment/attachments/{name}` (same rules, same `filing.self_assessment` audit
///   entry), then 303 back to the unit page, which says what was filed. A refusal is the unit page
///   again (422, 409 for a closed step, 413 for too much) with the reason beside the form, the text
///   typed kept in the box, and nothing stored. The CSRF token is checked by `SessionMiddleware`.
/// - `GET …/units/{code}/self-assessment/attachments/{name}`: an attachment of the latest version,
///   for every account that may see the unit.
struct SelfAssessmentController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.post("/counties/{county}/cycles/{cycle}/units/{code}/self-assessment", use: submit)
        router.get("/counties/{county}/cycles/{cycle}/units/{code}/self-assessment/attachments/{name}", use: attachment)
    }

    /// A form the page cannot file: the status, the reason in Chinese, and the text to show again.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
        var report: String?
    }

    /// The form, filed as the unit's self-assessment.
    @Sendable func submit(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        try await FormOnce(idempotency: dashboard.stores.idempotency).run(multipart: request, context: context) { form in
            try await submitOnce(form, context: context)
        }
    }

    func submitOnce(_ form: MultipartForm?, context: KaoheRequestContext) async throws -> Response {
        do {
            return try await file(form, context: context)
        } catch let refusal as Refusal {
            return try await UnitPageController(dashboard: dashboard).again(
                try await dashboard.cyclePage(context, current: .units),
                code: try context.parameters.require("code", as: UnitCode.self),
                status: refusal.status
            ) { view in
                view.selfAssessment.reportError = refusal.message
                if let report = refusal.report { view.selfAssessment.form?.report = report }
            }
        }
    }

    func file(_ form: MultipartForm?, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        guard page.policy.fileAsUnit(for: AccessPolicy.UnitRef(unit)) == .allowed else {
            throw DashboardRefusal(status: .forbidden, message: "只有本单位的账号可以报送本单位的自评报告。")
        }
        guard let form else { throw DashboardRefusal(status: .badRequest, message: "提交的表单无法读取,请返回上一页重新填写后提交。") }
        // A browser sends a textarea's line breaks as CR LF; the report is stored with LF.
        let report = (form["report"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let files = form.files("attachments")
        guard files.reduce(0, { $0 + $1.body.count }) <= SessionMiddleware.maxSelfAssessmentFiles else {
            throw Refusal(
                status: .contentTooLarge,
                message: "一次上传的附件合计超过 60 MiB,未保存任何内容。请分几次上传,每次少选几个文件。",
                report: report
            )
        }
        let filing: FilingVersion
        do {
            filing = try await dashboard.stores.filings.fileSelfAssessment(
                cycle: page.cycleRef,
                unit: code,
                report: report,
                attachments: files.map { AttachmentUpload(name: Self.fileName($0.fileName ?? ""), bytes: $0.body) },
                principal: page.principal
            )
        } catch let error as CycleError {
            throw Refusal(
                status: HTTPResponse.Status(code: error.refusalKind.status),
                message: "未能报送自评报告,未保存任何内容:" + ChineseText.of(error.message)
                    + (files.isEmpty ? "" : "(所选附件需重新选择。)"),
                report: report
            )
        }
        let location = page.base + "/units/" + code.rawValue + "?filed=self-assessment&version=\(filing.version)#self-assessment"
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The name a browser sent, without a folder (an old browser sends `C:\…\报告.pdf`).
    static func fileName(_ sent: String) -> String {
        String(sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
    }

    /// An attachment of the latest self-assessment, as a download.
    @Sendable func attachment(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee),
            SelfAssessmentRules.isAcceptable(attachmentName: name),
            let (reference, bytes) = try await dashboard.stores.filings.attachment(cycle: page.cycleRef, unit: code, name: name)
        else { throw ProblemDetails.notFound("附件 attachment") }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        response.headers[.contentType] = reference.contentType
        response.headers[.contentDisposition] = FilingsController.attachmentDisposition(name)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }
}
