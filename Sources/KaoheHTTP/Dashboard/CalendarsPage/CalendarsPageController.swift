import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/calendars` (节假日安排, the county's office; the 404 page for any other account): the years of
/// the county's working-day calendar, and a year's holiday notice loaded from its text in two steps:
/// - `POST /calendars/preview` (year, source, the notice's text): read with `HolidayNoticeText` —
///   a line it cannot read, a date that does not exist, a 调休 day on a weekday are refused by name,
///   with the text kept — and shown as read, nothing stored;
/// - `POST /calendars/apply` (the same fields, sent by the preview's 确认导入): read again and loaded
///   with `CalendarStore.load` (audited `calendar.load`), as `PUT /api/v1/counties/{c}/calendars/{y}`
///   and `kaohe calendar load --year` load it; then `?done=load`.
struct CalendarsPageController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/calendars", use: page)
        router.post("/calendars/preview", use: preview)
        router.post("/calendars/apply", use: apply)
    }

    var store: CalendarStore { dashboard.stores.calendars }

    func office(_ context: KaoheRequestContext) throws -> WebSession { try dashboard.officeSession(context, page: "calendars") }

    /// The page's view, and the county's years it was built from (the preview says which it replaces).
    func load(_ session: WebSession) async throws -> (view: CalendarsView, years: [CalendarStore.Year]) {
        let county = session.principal.county
        let today = try CivilDate(parsing: String(ShanghaiTime.format(Date()).prefix(10)))
        let years = try await store.years(county: county)
        let view = CalendarsView.build(
            years: years,
            missing: WorkingDayCalendar.yearsNeeded(on: today).filter { year in !years.contains { $0.notice.year == year } },
            csrf: session.csrfToken,
            today: today
        )
        return (view, years)
    }

    func render(_ session: WebSession, _ view: CalendarsView, status: HTTPResponse.Status = .ok) async throws -> Response {
        var page = dashboard.templates.page(
            "calendars",
            view,
            title: "节假日安排",
            chrome: dashboard.chrome(session, countyName: try await dashboard.countyName(session))
        )
        page.status = status
        return page.response()
    }

    @Sendable func page(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        var (view, _) = try await load(session)
        if request.uri.queryParameters.get("done") == "load" {
            view.notice = FormNotice(form: "apply", message: "已导入节假日安排,并记入审计记录;公示期、复核申请期限即按此计算。", refused: false, values: [:])
        }
        return try await render(session, view)
    }

    /// The form's fields read into a notice, or the view with the problems (nothing stored).
    func read(_ form: FormBody, into view: inout CalendarsView) -> HolidayNotice? {
        view.year = form["year"] ?? ""
        view.source = form["source"] ?? ""
        view.text = form["text"] ?? ""
        guard let year = Int(view.year.trimmingBlanksAndNewlines()), (2000...2099).contains(year) else {
            view.yearProblem = "请填写年份(2000–2099)。"
            return nil
        }
        let source = form.text("source") ?? "国务院办公厅关于\(year)年部分节假日安排的通知"
        do {
            return try HolidayNoticeText.parse(view.text, year: year, source: source)
        } catch {
            view.problems = Self.problems(error)
            return nil
        }
    }

    /// A refusal in lines a clerk reads: `标题 / heading: problem; problem` made one Chinese line a
    /// problem (the heading alone when it lists none).
    static func problems(_ error: CalendarError) -> [String] {
        guard let colon = error.message.range(of: ": ") else { return [ChineseText.of(error.message)] }
        let items = error.message[colon.upperBound...].components(separatedBy: "; ").map { words(ChineseText.of($0)) }
        return items.filter { !$0.isEmpty }
    }

    /// The notice's own checks name fields (`makeUpWorkdays[0]: …`); the page says what they are.
    static func words(_ problem: String) -> String {
        problem.replacing(#/makeUpWorkdays\[\d+\]:\s*/#, with: "调休上班日:").replacing(#/holidays\[(\d+)\]:\s*/#) { match in
            "第\(Int(match.output.1).map { $0 + 1 } ?? 0)个节日:"
        }
    }

    /// `POST /calendars/preview`.
    @Sendable func preview(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        let form = try await FormBody.read(request)
        var (view, years) = try await load(session)
        guard let notice = read(form, into: &view) else { return try await render(session, view, status: .unprocessableContent) }
        let existing = years.first { $0.notice.year == notice.year }
        view.preview = CalendarsView.preview(notice, replacing: existing)
        view.source = notice.source
        return try await render(session, view)
    }

    /// `POST /calendars/apply`.
    @Sendable func apply(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        return try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
            var (view, _) = try await load(session)
            guard let notice = read(form, into: &view) else { return try await render(session, view, status: .unprocessableContent) }
            _ = try await store.load(county: session.principal.county, notice: notice, actor: session.principal.actor)
            return Response(status: .seeOther, headers: [.location: "/calendars?done=load", .cacheControl: "no-store"])
        }
    }
}
