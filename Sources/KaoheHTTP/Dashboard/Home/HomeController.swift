import Hummingbird
import KaoheRules
import KaoheStore

/// `/`: the logged-in account's current cycle — the one whose filing steps opened most recently (and
/// have opened) — straight to its overview; with no such cycle, the list. `/cycles`: every cycle of
/// the county, newest first, and for the office the form that creates one (设立考核周期, `POST
/// /cycles/new`): the id, title, scheme, roster policy and each step's dates, checked by the same
/// `CyclesController.definition` and stored by the same `CycleStore.put` as `PUT /api/v1/…/cycles/{cycle}`,
/// then on to the new cycle's 周期设置 page to enrol its units. (Not logged in: `SessionMiddleware`
/// has already sent the browser to `/login`.)
struct HomeController: Sendable {
    let dashboard: Dashboard

    struct CycleLink {
        var cycle: CycleID
        var title: String
        var href: String
        var opened: Bool
    }
    struct CyclesView {
        var cycles: [CycleLink]
        var hasCycles: Bool
        var notice: FormNotice?
        var create: CreateForm?
    }

    /// 设立考核周期 (the office).
    struct CreateForm: Sendable {
        var action: String
        var csrf: String
        var once: String
        var schemes: [SelectOption]
        var policies: [SelectOption]
        var steps: [Step]

        /// One step's three dates (field `<step>-opensAt` …), as typed when a refusal shows them again.
        struct Step: Sendable {
            var label: String
            var opensField: String
            var deadlineField: String
            var closesField: String
            var opensValue: String
            var deadlineValue: String
            var closesValue: String
            var error: String?
        }
    }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/", use: home)
        router.get("/cycles", use: cycles)
        router.post("/cycles/new", use: create)
    }

    /// `POST /cycles/new`: creates a cycle from the form (the office), then its 周期设置 page.
    @Sendable func create(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        try await FormOnce(idempotency: dashboard.stores.idempotency).run(urlEncoded: request, context: context) { form in
            let (session, cycles) = try await load(context)
            let principal = session.principal
            try AccessPolicy(principal).actAsOffice(county: principal.county).require("cycles", rule: "access.office")
            let value = form.text
            do {
                guard let cycle = value("cycle").map(CycleID.init(rawValue:)), cycle.isWellFormed else {
                    throw FormRefusal(field: "cycle", "考核周期编号应为年度“2026”或季度“2026-Q1”。")
                }
                var steps: [String: CycleInput.Step] = [:]
                for step in FilingStep.allCases {
                    let key = step.rawValue
                    let given = CycleInput.Step(
                        opensAt: value(key + "-opensAt"),
                        deadline: value(key + "-deadline"),
                        closesAt: value(key + "-closesAt")
                    )
                    if given.opensAt != nil || given.deadline != nil || given.closesAt != nil { steps[key] = given }
                }
                let input = CycleInput(title: value("title"), scheme: value("scheme"), policy: value("policy"), steps: steps)
                let definition: CycleDefinition
                do {
                    definition = try CyclesController.definition(cycle: cycle, input: input)
                } catch let problem as ProblemDetails {
                    throw FormRefusal(field: problem.field.map(Self.formField), ChineseText.of(problem.detail))
                }
                // The form creates; changing an existing cycle is the API's PUT (before it opens).
                if try await dashboard.stores.cycles.cycle(cycle: CycleRef(county: principal.county, cycle: cycle)) != nil {
                    throw FormRefusal(field: "cycle", "考核周期“\(cycle)”已经存在,请换一个编号。", kind: .conflict)
                }
                let (_, created) = try await dashboard.stores.cycles.put(
                    county: principal.county,
                    definition: definition,
                    actor: principal.actor,
                    account: principal.account
                )
                guard created else { throw FormRefusal(field: "cycle", "考核周期“\(cycle)”已经存在,请换一个编号。", kind: .conflict) }
                let location = "/counties/\(principal.county)/cycles/\(cycle)/setup?done=created"
                return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
            } catch let refusal as any Refusal where [.invalid, .malformed, .conflict].contains(refusal.refusalKind) {
                let notice = FormNotice(
                    form: "create",
                    message: ChineseText.of(refusal.detail),
                    refused: true,
                    values: form.fields,
                    errors: refusal.field.map { [Self.formField($0): ChineseText.of(refusal.detail)] } ?? [:]
                )
                var response = try await list(session, cycles, notice: notice)
                response.status = HTTPResponse.Status(code: refusal.refusalKind.status)
                return response
            }
        }
    }

    /// A field of the API's body as the form names it: `/steps/roster/deadline` → `roster-deadline`.
    static func formField(_ pointer: String) -> String {
        let parts = pointer.split(separator: "/").map(String.init)
        if parts.first == "steps", parts.count == 3 { return parts[1] + "-" + parts[2] }
        return parts.last ?? pointer
    }

    /// `/`: the current cycle's overview, or the list.
    @Sendable func home(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (session, cycles) = try await load(context)
        if let current = cycles.first(where: \.opened) {
            return Response(status: .seeOther, headers: [.location: current.href, .cacheControl: "no-store"])
        }
        return try await list(session, cycles)
    }

    /// `/cycles`: every cycle of the county.
    @Sendable func cycles(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let (session, cycles) = try await load(context)
        return try await list(session, cycles)
    }

    /// The county's cycles, the most recently opened first (cycles not yet open after them).
    func load(_ context: KaoheRequestContext) async throws -> (WebSession, [CycleLink]) {
        guard let session = context.webSession else { throw HTTPError(.unauthorized) }
        let county = session.principal.county
        let cycles = try await dashboard.stores.dashboard.cycleList(county: county).map { entry in
            CycleLink(cycle: entry.cycle, title: entry.title, href: "/counties/\(county)/cycles/\(entry.cycle)", opened: entry.opened)
        }
        return (session, cycles)
    }

    func list(_ session: WebSession, _ cycles: [CycleLink], notice: FormNotice? = nil) async throws -> Response {
        let countyName = try await dashboard.registry.county(session.principal.county)?.name ?? session.principal.county.rawValue
        var create: CreateForm?
        if AccessPolicy(session.principal).actAsOffice(county: session.principal.county) == .allowed {
            let chosen = (scheme: notice?.values["scheme"] ?? "county-2021", policy: notice?.values["policy"] ?? "tied-2023")
            create = CreateForm(
                action: "/cycles/new",
                csrf: session.csrfToken,
                once: FormOnce.newToken(),
                schemes: SchemeLoader.builtInIds.map { id in
                    SelectOption(value: id, label: (try? SchemeLoader.builtIn(id).title) ?? id, selected: id == chosen.scheme)
                },
                policies: PolicyLoader.rosterPolicyIds.map { id in
                    SelectOption(value: id, label: (try? PolicyLoader.rosterPolicy(id).title) ?? id, selected: id == chosen.policy)
                },
                steps: FilingStep.allCases.map { step in
                    let key = step.rawValue
                    let values = notice?.values ?? [:]
                    let errors = notice?.errors ?? [:]
                    return CreateForm.Step(
                        label: step.chinese,
                        opensField: key + "-opensAt",
                        deadlineField: key + "-deadline",
                        closesField: key + "-closesAt",
                        opensValue: values[key + "-opensAt"] ?? "",
                        deadlineValue: values[key + "-deadline"] ?? "",
                        closesValue: values[key + "-closesAt"] ?? "",
                        error: ["opensAt", "deadline", "closesAt"].compactMap { errors[key + "-" + $0] }.first
                    )
                }
            )
        }
        return dashboard.templates.page(
            "cycles",
            CyclesView(cycles: cycles, hasCycles: !cycles.isEmpty, notice: notice, create: create),
            title: "考核周期",
            chrome: dashboard.chrome(session, countyName: countyName)
        ).response()
    }
}
