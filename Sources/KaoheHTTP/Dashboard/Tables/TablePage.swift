import Hummingbird
import KaoheStore
import Spreadsheets

/// A page's view whose tables also download as CSV and .xlsx (`…/page.csv?table=…`, `…/page.xlsx?table=…`).
protocol TabularView: Sendable, SendableMetatype {
    /// The page's tables, in page order.
    var tables: [DataTable] { get }
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
        router.get(RouterPath(path)) { _, context -> DashboardPage in
            let page = try await cyclePage(context, current: current)
            return page.render(template, try await view(page), title: title)
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
