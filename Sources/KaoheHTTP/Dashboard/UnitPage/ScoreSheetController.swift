import Hummingbird
import KaoheRules
import KaoheStore

/// The score sheet forms of the unit page (URL-encoded, at most `FormBody.maxBody`, once per
/// rendering through ``FormOnce``):
/// - `POST …/units/{code}/assessment`: the unit's committee, filed through
///   `FilingStore.fileAssessment` — the path of `PUT /api/v1/…/assessment` (the scheme's checks, the
///   totals computed by the server, the `filing.assessment` audit entry);
/// - `POST …/units/{code}/recheck`: a reviewer assigned to the unit, filed through
///   `GradingStore.fileRecheck` — the path of `PUT /api/v1/…/recheck` (compared with the committee's
///   total, `recheck.file` audited).
///
/// With `preview` (the 计算合计 button) nothing is filed: the unit page again (200) with the totals the
/// scheme computes for what was typed, the form as typed, and 报送 still to press.
///
/// Then 303 back to the unit page, which states the totals. A refusal is the unit page again (422;
/// 409 when the step or the grading no longer takes it) with every message beside its field and a
/// summary above the form, everything typed kept, and nothing stored.
struct ScoreSheetController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        for kind in [ScoreSheetForm.Kind.assessment, .recheck] {
            router.post("/counties/{county}/cycles/{cycle}/units/{code}/\(kind.path)") { request, context in
                try await submit(request, context: context, kind: kind)
            }
        }
    }

    @Sendable func submit(_ request: Request, context: KaoheRequestContext, kind: ScoreSheetForm.Kind) async throws -> Response {
        try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
            try await file(form, context: context, kind: kind)
        }
    }

    func file(_ form: FormBody, context: KaoheRequestContext, kind: ScoreSheetForm.Kind) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let code = try context.parameters.require("code", as: UnitCode.self)
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        switch kind {
        case .assessment:
            guard page.policy.fileAsCommittee(for: AccessPolicy.UnitRef(unit)) == .allowed else {
                throw DashboardRefusal(status: .forbidden, message: "只有本单位所属专考委的账号可以为本单位评分。")
            }
        case .recheck:
            // A reviewer sees exactly its assigned units (any other is the 404 above).
            guard page.principal.role == .reviewer else {
                throw DashboardRefusal(status: .forbidden, message: "只有选派的核验人员可以在此报送核验评分。")
            }
        }
        let scheme = try await dashboard.stores.filings.scheme(cycle: page.cycleRef, unit: code)
        let (sheet, unreadable) = ScoreSheetForm.sheet(from: form.fields, scheme: scheme)
        var errors = unreadable
        var status = HTTPResponse.Status.unprocessableContent
        if let sheet, form["preview"] != nil {
            // 计算合计: the scheme's own totals of what was typed, shown above 报送; nothing is filed.
            do {
                let assessed = try scheme.assess(sheet)
                // The sheet as the server reads it: a 创先争优 score left blank shows its awards' sum.
                var shown = ScoreSheetForm.make(
                    scheme: scheme,
                    values: ScoreSheetForm.values(of: sheet),
                    errors: [:],
                    kind: kind,
                    unitBase: page.base + "/units/" + code.rawValue,
                    csrf: page.session.csrfToken
                )
                shown.preview = Self.preview(assessed, kind: kind)
                return try await UnitPageController(dashboard: dashboard).again(page, code: code, status: .ok) { $0.scoreSheet = shown }
            } catch let error as ScoreSheetError {
                for issue in error.issues where errors[issue.field] == nil {
                    errors[issue.field] = ScoreSheetForm.plain(ChineseText.of(issue.message))
                }
            }
        } else if let sheet {
            do {
                let version: Int
                switch kind {
                case .assessment:
                    version = try await dashboard.stores.filings.fileAssessment(
                        cycle: page.cycleRef,
                        unit: code,
                        sheet: sheet,
                        principal: page.principal
                    ).version
                case .recheck:
                    version = try await dashboard.stores.grading.fileRecheck(
                        cycle: page.cycleRef,
                        unit: code,
                        reviewer: page.principal.reviewer ?? page.principal.account,
                        sheet: sheet,
                        principal: page.principal
                    ).version
                }
                let location = page.base + "/units/" + code.rawValue + "?filed=\(kind.rawValue)&version=\(version)#\(kind.rawValue)"
                return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
            } catch let error as ScoreSheetError {
                for issue in error.issues where errors[issue.field] == nil {
                    errors[issue.field] = ScoreSheetForm.plain(ChineseText.of(issue.message))
                }
            } catch let error as CycleError {
                status = HTTPResponse.Status(code: error.refusalKind.status)
                errors["form"] = "未能报送评分:" + ChineseText.of(error.message)
            }
        }
        // A sheet the scheme refused is shown as it read it: its lists' rows in the order the refusals
        // number them (a blank row typed between two is closed up); an unreadable one as typed.
        let refusedSheet = ScoreSheetForm.make(
            scheme: scheme,
            values: sheet.map(ScoreSheetForm.values(of:)) ?? form.fields,
            errors: errors,
            kind: kind,
            unitBase: page.base + "/units/" + code.rawValue,
            csrf: page.session.csrfToken
        )
        return try await UnitPageController(dashboard: dashboard).again(page, code: code, status: status) { $0.scoreSheet = refusedSheet }
    }

    /// The totals of a 计算合计, in words: `合计预览(尚未报送):综合得分 90.50 = 定量 89.00 + 加分 1.50 − 减分 0.00 …`.
    static func preview(_ a: AssessedScores, kind: ScoreSheetForm.Kind) -> String {
        "合计预览(尚未报送):综合得分 \(a.total) = 定量 \(a.quantitative) + 加分 \(a.additions) − 减分 \(a.deductions);"
            + "定性“差”项 \(a.poorCount) 个。核对无误后请点击“\(kind.submitLabel)”。"
    }
}
