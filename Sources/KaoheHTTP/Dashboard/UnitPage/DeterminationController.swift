import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 补定等次 on the unit page, for the office: `POST …/units/{code}/determinations` (URL-encoded,
/// `_once`), `FilingStore.determineGrade` — the same as `POST /api/v1/…/roster/determinations` —,
/// then 303 to the unit page, which says which roster version it made. A refusal is the unit page
/// again with the reason above the form and what was typed kept.
struct DeterminationController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.post("/counties/{county}/cycles/{cycle}/units/{code}/determinations") { request, context in
            try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
                try await determine(form, context: context)
            }
        }
    }

    func determine(_ form: FormBody, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        try page.requireOffice()
        do {
            guard let grade = form.text("grade").flatMap(StaffGrade.init(rawValue:)) else {
                throw CycleError(.invalid, "请选择补定的等次 / choose the grade", field: "/grade", rule: "determination.grade")
            }
            let filing = try await dashboard.stores.filings.determineGrade(
                cycle: page.cycleRef,
                unit: code,
                staffNo: form.text("staffNo") ?? "",
                grade: grade,
                sanction: form.text("sanction").flatMap(Sanction.init(rawValue:)) ?? .none,
                caseReference: form.text("case") ?? "",
                reason: form.text("reason") ?? "",
                principal: page.principal
            )
            let location = page.base + "/units/" + code.rawValue + "?filed=roster&version=\(filing.version)"
            return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        } catch let error as CycleError {
            return try await UnitPageController(dashboard: dashboard).again(
                page,
                code: code,
                status: HTTPResponse.Status(code: error.refusalKind.status)
            ) { view in
                guard var determination = view.determination else { return }
                determination.error = "未能补定等次:" + ChineseText.of(error.message)
                determination.caseReference = form.text("case") ?? ""
                determination.reason = form.text("reason") ?? ""
                let chosen = (form.text("staffNo") ?? "", form.text("grade") ?? "", form.text("sanction") ?? "")
                determination.pending = determination.pending.map {
                    SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen.0)
                }
                determination.grades = determination.grades.map {
                    SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen.1)
                }
                determination.sanctions = determination.sanctions.map {
                    SelectOption(value: $0.value, label: $0.label, selected: $0.value == chosen.2)
                }
                view.determination = determination
            }
        }
    }
}
