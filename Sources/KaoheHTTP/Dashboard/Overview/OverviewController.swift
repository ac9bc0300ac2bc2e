import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// `/counties/{county}/cycles/{cycle}`: the county overview of a cycle (概况), limited to the
/// account's units (a committee sees its units, a unit itself); `…/overview.csv?table=…` and
/// `…/overview.xlsx?table=…` download one of its tables.
struct OverviewController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/counties/{county}/cycles/{cycle}", use: overview)
        for format in SheetFormat.allCases {
            router.get("/counties/{county}/cycles/{cycle}/overview.\(format.fileExtension)") { request, context in
                try await overviewTable(request, context: context, format: format)
            }
        }
    }

    /// The overview page.
    @Sendable func overview(_ request: Request, context: KaoheRequestContext) async throws -> DashboardPage {
        var (page, view) = try await load(context)
        view.shortenLists(to: OverviewView.listedOnPage)
        return page.render("overview", view, title: "考核概况")
    }

    /// One of its tables (`?table=…`) as CSV or .xlsx.
    @Sendable func overviewTable(_ request: Request, context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let (page, view) = try await load(context)
        let id = request.uri.queryParameters["table"].map(String.init) ?? "steps"
        guard let sheet = OverviewSheets.table(id, of: view) else { throw ProblemDetails.notFound("table \(id)") }
        return try sheet.download(format, named: "\(page.county.name)\(page.cycle.definition.cycle)\(sheet.name)")
    }

    func load(_ context: KaoheRequestContext) async throws -> (CyclePage, OverviewView) {
        let page = try await dashboard.cyclePage(context, current: .overview)
        guard
            let monitor = try await CycleMonitor.load(
                dashboard.stores.monitor,
                cycle: CycleRef(county: page.county.code, cycle: page.cycle.definition.cycle)
            )
        else { throw ProblemDetails.notFound("cycle") }
        let visibility = try await UnitVisibility.load(policy: page.policy, county: page.county.code, registry: dashboard.registry)
        var view = OverviewView(page: page, monitor: monitor.scoped(to: page), visibility: visibility)
        if page.countyWide {
            let missing = try await dashboard.stores.calendars.missingYears(county: page.county.code, now: Date())
            view.calendarWarning = OverviewView.calendarWarning(missing: missing)
        }
        return (page, view)
    }
}
