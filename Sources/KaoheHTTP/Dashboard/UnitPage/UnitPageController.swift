import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// `/counties/{county}/cycles/{cycle}/units/{code}`: one unit's page (单位详情), and
/// `…/units/{code}/tables.csv?table=…` (and `tables.xlsx`): each of its tables for Excel. A unit outside the account's
/// scope, or not enrolled in the cycle, is the same 404 page as one that does not exist.
struct UnitPageController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/counties/{county}/cycles/{cycle}/units/{code}", use: unitPage)
        for format in SheetFormat.allCases {
            router.get("/counties/{county}/cycles/{cycle}/units/{code}/tables.\(format.fileExtension)") { request, context in
                try await unitTable(request, context: context, format: format)
            }
        }
    }

    /// The unit's page.
    @Sendable func unitPage(_ request: Request, context: KaoheRequestContext) async throws -> DashboardPage {
        let page = try await dashboard.cyclePage(context, current: .units)
        let query = request.uri.queryParameters
        let filed = query["filed"].flatMap { UnitView.Filed.Kind(rawValue: String($0)) }.flatMap { kind in
            query["version"].flatMap { Int(String($0)) }.map { version in
                UnitView.Filed(kind: kind, version: version, restored: query["restored"].flatMap { Int(String($0)) } ?? 0)
            }
        }
        let view = try await load(page, code: try context.parameters.require("code", as: UnitCode.self), filed: filed)
        return page.render("unit", view, title: "\(view.name)")
    }

    /// The unit's page again after a form on it: refused (`edit` puts the reason and what was typed
    /// into the view), or a score sheet's totals previewed; the page answers with `status`.
    func again(
        _ page: CyclePage,
        code: UnitCode,
        status: HTTPResponse.Status,
        edit: (inout UnitView) -> Void
    ) async throws -> Response {
        var view = try await load(page, code: code)
        edit(&view)
        var rendered = page.render("unit", view, title: view.name)
        rendered.status = status
        return rendered.response()
    }

    /// One of its tables (`?table=…`) as CSV or .xlsx.
    @Sendable func unitTable(_ request: Request, context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let view = try await load(page, code: try context.parameters.require("code", as: UnitCode.self))
        return try DataTable.download(view.tables, request: request, countyName: page.county.name, format: format)
    }

    /// The latest roster version among `history`, with its lines.
    func latestRoster(
        _ history: [FilingVersion],
        cycle ref: CycleRef,
        unit: UnitCode
    ) async throws -> (version: Int, lines: [RosterLine])? {
        guard let latest = history.filter({ $0.step == .roster }).map(\.version).max() else { return nil }
        return (latest, try await dashboard.stores.filings.rosterLines(cycle: ref, unit: unit, version: latest))
    }

    func load(_ page: CyclePage, code: UnitCode, filed: UnitView.Filed? = nil) async throws -> UnitView {
        let county = page.county.code
        let cycle = page.cycle.definition.cycle
        guard let unit = try await dashboard.registry.unit(county: county, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        let filings = dashboard.stores.filings
        var history: [FilingVersion] = []
        for step in FilingStep.allCases {
            history += try await filings.history(cycle: page.cycleRef, unit: code, step: step)
        }
        let grading = dashboard.stores.grading
        let result = try await grading.current(cycle: page.cycleRef)
        let quota = try? await grading.quota(cycle: page.cycleRef, unit: code)
        let committees = try await dashboard.registry.committees(county: county)
        let departments = try await dashboard.registry.departments(county: county)
        let reviewers = try await dashboard.registry.reviewers(county: county)
        var input = UnitView.Inputs(
            unit: unit,
            committeeName: committees.first { $0.id == unit.committee }?.name ?? unit.committee,
            departmentName: departments.first { $0.id == unit.department }?.name ?? unit.department,
            history: history,
            rechecks: try await grading.rechecks(cycle: page.cycleRef, unit: code),
            draw: try await dashboard.stores.spotCheck.current(cycle: page.cycleRef),
            reviewerNames: Dictionary(reviewers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            graded: result?.units.first { $0.code == code },
            gradingState: result?.state,
            quota: quota,
            roster: try await latestRoster(history, cycle: page.cycleRef, unit: code),
            audit: try await dashboard.stores.dashboard.auditEntries(cycle: page.cycleRef, unit: code),
            unitCSRF: page.policy.fileAsUnit(for: AccessPolicy.UnitRef(unit)) == .allowed ? page.session.csrfToken : nil,
            filed: filed,
            selfAssessmentStep: page.cycle.steps.first { $0.step == .selfAssessment },
            steps: page.cycle.steps,
            extensions: try await dashboard.stores.cycles.extensions(cycle: page.cycleRef, unit: code),
            now: page.cycle.now,
            committeeCSRF: page.policy.fileAsCommittee(for: AccessPolicy.UnitRef(unit)) == .allowed ? page.session.csrfToken : nil,
            reviewerCSRF: page.principal.role == .reviewer ? page.session.csrfToken : nil,
            reviewer: page.principal.reviewer ?? page.principal.account,
            assessmentStep: page.cycle.steps.first { $0.step == .assessment },
            scheme: try? await dashboard.stores.filings.scheme(cycle: page.cycleRef, unit: code),
            officeCSRF: page.policy.actAsOffice(county: page.county.code) == .allowed ? page.session.csrfToken : nil
        )
        switch page.principal.role {
        case .office, .auditor: input.interviewSets = [.committee, .recheck]
        case .committee: input.interviewSets = [.committee]
        case .reviewer: input.interviewSets = [.recheck]
        case .unit: input.interviewSets = []
        }
        if [.office, .auditor, .unit].contains(page.principal.role) {
            input.staffFlags = try await dashboard.stores.staff.flags(cycle: page.cycleRef, unit: code)
            input.staffHistoryBase = page.base + "/units/" + code.rawValue + "/staff/"
        }
        if input.officeCSRF != nil {
            input.goodTier =
                try await dashboard.stores.policies.current(cycle: page.cycleRef)?.current.policy.roster.bounds.goodMinScore != nil
        }
        return UnitView.build(input, base: page.base, cycle: cycle)
    }
}
