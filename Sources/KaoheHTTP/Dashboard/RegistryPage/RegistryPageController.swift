import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// `/registry` (单位名册, the office of the county; the 404 page for any other account): the county's
/// registered units (also `/registry.csv`, `/registry.xlsx`), and the register's import in two steps:
/// - `POST /registry/preview` (multipart, the file): checked as `PUT /api/v1/counties/{county}/units`
///   checks it (a file it cannot read, or a bad row, is listed by line and column and nothing is
///   kept), then compared with the register — the units it adds, the ones it changes (before and
///   after), the number unchanged, and the registered units it does not name (kept) — and kept as a
///   draft under its SHA-256;
/// - `POST /registry/apply` (the draft's SHA-256): imports exactly that file with
///   `RegistryStore.importUnits` (audited `unit.import`), then `?done=import`.
struct RegistryPageController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/registry", use: page)
        for format in SheetFormat.allCases {
            router.get("/registry.\(format.fileExtension)") { request, context -> Response in
                let session = try office(context)
                return try DataTable.download(
                    [try await load(session).units],
                    request: request,
                    countyName: try await countyName(session),
                    format: format
                )
            }
        }
        router.post("/registry/preview", use: preview)
        router.post("/registry/apply", use: apply)
    }

    func office(_ context: KaoheRequestContext) throws -> WebSession { try dashboard.officeSession(context, page: "registry") }

    func countyName(_ session: WebSession) async throws -> String { try await dashboard.countyName(session) }

    func render(_ session: WebSession, _ view: RegistryView, status: HTTPResponse.Status = .ok) async throws -> Response {
        var view = view
        view.units.showPage(nil, path: "/registry")  // the first page, unless `page` chose one already
        var page = dashboard.templates.page(
            "registry",
            view,
            title: "单位名册",
            chrome: dashboard.chrome(session, countyName: try await countyName(session))
        )
        page.status = status
        return page.response()
    }

    func load(_ session: WebSession) async throws -> RegistryView {
        let county = session.principal.county
        let committees = try await dashboard.registry.committees(county: county)
        let departments = try await dashboard.registry.departments(county: county)
        return RegistryView.build(
            units: try await dashboard.registry.units(county: county),
            committees: Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            departments: Dictionary(departments.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            csrf: session.csrfToken
        )
    }

    @Sendable func page(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        var view = try await load(session)
        view.units.showPage(TablePager.requested(request.uri.queryParameters["page"]), path: "/registry")
        if request.uri.queryParameters.get("done") == "import" {
            view.notice = FormNotice(form: "apply", message: "已导入单位名册,并记入审计记录。", refused: false, values: [:])
        }
        return try await render(session, view)
    }

    /// `POST /registry/preview`.
    @Sendable func preview(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        let bytes = try await APIBody.read(request, limit: SessionMiddleware.maxUploadBody)
        let form = request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:)).flatMap {
            MultipartForm(body: bytes, boundary: $0)
        }
        var view = try await load(session)
        guard let file = form?.file("file"), !file.body.isEmpty else {
            view.problems = ["请选择要导入的单位名册文件(Excel 工作簿 .xlsx 或 CSV)。"]
            return try await render(session, view, status: .unprocessableContent)
        }
        guard file.body.count <= RegistryController.maxImportBody else {
            view.problems = ["名册文件过大,未保存任何内容。"]
            return try await render(session, view, status: .contentTooLarge)
        }
        do {
            let preview = try await dashboard.registry.previewUnits(
                county: session.principal.county,
                file: file.body,
                fileName: file.fileName ?? "",
                account: session.principal.account
            )
            view.preview = RegistryView.Preview.build(preview, fileName: file.fileName ?? "", view: view)
            return try await render(session, view)
        } catch let error as UnitImportError {
            view.problems =
                error.issues.map { "第\($0.line)行第\($0.column)列\($0.columnName.map { "(\($0))" } ?? ""):" + ChineseText.of($0.message) }
                + (error.omitted > 0 ? ["另有 \(error.omitted) 处问题未列出。"] : [])
            return try await render(session, view, status: .unprocessableContent)
        }
    }

    /// `POST /registry/apply`.
    @Sendable func apply(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        return try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
            do {
                _ = try await dashboard.registry.applyImportDraft(
                    county: session.principal.county,
                    sha256: form["sha256"] ?? "",
                    actor: session.principal.actor
                )
            } catch let error as StoreError where error.refusalKind == .notFound {
                var view = try await load(session)
                view.problems = ["没有待导入的名册(可能已经导入,或预览已超过一天)。请重新上传文件预览。"]
                return try await render(session, view, status: .conflict)
            } catch let error as UnitImportError {
                var view = try await load(session)
                view.problems = error.issues.map { "第\($0.line)行第\($0.column)列:" + ChineseText.of($0.message) }
                return try await render(session, view, status: .unprocessableContent)
            }
            return Response(status: .seeOther, headers: [.location: "/registry?done=import", .cacheControl: "no-store"])
        }
    }
}
