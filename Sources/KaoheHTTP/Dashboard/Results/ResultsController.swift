import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/results`: 考核结果 (charts, proposal, conflicts, confirmation
/// and the office's confirmation form), `…/results/publicity`: the printable 公示名单, each table
/// as CSV (`results.csv?table=…`, `results/publicity.csv`), and `POST …/results/confirm`: the
/// office confirms the proposal through the same store call as `POST /api/v1/…/grading/confirm`
/// (audit entry included), and `POST …/results/decisions`: a tie decision, as `PUT …/grading/decisions`;
/// the CSRF token is checked by `SessionMiddleware` before either runs.
struct ResultsController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        let base = "/counties/{county}/cycles/{cycle}/results"
        dashboard.registerTablePage(on: router, path: base, current: .results, template: "results", title: "考核结果", view: results)
        dashboard.registerTablePage(
            on: router,
            path: base + "/publicity",
            current: .publicity,
            template: "publicity",
            title: "公示名单",
            view: publicity
        )
        router.post(RouterPath(base + "/decisions"), use: recordDecision)
        router.post(RouterPath(base + "/confirm"), use: confirm)
    }

    /// `POST …/results/confirm`: the office confirms the proposal.
    @Sendable func confirm(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .results)
        try page.policy.actAsOffice(county: page.county.code).require("county \(page.county.code)", rule: "access.office")
        do {
            _ = try await dashboard.stores.grading.confirm(
                cycle: CycleRef(county: page.county.code, cycle: page.cycle.definition.cycle),
                principal: page.principal
            )
        } catch let error as CycleError {
            throw DashboardRefusal(status: .conflict, message: "未能确认等次:\(error.message)")
        }
        return Response(status: .seeOther, headers: [.location: page.base + "/results", .cacheControl: "no-store"])
    }

    /// `POST …/results/decisions`: records one more of the office's tie decisions (the ones already
    /// recorded stay), through the same `GradingStore.decide` as `PUT /api/v1/…/grading/decisions`.
    @Sendable func recordDecision(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .results)
        try page.policy.actAsOffice(county: page.county.code).require("county \(page.county.code)", rule: "access.office")
        let form = try await FormBody.read(request)
        guard let cut = form["cut"].flatMap(CohortCut.init(rawValue:)) else {
            throw DashboardRefusal(status: .unprocessableContent, message: "未能记录决定:缺少冲突类型。")
        }
        let reference = (form["reference"] ?? "").trimmingBlanksAndNewlines()
        guard !reference.isEmpty else {
            throw DashboardRefusal(status: .unprocessableContent, message: "未能记录决定:请填写决定文号(会议纪要)。")
        }
        let favoured = form.fields.filter { $0.key.hasPrefix("favoured_") && $0.value == "on" }.map {
            UnitCode(String($0.key.dropFirst("favoured_".count)))
        }.sorted()
        let grading = dashboard.stores.grading
        let cycle = page.cycle.definition.cycle
        let earlier = try await grading.current(cycle: CycleRef(county: page.county.code, cycle: cycle))?.decisions ?? []
        do {
            _ = try await grading.decide(
                cycle: CycleRef(county: page.county.code, cycle: cycle),
                decisions: earlier + [TieDecision(cut: cut, favoured: favoured, reference: reference)],
                principal: page.principal
            )
        } catch let error as CycleError {
            throw DashboardRefusal(status: error.code == .invalid ? .unprocessableContent : .conflict, message: "未能记录决定:\(error.message)")
        }
        return Response(status: .seeOther, headers: [.location: page.base + "/results", .cacheControl: "no-store"])
    }

    func visibility(_ page: CyclePage) async throws -> UnitVisibility {
        try await UnitVisibility.load(policy: page.policy, county: page.county.code, registry: dashboard.registry)
    }

    func results(_ page: CyclePage) async throws -> ResultsView {
        let cycle = page.cycle.definition.cycle
        let result = try await dashboard.stores.grading.current(cycle: CycleRef(county: page.county.code, cycle: cycle))
        let stamp = try await dashboard.stores.dashboard.gradingStamp(cycle: CycleRef(county: page.county.code, cycle: cycle))
        return ResultsView.build(
            result: result,
            stamp: stamp,
            visibility: try await visibility(page),
            base: page.base,
            cycle: cycle,
            csrf: page.session.csrfToken,
            isOffice: page.principal.role == .office
        )
    }

    func publicity(_ page: CyclePage) async throws -> PublicityListView {
        let cycle = page.cycle.definition.cycle
        let grading = dashboard.stores.grading
        return PublicityListView.build(
            result: try await grading.current(cycle: CycleRef(county: page.county.code, cycle: cycle)),
            publicity: try await grading.publicity(cycle: CycleRef(county: page.county.code, cycle: cycle)),
            countyName: page.county.name,
            cycle: cycle,
            cycleTitle: page.cycle.definition.title,
            visibility: try await visibility(page),
            base: page.base
        )
    }
}
