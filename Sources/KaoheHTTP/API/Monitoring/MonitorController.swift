import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// 监控 and 历年考核 (office and auditor of the county; any other role 403, another county 404):
/// - `GET /counties/{county}/cycles/{cycle}/monitor`: the monitor document;
/// - `GET /counties/{county}/cycles/{cycle}/monitor.csv`: the monitor's unit table, one row per
///   enrolled unit, as Excel CSV (`示例县-2026年度-监控.csv`); `…/monitor.xlsx` the same as a workbook. Committees, units and reviewers are
///   refused like the monitor itself (403): the export is the office's whole-county view, and a
///   committee's own units are what `GET /units` and each unit's quota already show it;
/// - `GET /counties/{county}/history`, `…/history.csv` and `…/history.xlsx`: every cycle of the county with its
///   state, units, grade distribution, draw size, overrides, objections, appeals and dates.
struct MonitorController: Sendable {
    let monitor: MonitorStore
    let history: CountyHistoryStore

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/cycles/{cycle}/monitor", use: monitorDocument)
        for format in SheetFormat.allCases {
            api.on(.get, "/counties/{county}/cycles/{cycle}/monitor.\(format.fileExtension)") { request, context in
                try await monitorSheet(request, context: context, format: format)
            }
            api.on(.get, "/counties/{county}/history.\(format.fileExtension)") { request, context in
                try await countyHistorySheet(request, context: context, format: format)
            }
        }
        api.on(.get, "/counties/{county}/history", use: countyHistory)
    }

    /// `GET …/monitor`: the stored document's bytes as they are.
    @Sendable func monitorDocument(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        guard let document = try await monitor.monitor(cycle: scope.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(scope.cycle)")
        }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `GET …/monitor.csv`, `…/monitor.xlsx`.
    @Sendable func monitorSheet(_ request: Request, context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        guard let export = try await monitor.sheet(cycle: scope.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(scope.cycle)")
        }
        return try export.sheet.download(format, named: export.fileName)
    }

    /// `GET /counties/{county}/history`.
    @Sendable func countyHistory(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let county = try Self.countyWide(context)
        guard let found = try await history.history(county: county) else { throw ProblemDetails.notFound("county \(county)") }
        return try APIBody.json(found)
    }

    /// `GET /counties/{county}/history.csv`, `…/history.xlsx` (print-ready: title row, A4 landscape).
    @Sendable func countyHistorySheet(_ request: Request, context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let county = try Self.countyWide(context)
        guard let found = try await history.history(county: county) else { throw ProblemDetails.notFound("county \(county)") }
        let export = CountyHistoryStore.sheet(found)
        return try export.sheet.download(format, named: export.fileName)
    }

    /// The `{county}` when the caller is its office or auditor (404 for another county, 403 for other roles).
    static func countyWide(_ context: KaoheRequestContext) throws -> CountyCode {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(principal).seeCountyWide(county: county).require("county \(county)", rule: "access.county-wide")
        return county
    }
}
