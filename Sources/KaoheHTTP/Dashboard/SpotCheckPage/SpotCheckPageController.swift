import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// `/counties/{county}/cycles/{cycle}/spot-check`: 随机抽查 (draw record, selection with tickets
/// and reviewers, deviations and overrides, how to verify), `…/spot-check.csv?table=…` for each
/// table, and `…/spot-check/record.json`: the current draw record for `kaohe verify-draw` and
/// `recompute_draw.py` (office and auditor, like `GET /api/v1/…/spot-check/export`; `?draw=N`
/// for a superseded draw). The office holds the draw here as a public ceremony: `POST
/// …/spot-check/freeze` freezes the population (its hash shown large, the list below it), `POST
/// …/spot-check/draw` draws with the seed digits entered on the spot — both through the
/// `SpotCheckStore` calls of `POST /api/v1/…/spot-check/freeze` and `…/draw`, audited alike.
struct SpotCheckPageController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        let base = "/counties/{county}/cycles/{cycle}/spot-check"
        dashboard.registerFormPage(
            on: router,
            path: base,
            current: .spotCheck,
            template: "spot-check",
            title: "随机抽查核验",
            view: view,
            forms: [PageForm(name: "freeze", work: freeze), PageForm(name: "draw", work: draw)]
        )
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

    /// 冻结抽查总体 (office): `reason` is required for a redraw.
    @Sendable func freeze(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        _ = try await dashboard.stores.spotCheck.freeze(cycle: page.cycleRef, actor: page.principal.actor, reason: form.text("reason"))
    }

    /// 抽取 (office): with the seed digits typed (dice, lottery numbers), or a system seed when empty.
    @Sendable func draw(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        let text = (form["seed"] ?? "").filter { !$0.isWhitespace }
        var seed: DrawSeed?
        if !text.isEmpty {
            do {
                seed = try DrawSeed(text, minimumDiceDigits: try SpotCheckStore.policy().minimumDiceDigits)
            } catch let error as DrawSeedError {
                throw FormRefusal(field: "seed", error.description)
            }
        }
        _ = try await dashboard.stores.spotCheck.draw(
            cycle: page.cycleRef,
            actor: page.principal.actor,
            seed: seed,
            reason: nil  // a redraw's reason is given when the population is frozen again
        )
    }

    func view(_ page: CyclePage) async throws -> SpotCheckView {
        let county = page.county.code
        let cycle = page.cycle.definition.cycle
        let draws = try await dashboard.stores.spotCheck.all(cycle: CycleRef(county: county, cycle: cycle))
        let report = try? await dashboard.stores.grading.deviations(cycle: CycleRef(county: county, cycle: cycle))
        let reviewers = try await dashboard.registry.reviewers(county: county)
        var view = SpotCheckView.build(
            draws: draws,
            deviations: report,
            visibility: try await UnitVisibility.load(policy: page.policy, county: county, registry: dashboard.registry),
            reviewerNames: Dictionary(reviewers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            base: page.base,
            cycle: CycleRef(county: county, cycle: cycle)
        )
        if page.policy.actAsOffice(county: county) == .allowed {
            let current = draws.last { $0.supersededAt == nil }
            let awaiting = current != nil && current?.drawnAt == nil
            view.ceremony = SpotCheckView.Ceremony(
                freezeAction: page.base + "/spot-check/freeze",
                drawAction: page.base + "/spot-check/draw",
                csrf: page.session.csrfToken,
                freezeOnce: FormOnce.newToken(),
                drawOnce: FormOnce.newToken(),
                awaitingDraw: awaiting,
                redraw: current?.drawnAt != nil,
                populationHash: awaiting ? current.map { SpotCheckView.readAloud($0.populationHash) } : nil,
                populationSize: current?.population.count ?? page.cycle.units.count,
                minimumDigits: (try? SpotCheckStore.policy().minimumDiceDigits) ?? 20
            )
        }
        return view
    }
}
