import Hummingbird
import KaoheStore
import Postgres

/// `/`: the logged-in account's county. With exactly one cycle it goes straight to that cycle's
/// overview; otherwise it lists the county's cycles. (Not logged in: `SessionMiddleware` has already
/// sent the browser to `/login`.)
struct HomeController: Sendable {
    let dashboard: Dashboard

    struct CycleLink { var cycle: String; var title: String; var href: String }
    struct CyclesView { var cycles: [CycleLink]; var hasCycles: Bool }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/") { _, context -> Response in
            guard let session = context.webSession else { throw HTTPError(.unauthorized) }
            let county = session.principal.county
            let rows = try await dashboard.dependencies.client.query(
                "SELECT cycle, title FROM cycles WHERE county = \(county) ORDER BY created_at DESC, cycle DESC"
            )
            let cycles = try rows.map { row in
                let cycle = try row.decode(String.self, column: "cycle")
                return CycleLink(cycle: cycle, title: try row.decode(String.self, column: "title"), href: "/counties/\(county)/cycles/\(cycle)")
            }
            if cycles.count == 1 {
                return Response(status: .seeOther, headers: [.location: cycles[0].href, .cacheControl: "no-store"])
            }
            let countyName = try await dashboard.registry.county(county)?.name ?? county
            return dashboard.templates.page(
                "cycles", CyclesView(cycles: cycles, hasCycles: !cycles.isEmpty), title: "考核周期",
                chrome: dashboard.chrome(session, countyName: countyName)
            ).response()
        }
    }
}
