import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// What a page says after one of its forms: that it was done (`?done=<form>` after the 303), or
/// why it was refused, with everything that was typed so the form shows it again.
struct FormNotice: Sendable {
    /// The form's name (its POST's last path segment).
    var form: String
    /// One sentence in Chinese.
    var message: String
    /// Whether this is a refusal (shown as an alert).
    var refused: Bool
    /// The fields as they were sent, for the form to show again (`{{notice.values.seed}}`).
    var values: [String: String]
    /// The refusal again by the field it concerns (`{{#notice.errors.seed}}`), when it names one:
    /// a form field's name, or the store's JSON pointer without its `/` (`/staffNo` → `staffNo`).
    var errors: [String: String] = [:]

    /// The refusal's errors and values when it concerns the form `name` (and, for one of a page's
    /// several forms of a kind, the one that sent `value` in its `key` field): a page with several
    /// forms that share field names gives each its own, so a message shows beside its form only.
    func concerns(_ name: String, key: String = "id", is value: String? = nil) -> FormFields? {
        guard refused, form == name, value == nil || values[key] == value else { return nil }
        return FormFields(errors: errors, values: values)
    }
}

/// One form's share of a refusal (`FormNotice.concerns`): `{{#refusal.errors.grade}}`,
/// `{{refusal.values.reason}}` inside the form's section.
struct FormFields: Sendable {
    var errors: [String: String]
    var values: [String: String]
}

/// A cycle page with forms (`registerFormPage`): it shows a `notice` above its content.
protocol FormPageView: TabularView {
    var notice: FormNotice? { get set }
    /// What the page says after each of its forms was filed, by form name.
    static var doneMessages: [String: String] { get }
    /// Shows `notice` at the top; a page whose forms share field names also hands each form its
    /// share (`FormNotice.concerns`).
    mutating func place(_ notice: FormNotice)
}

extension FormPageView {
    mutating func place(_ notice: FormNotice) { self.notice = notice }
}

/// One form of a page: a POST to `<page path>/<name>`, URL-encoded, CSRF checked by
/// `SessionMiddleware`, filed once per rendering (``FormOnce``). `work` checks who may use it
/// (throw `ProblemDetails`/`DashboardRefusal` for 404/403, as the API does) and calls the same
/// store function as the API; a `Refusal` it throws (the store's `CycleError`, or a
/// ``FormRefusal`` for a field the page checks itself) shows the page again with the reason.
struct PageForm: Sendable {
    var name: String
    var work: @Sendable (CyclePage, FormBody) async throws -> Void
}

/// A form's own check of a field, before any store call: shown on the page like a store refusal.
struct FormRefusal: Refusal {
    var field: String?
    var detail: String
    var refusalKind: RefusalKind = .invalid
    var rule: RuleID? = nil

    init(field: String?, _ detail: String, kind: RefusalKind = .invalid) {
        self.field = field
        self.detail = detail
        self.refusalKind = kind
    }
}

extension Dashboard {
    /// Registers a cycle page with forms: `GET path` (the view, with the notice of `?done=`), its
    /// table downloads, and one `POST path/<name>` per form. A form done is a 303 back to the page
    /// (`?done=<name>`, said at the top of the page); a form refused is the page again, with the status of the refusal
    /// (422, 409…), the reason above the content and the fields as they were typed.
    func registerFormPage<View: FormPageView>(
        on router: RouterGroup<KaoheRequestContext>,
        path: String,
        current: CyclePageKind,
        template: String,
        title: String,
        view: @escaping @Sendable (CyclePage) async throws -> View,
        forms: [PageForm]
    ) {
        router.get(RouterPath(path)) { request, context -> DashboardPage in
            let page = try await cyclePage(context, current: current)
            var rendered = try await view(page)
            rendered.showPage(TablePager.requested(request.uri.queryParameters["page"]), path: request.uri.path)
            if let done = request.uri.queryParameters.get("done"), let message = View.doneMessages[done] {
                rendered.place(FormNotice(form: done, message: message, refused: false, values: [:]))
            }
            return page.render(template, rendered, title: title)
        }
        registerTableDownloads(on: router, path: path, current: current, view: view)
        for form in forms {
            router.post(RouterPath(path + "/" + form.name)) { request, context -> Response in
                try await FormOnce(idempotency: stores.idempotency).run(urlEncoded: request, context: context) { body in
                    let page = try await cyclePage(context, current: current)
                    do {
                        try await form.work(page, body)
                    } catch let refusal as any Refusal
                        where [.invalid, .malformed, .conflict, .duplicate, .stepNotOpen, .stepClosed].contains(refusal.refusalKind)
                    {
                        var rendered = try await view(page)
                        rendered.showPage(nil, path: String(request.uri.path.dropLast(form.name.count + 1)))
                        rendered.place(
                            FormNotice(
                                form: form.name,
                                message: ChineseText.of(refusal.detail),
                                refused: true,
                                values: body.fields,
                                errors: refusal.field.map { [String($0.drop { $0 == "/" }): ChineseText.of(refusal.detail)] } ?? [:]
                            )
                        )
                        var html = page.render(template, rendered, title: title)
                        html.status = HTTPResponse.Status(code: refusal.refusalKind.status)
                        return html.response()
                    }
                    let back = String(request.uri.path.dropLast(form.name.count + 1))
                    return Response(status: .seeOther, headers: [.location: back + "?done=" + form.name, .cacheControl: "no-store"])
                }
            }
        }
    }
}

/// Text for people who read Chinese.
enum ChineseText {
    /// The Chinese half of a store's `中文 / English` message.
    static func of(_ bilingual: String) -> String {
        String(bilingual.components(separatedBy: " / ").first ?? bilingual).trimmingBlanks()
    }
}
