import Hummingbird
import KaoheRules
import KaoheStore

/// What every dashboard controller shares: the templates, the stores, and `cyclePage`, which checks
/// that the logged-in account may look at a cycle of a county and builds the page's chrome.
///
/// A page controller's shape (see `Units/UnitsController.swift`):
/// ```swift
/// routes.get("/counties/{county}/cycles/{cycle}/units") { request, context in
///     let page = try await dashboard.cyclePage(context, request, current: .units)
///     … read, filter rows with page.sees(…) …
///     return page.render("units", view, title: "单位")
/// }
/// ```
struct Dashboard: Sendable {
    /// The stores, built once by `buildApplication`.
    let stores: Stores
    /// Templates, session rules, cookies.
    let configuration: DashboardConfiguration

    var templates: DashboardTemplates { configuration.templates }
    var sessions: WebSessionStore { stores.sessions }
    var registry: RegistryStore { stores.registry }

    /// The chrome of a page outside any cycle (the cycle list).
    func chrome(_ session: WebSession, countyName: String, cycleTitle: String? = nil, nav: [NavLink] = []) -> PageChrome {
        var chrome = PageChrome(
            countyName: countyName,
            cycleTitle: cycleTitle,
            account: session.principal.account,
            displayName: session.displayName,
            roleName: session.principal.role.chinese,
            csrf: session.csrfToken,
            nav: nav
        )
        if AccessPolicy(session.principal).actAsOffice(county: session.principal.county) == .allowed {
            chrome.accountsHref = "/accounts"
            chrome.registryHref = "/registry"
            chrome.calendarsHref = "/calendars"
        }
        return chrome
    }

    /// The session of the county's office for a county page of its own (账号管理, 单位名册), or the 404
    /// page: for any other account the page does not exist.
    func officeSession(_ context: KaoheRequestContext, page: String) throws -> WebSession {
        guard let session = context.webSession else { throw HTTPError(.unauthorized) }
        guard AccessPolicy(session.principal).actAsOffice(county: session.principal.county) == .allowed else {
            throw ProblemDetails.notFound("page \(page)")
        }
        return session
    }

    /// The session's county by name (its code when the county has none).
    func countyName(_ session: WebSession) async throws -> String {
        try await registry.county(session.principal.county)?.name ?? session.principal.county.rawValue
    }

    /// The page context of `/counties/{county}/cycles/{cycle}/…` for the logged-in account: 404 when
    /// the county is not the account's or the cycle does not exist (the same page either way).
    func cyclePage(_ context: KaoheRequestContext, current: CyclePageKind) async throws -> CyclePage {
        guard let session = context.webSession else { throw HTTPError(.unauthorized) }
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycleID = try context.parameters.require("cycle", as: CycleID.self)
        let policy = AccessPolicy(session.principal)
        try policy.county(county).require("county \(county)")
        guard let countyRecord = try await registry.county(county),
            let cycle = try await stores.cycles.cycle(cycle: CycleRef(county: county, cycle: cycleID))
        else { throw ProblemDetails.notFound("cycle \(cycleID)") }
        let base = "/counties/\(county)/cycles/\(cycleID)"
        let isOffice = policy.actAsOffice(county: county) == .allowed
        let nav = CyclePageKind.allCases.filter { !$0.officeOnly || isOffice }.map {
            NavLink(label: $0.label, href: base + $0.path, current: $0 == current)
        }
        let title = cycle.definition.title.isEmpty ? cycleID.rawValue : "\(cycle.definition.title)（\(cycleID)）"
        return CyclePage(
            session: session,
            policy: policy,
            county: countyRecord,
            cycle: cycle,
            base: base,
            chrome: chrome(session, countyName: countyRecord.name, cycleTitle: title, nav: nav),
            templates: templates
        )
    }
}

/// A page of one cycle, as the logged-in account may see it.
struct CyclePage: Sendable {
    /// The browser session.
    var session: WebSession
    /// The account's rules (scope of units, roles).
    var policy: AccessPolicy
    /// The county.
    var county: County
    /// The cycle (definition, steps and their state now, enrolled units).
    var cycle: Cycle
    /// `/counties/{county}/cycles/{cycle}`.
    var base: String
    /// Header and navigation.
    var chrome: PageChrome
    var templates: DashboardTemplates

    /// The account's principal.
    var principal: Principal { session.principal }
    /// The cycle of the page.
    var cycleRef: CycleRef { CycleRef(county: county.code, cycle: cycle.definition.cycle) }

    /// Whether the account may see this unit (404 otherwise, as in the API).
    func sees(code: UnitCode, committee: String) -> Bool {
        policy.see(unit: .init(county: county.code, committee: committee, code: code)) == .allowed
    }

    /// The office's forms: 403 for the other roles, as the API answers (`access.office`).
    func requireOffice() throws {
        try policy.actAsOffice(county: county.code).require("county \(county.code)", rule: "access.office")
    }

    /// Whether the account sees the whole county (office, auditor).
    var countyWide: Bool { policy.seeCountyWide(county: county.code) == .allowed }

    /// The link to a unit's page.
    func unitHref(_ code: UnitCode) -> String { "\(base)/units/\(code)" }

    /// Renders the page's template inside the layout.
    func render(_ template: String, _ view: Any, title: String) -> DashboardPage {
        templates.page(template, view, title: title, chrome: chrome, generatedAt: ChineseTime.dateTime(cycle.now))
    }
}
