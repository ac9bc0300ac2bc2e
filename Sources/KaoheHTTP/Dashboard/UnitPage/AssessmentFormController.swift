import Hummingbird
import KaoheRules
import KaoheStore

/// 专考委考核评分 on the unit page: `POST …/units/{code}/assessment`, the score sheet form of the
/// unit's committee (URL-encoded, at most `FormBody.maxBody`). Filed through
/// `FilingStore.fileAssessment`, the path of `PUT /api/v1/…/assessment` (the scheme's checks, the
/// totals computed by the server, the `filing.assessment` audit entry), then 303 back to the unit
/// page, which shows the totals. A refusal is the unit page again (422; 409 once the step has
/// closed) with every message beside its field and a summary above the form, everything typed kept,
/// and nothing stored. Submitted once per rendering (``FormOnce``).
struct AssessmentFormController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.post("/counties/{county}/cycles/{cycle}/units/{code}/assessment", use: submit)
    }

    @Sendable func submit(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let bytes = try await APIBody.read(request, limit: FormBody.maxBody)
        let form = FormBody(parsing: String(decoding: bytes, as: UTF8.self))
        return try await FormOnce(idempotency: dashboard.stores.idempotency).run(
            request,
            context: context,
            token: form[FormOnce.field],
            body: bytes
        ) {
            try await file(form, context: context)
        }
    }

    func file(_ form: FormBody, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        guard page.policy.fileAsCommittee(for: AccessPolicy.UnitRef(unit)) == .allowed else {
            throw DashboardRefusal(status: .forbidden, message: "只有本单位所属专考委的账号可以为本单位评分。")
        }
        let scheme = try SchemeLoader.builtIn(page.cycle.definition.scheme)
        let (sheet, unreadable) = ScoreSheetForm.sheet(from: form.fields, scheme: scheme)
        var errors = unreadable
        var status = HTTPResponse.Status.unprocessableContent
        if let sheet {
            do {
                let filing = try await dashboard.stores.filings.fileAssessment(
                    cycle: page.cycleRef,
                    unit: code,
                    sheet: sheet,
                    principal: page.principal
                )
                let location = page.base + "/units/" + code.rawValue + "?filed=assessment&version=\(filing.version)#assessment"
                return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
            } catch let error as ScoreSheetError {
                for issue in error.issues where errors[issue.field] == nil {
                    errors[issue.field] = ScoreSheetForm.plain(RosterUploadController.chinesePart(issue.message))
                }
            } catch let error as CycleError {
                status = HTTPResponse.Status(code: error.refusalKind.status)
                errors["form"] = "未能报送评分:" + RosterUploadController.chinesePart(error.message)
            }
        }
        var view = try await UnitPageController(dashboard: dashboard).load(page, code: code)
        view.scoreSheet = ScoreSheetForm.make(
            scheme: scheme,
            values: form.fields,
            errors: errors,
            action: page.base + "/units/" + code.rawValue + "/assessment",
            csrf: page.session.csrfToken
        )
        var rendered = page.render("unit", view, title: view.name)
        rendered.status = status
        return rendered.response()
    }
}
