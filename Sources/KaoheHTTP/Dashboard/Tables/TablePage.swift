import Hummingbird
import KaoheStore
import Spreadsheets

/// A page's view whose tables also download as CSV and .xlsx (`…/page.csv?table=…`, `…/page.xlsx?table=…`).
protocol TabularView: Sendable, SendableMetatype {
    /// The page's tables, in page order.
    var tables: [DataTable] { get }
    /// Shows the `requested` page (`?page=`) of the page's long table, if it has one
    /// (`DataTable.showPage`); the page is at `path`. By default, nothing: every row is shown.
    mutating func showPage(_ requested: Int?, path: String)
}

extension TabularView {
    mutating func showPage(_ requested: Int?, path: String) {}
}

extension Dashboard {
    /// Registers a cycle page at `path` and its tables at `path + ".csv"` and `path + ".xlsx"`: all
    /// check access with `cyclePage`, build the same view, and show or download it — so a page and
    /// its downloads never disagree on rows or scope.
    func registerTablePage<View: TabularView>(
        on router: RouterGroup<KaoheRequestContext>,
        path: String,
        current: CyclePageKind,
        template: String,
        title: String,
        view: @escaping @Sendable (CyclePage) async throws -> View
    ) {
        router.get(RouterPath(path)) { request, context -> DashboardPage in
            let page = try await cyclePage(context, current: current)
            var shown = try await view(page)
            shown.showPage(TablePager.requested(request.uri.queryParameters["page"]), path: request.uri.path)
            return page.render(template, shown, title: title)
        }
        registerTableDownloads(on: router, path: path, current: current, view: view)
    }

    /// Registers `path + ".csv"` and `path + ".xlsx"`: the tables of the page's view (`?table=…`).
    func registerTableDownloads<View: TabularView>(
        on router: RouterGroup<KaoheRequestContext>,
        path: String,
        current: CyclePageKind,
        view: @escaping @Sendable (CyclePage) async throws -> View
    ) {
        for format in SheetFormat.allCases {
            router.get(RouterPath(path + "." + format.fileExtension)) { request, context -> Response in
                let page = try await cyclePage(context, current: current)
                return try DataTable.download(try await view(page).tables, request: request, countyName: page.county.name, format: format)
            }
        }
    }
}
