import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/api/v1/counties/{county}/calendars`: the county's working-day calendar (工作日历) — the years
/// built in and each year's holiday notice the office loads the day the State Council publishes it
/// (`PUT …/calendars/{year}`, the body in the shape of the built-in `2026.json`). Office and
/// auditor read it; only the office loads. A loaded year counts at once for the county's 公示
/// windows and staff review deadlines.
struct CalendarsController: Sendable {
    let calendars: CalendarStore
    let idempotency: IdempotencyStore

    /// A notice: 64 KiB (a year's notice is well under 2 KiB).
    static let maxBodySize = 64 * 1024

    /// One year as the API returns it.
    struct YearBody: Codable, Sendable {
        var year: Int
        var builtIn: Bool
        var loadedAt: String?
        var loadedBy: String?
        var notice: HolidayNotice

        init(_ year: CalendarStore.Year) {
            self.year = year.notice.year
            builtIn = year.builtIn
            loadedAt = year.loadedAt.map { ShanghaiTime.format($0) }
            loadedBy = year.loadedBy
            notice = year.notice
        }
    }

    struct YearList: Encodable, Sendable {
        var county: CountyCode
        var years: [YearBody]
    }

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/calendars", use: list)
        api.write(.put, "/counties/{county}/calendars/{year}", idempotency: idempotency, maxBodySize: Self.maxBodySize, use: load)
    }

    /// `GET …/calendars`: every year of the county's calendar (office, auditor).
    @Sendable func list(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(try context.requirePrincipal()).seeCountyWide(county: county).require(
            "county \(county)",
            rule: "access.county-wide"
        )
        let years = try await calendars.years(county: county)
        return try APIBody.json(YearList(county: county, years: years.map(YearBody.init)))
    }

    /// `PUT …/calendars/{year}`: the office loads (or replaces) one year's notice; the path's year
    /// must be the notice's (422 `calendar.year-mismatch`).
    @Sendable func load(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(principal).actAsOffice(county: county).require("county \(county)", rule: "access.office")
        guard let year = context.parameters.get("year", as: Int.self), (2000...2099).contains(year) else {
            throw ProblemDetails.notFound("日历年份 calendar year")
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let notice = try APIBody.decode(HolidayNotice.self, from: try await APIBody.read(request, limit: Self.maxBodySize))
        guard notice.year == year else {
            throw ProblemDetails.invalid(
                "year",
                rule: "calendar.year-mismatch",
                "通知中的年份(\(notice.year))与地址中的年份(\(year))不一致 / the notice's year \(notice.year) is not the path's \(year)"
            )
        }
        let loaded = try await calendars.load(county: county, notice: notice, actor: principal.actor)
        return try APIBody.json(YearBody(loaded))
    }
}
