import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Spreadsheets

/// `/accounts` (账号管理, the office of the county; the 404 page for any other account): every
/// account with its role, scope, web password and live API tokens, and the office's forms, each
/// through the store function `kaohe account` uses (audited alike):
/// - `POST /accounts/units`: 批量创建单位账号 — an account for every registered unit of a committee (or of
///   the county) that has none (`u-` and the unit's code), each with a fresh random password, answered
///   by a printable first-login sheet (首次登录通知单) showing the passwords once;
/// - `POST /accounts/password`: 重置密码 — a fresh random password for one account, shown once (its
///   open sessions end);
/// - `POST /accounts/token`: 发放 API 令牌 — a new token for one account, shown once;
/// - `POST /accounts/revoke`: 吊销令牌 — from then on the token is refused (401).
/// The pages that show a secret are answers to their POST, not stored (a form sent twice makes a
/// second secret, never shows a first one again), and are `no-store`.
struct AccountsController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/accounts", use: page)
        for format in SheetFormat.allCases {
            router.get("/accounts.\(format.fileExtension)") { request, context -> Response in
                let session = try office(context)
                return try DataTable.download(
                    [try await load(session).accounts],
                    request: request,
                    countyName: try await dashboard.countyName(session),
                    format: format
                )
            }
        }
        router.post("/accounts/units", use: createUnitAccounts)
        router.post("/accounts/password", use: resetPassword)
        router.post("/accounts/token", use: issueToken)
        router.post("/accounts/revoke", use: revoke)
    }

    func office(_ context: KaoheRequestContext) throws -> WebSession { try dashboard.officeSession(context, page: "accounts") }

    func chrome(_ session: WebSession) async throws -> PageChrome {
        dashboard.chrome(session, countyName: try await dashboard.countyName(session))
    }

    @Sendable func page(_ request: Request, context: KaoheRequestContext) async throws -> DashboardPage {
        let session = try office(context)
        var view = try await load(session)
        if let done = request.uri.queryParameters.get("done"), done == "revoke" {
            view.notice = FormNotice(form: done, message: "已吊销令牌,此后使用该令牌的请求一律拒绝。", refused: false, values: [:])
        }
        return dashboard.templates.page("accounts", view, title: "账号管理", chrome: try await chrome(session))
    }

    func load(_ session: WebSession) async throws -> AccountsView {
        let county = session.principal.county
        return AccountsView.build(
            accounts: try await dashboard.stores.accounts.list(county: county),
            withPassword: Set(try await dashboard.stores.accounts.webLogins(county: county).map(\.account)),
            units: try await dashboard.registry.units(county: county),
            committees: try await dashboard.registry.committees(county: county),
            csrf: session.csrfToken
        )
    }

    /// The page again with a refusal (422).
    func refused(_ session: WebSession, _ message: String, form: FormBody) async throws -> Response {
        var view = try await load(session)
        view.notice = FormNotice(form: "", message: message, refused: true, values: form.fields)
        var page = dashboard.templates.page("accounts", view, title: "账号管理", chrome: try await chrome(session))
        page.status = .unprocessableContent
        return page.response()
    }

    /// A password a clerk can type from paper: 12 characters without look-alikes (0/O, 1/l/I).
    static func newPassword() -> String {
        let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    /// `POST /accounts/units`.
    @Sendable func createUnitAccounts(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        let form = try await FormBody.read(request)
        let county = session.principal.county
        let committee = (form["committee"] ?? "").trimmingBlanks()
        let units = try await dashboard.registry.units(county: county, committee: committee.isEmpty ? nil : committee)
        guard !units.isEmpty else { return try await refused(session, "所选专业考核委员会没有登记的单位。", form: form) }
        // A unit with an account (a disabled one too: its name is taken) is left as it is.
        let existing = try await dashboard.stores.accounts.list(county: county)
        let covered = Set(existing.compactMap { $0.principal.role == .unit ? $0.principal.unitCode : nil })
        let names = Set(existing.map(\.principal.account))
        let actor = session.principal.actor
        var sheet: [FirstLoginView.Row] = []
        var skipped: [String] = []
        for unit in units.sorted(by: { $0.code < $1.code }) {
            let account = "u-" + unit.code.rawValue.lowercased()
            if covered.contains(unit.code) || names.contains(account) {
                skipped.append("\(unit.name)(\(unit.code))")
                continue
            }
            let principal = Principal(county: county, account: account, role: .unit, unitCode: unit.code)
            try await dashboard.stores.accounts.createWebAccount(principal, displayName: unit.name, actor: actor)
            let password = Self.newPassword()
            try await dashboard.sessions.setPassword(county: county, account: account, password: password, actor: actor)
            sheet.append(.init(name: unit.name, code: unit.code.rawValue, account: account, password: password))
        }
        return try await firstLogin(session, rows: sheet, skipped: skipped, title: "首次登录通知单")
    }

    /// `POST /accounts/password`.
    @Sendable func resetPassword(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        let form = try await FormBody.read(request)
        let county = session.principal.county
        let account = (form["account"] ?? "").trimmingBlanks()
        guard let summary = try await dashboard.stores.accounts.list(county: county).first(where: { $0.principal.account == account })
        else {
            return try await refused(session, "请选择本县的一个账号。", form: form)
        }
        let password = Self.newPassword()
        try await dashboard.sessions.setPassword(county: county, account: account, password: password, actor: session.principal.actor)
        let row = FirstLoginView.Row(
            name: summary.displayName,
            code: summary.principal.unitCode?.rawValue ?? "",
            account: account,
            password: password
        )
        return try await firstLogin(session, rows: [row], skipped: [], title: "重置密码通知单")
    }

    func firstLogin(_ session: WebSession, rows: [FirstLoginView.Row], skipped: [String], title: String) async throws -> Response {
        let county = try await dashboard.registry.county(session.principal.county)
        let view = FirstLoginView(
            title: title,
            countyName: county?.name ?? "",
            countyCode: session.principal.county.rawValue,
            rows: rows,
            hasRows: !rows.isEmpty,
            skipped: skipped.joined(separator: "、"),
            issuedAt: ChineseTime.dateTime(Date())
        )
        return dashboard.templates.page("first-login", view, title: title, chrome: try await chrome(session)).response()
    }

    /// `POST /accounts/token`.
    @Sendable func issueToken(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        let form = try await FormBody.read(request)
        let account = (form["account"] ?? "").trimmingBlanks()
        let label = (form["label"] ?? "").trimmingBlanksAndNewlines()
        guard label.count <= 100 else { return try await refused(session, "令牌用途最多 100 字。", form: form) }
        let issued: (token: APIToken, tokenID: UUID)
        do {
            issued = try await dashboard.stores.accounts.issueToken(
                county: session.principal.county,
                account: account,
                label: label,
                actor: session.principal.actor
            )
        } catch let error as StoreError where error.refusalKind == .notFound {
            return try await refused(session, "请选择本县一个在用的账号。", form: form)
        }
        struct TokenView {
            var account: String
            var label: String
            var token: String
            var tokenID: String
        }
        let view = TokenView(account: account, label: label, token: issued.token.secret, tokenID: issued.tokenID.uuidString.lowercased())
        return dashboard.templates.page("token", view, title: "API 令牌", chrome: try await chrome(session)).response()
    }

    /// `POST /accounts/revoke`.
    @Sendable func revoke(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let session = try office(context)
        return try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
            guard let id = form["token"].flatMap(UUID.init(uuidString:)),
                try await dashboard.stores.accounts.revoke(county: session.principal.county, tokenID: id, actor: session.principal.actor)
            else { return try await refused(session, "没有这个在用的令牌(可能已被吊销)。", form: form) }
            return Response(status: .seeOther, headers: [.location: "/accounts?done=revoke", .cacheControl: "no-store"])
        }
    }
}
