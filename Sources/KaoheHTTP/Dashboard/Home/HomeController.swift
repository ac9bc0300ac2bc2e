import Hummingbird
import KaoheRules
import KaoheStore

/// `/`: the logged-in account's current cycle — the one whose filing steps opened most recently (and
/// have opened) — straight to its overview; with no such cycle, the list. `/cycles`: every cycle of
/// the county, newest first. (Not logged in: `SessionMiddleware` has already sent the browser to
/// `/login`.)
struct HomeController: Sendable {
    let dashboard: Dashboard

    struct CycleLink {
        var cycle: CycleID
        var title: String
        var href: String
        var opened: Bool
    }
    struct CyclesView {
        var cycles: [CycleLink]
        var hasCycles: Bool
    }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/", use: home)
        router.get("/cycles", use: cycles)
    }

    /// `/`: the current cycle's overview, or the list.
    @Sendable func home(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (session, cycles) = try await load(context)
        if let current = cycles.first(where: \.opened) {
            return Response(status: .seeOther, headers: [.location: current.href, .cacheControl: "no-store"])
        }
        return try await list(session, cycles)
    }

    /// `/cycles`: every cycle of the county.
    @Sendable func cycles(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (session, cycles) = try await load(context)
        return try await list(session, cycles)
    }

    /// The county's cycles, the most recently opened first (cycles not yet open after them).
    func load(_ context: KaoheRequestContext) async throws -> (WebSession, [CycleLink]) {
        guard let session = context.webSession else { throw HTTPError(.unauthorized) }
        let county = session.principal.county
        let cycles = try await dashboard.stores.dashboard.cycleList(county: county).map { entry in
            CycleLink(cycle: entry.cycle, title: entry.title, href: "/counties/\(county)/cycles/\(entry.cycle)", opened: entry.opened)
        }
        return (session, cycles)
    }

    func list(_ session: WebSession, _ cycles: [CycleLink]) async throws -> Response {
        let countyName = try await dashboard.registry.county(session.principal.county)?.name ?? session.principal.county.rawValue
        return dashboard.templates.page(
            "cycles",
            CyclesView(cycles: cycles, hasCycles: !cycles.isEmpty),
            title: "考核周期",
            chrome: dashboard.chrome(session, countyName: countyName)
        ).response()
    }
}
