import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// `/counties/{county}/cycles/{cycle}/spot-check`: 随机抽查 (draw record, selection with tickets
/// and reviewers, deviations and overrides, how to verify), `…/spot-check.csv?table=…` for each
/// table, and `…/spot-check/record.json`: the current draw record for `kaohe verify-draw` and
/// `recompute_draw.py` (office and auditor, like `GET /api/v1/…/spot-check/export`; `?draw=N`
/// for a superseded draw).
struct SpotCheckPageController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        let base = "/counties/{county}/cycles/{cycle}/spot-check"
        dashboard.registerTablePage(on: router, path: base, current: .spotCheck, template: "spot-check", title: "随机抽查核验", view: view)
        router.get(RouterPath(base + "/record.json"), use: record)
    }

    /// `…/spot-check/record.json`: a draw record for `kaohe verify-draw` (office, auditor).
    @Sendable func record(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .spotCheck)
        try page.policy.seeCountyWide(county: page.county.code).require("county \(page.county.code)", rule: "access.county-wide")
        let draws = try await dashboard.stores.spotCheck.all(cycle: CycleRef(county: page.county.code, cycle: page.cycle.definition.cycle))
        let wanted = try SpotCheckController.drawNumber(request)
        guard let record = wanted.map({ n in draws.first { $0.drawNo == n } }) ?? draws.last(where: { $0.supersededAt == nil }) else {
            throw ProblemDetails.notFound("spot check")
        }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try SpotCheckRecord.encode(record))))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        response.headers[.contentDisposition] =
            "attachment; filename=\"spot-check-\(page.county.code)-\(record.cycle)-\(record.drawNo).json\""
        return response
    }

    func view(_ page: CyclePage) async throws -> SpotCheckView {
        let county = page.county.code
        let cycle = page.cycle.definition.cycle
        let draws = try await dashboard.stores.spotCheck.all(cycle: CycleRef(county: county, cycle: cycle))
        let report = try? await dashboard.stores.grading.deviations(cycle: CycleRef(county: county, cycle: cycle))
        let reviewers = try await dashboard.registry.reviewers(county: county)
        return SpotCheckView.build(
            draws: draws,
            deviations: report,
            visibility: try await UnitVisibility.load(policy: page.policy, county: county, registry: dashboard.registry),
            reviewerNames: Dictionary(reviewers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            base: page.base,
            cycle: CycleRef(county: county, cycle: cycle)
        )
    }
}
