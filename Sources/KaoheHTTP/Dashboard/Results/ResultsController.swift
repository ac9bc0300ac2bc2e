import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/results`: 考核结果 (charts, proposal, conflicts, confirmation),
/// `…/results/publicity`: the printable 公示名单, each table as CSV or .xlsx, and the office's desk
/// for steps 5 and 6, each form through the store call of its API route (audit entries included):
/// - `POST …/results/propose`: `GradingStore.propose` (`POST /api/v1/…/grading/proposal`);
/// - `POST …/results/decisions`: one more tie decision, `GradingStore.decide` (`PUT …/grading/decisions`);
/// - `POST …/results/confirm`: `GradingStore.confirm` (`POST …/grading/confirm`);
/// - `POST …/results/publicity-open`: `GradingStore.openPublicity` (`POST …/publicity/open`), from
///   today or the day typed;
/// - `POST …/results/finalise`: `GradingStore.finalise` (`POST …/publicity/finalise`).
struct ResultsController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        let base = "/counties/{county}/cycles/{cycle}/results"
        dashboard.registerFormPage(
            on: router,
            path: base,
            current: .results,
            template: "results",
            title: "考核结果",
            view: results,
            forms: [
                PageForm(name: "propose", work: propose),
                PageForm(name: "decisions", work: recordDecision),
                PageForm(name: "confirm", work: confirm),
                PageForm(name: "publicity-open", work: openPublicity),
                PageForm(name: "finalise", work: finalise),
            ]
        )
        dashboard.registerTablePage(
            on: router,
            path: base + "/publicity",
            current: .publicity,
            template: "publicity",
            title: "公示名单",
            view: publicity
        )
    }

    /// 生成等次建议.
    @Sendable func propose(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        _ = try await dashboard.stores.grading.propose(cycle: page.cycleRef, principal: page.principal, units: .none)
    }

    /// 确认等次.
    @Sendable func confirm(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        _ = try await dashboard.stores.grading.confirm(cycle: page.cycleRef, principal: page.principal, units: .none)
    }

    /// 开始公示: from today, or from `opensOn` (YYYY-MM-DD).
    @Sendable func openPublicity(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        _ = try await dashboard.stores.grading.openPublicity(cycle: page.cycleRef, opensOn: form.text("opensOn"), principal: page.principal)
    }

    /// 公示结束定档.
    @Sendable func finalise(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        _ = try await dashboard.stores.grading.finalise(cycle: page.cycleRef, principal: page.principal)
    }

    /// Records one more of the office's tie decisions (the ones already recorded stay).
    @Sendable func recordDecision(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        guard let cut = form["cut"].flatMap(CohortCut.init(rawValue:)) else {
            throw FormRefusal(field: "cut", "缺少冲突类型,请刷新页面后重新填写。")
        }
        let reference = (form["reference"] ?? "").trimmingBlanksAndNewlines()
        guard !reference.isEmpty else { throw FormRefusal(field: "reference", "请填写决定文号(会议纪要)。") }
        let favoured = form.fields.filter { $0.key.hasPrefix("favoured_") && $0.value == "on" }.map {
            UnitCode(String($0.key.dropFirst("favoured_".count)))
        }.sorted()
        let grading = dashboard.stores.grading
        let earlier = try await grading.current(cycle: page.cycleRef, units: .none)?.decisions ?? []
        _ = try await grading.decide(
            cycle: page.cycleRef,
            decisions: earlier + [TieDecision(cut: cut, favoured: favoured, reference: reference)],
            principal: page.principal,
            units: .none
        )
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
            publicity: try await dashboard.stores.grading.publicity(cycle: page.cycleRef),
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
