import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/committees`: 专考委对比 (each committee's sampled, re-checked,
/// deviated and overridden units, as rates and a chart), and `…/committees.csv`.
struct CommitteesController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        let base = "/counties/{county}/cycles/{cycle}/committees"
        dashboard.registerTablePage(on: router, path: base, current: .committees, template: "committees", title: "专考委对比", view: view)
    }

    func view(_ page: CyclePage) async throws -> CommitteesView {
        let county = page.county.code
        let cycle = page.cycle.definition.cycle
        let draw = try await dashboard.stores.spotCheck.current(cycle: CycleRef(county: county, cycle: cycle))
        let report = try? await dashboard.stores.grading.deviations(cycle: CycleRef(county: county, cycle: cycle))
        return CommitteesView.build(
            enrolled: page.cycle.units,
            draw: draw,
            report: report,
            visibility: try await UnitVisibility.load(policy: page.policy, county: county, registry: dashboard.registry),
            base: page.base,
            cycle: cycle
        )
    }
}
