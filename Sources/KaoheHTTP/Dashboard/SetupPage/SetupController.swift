import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/setup` (周期设置, the office only; the 404 page for any other
/// account): the steps' times, 延期 and the enrolment, each form through the store call of its API
/// route:
/// - `POST …/setup/extend`: `CycleStore.extendDeadline` (`POST /api/v1/…/steps/{step}/extensions`),
///   for the whole step or one unit, with the reason;
/// - `POST …/setup/enrol`: `CycleStore.enrol` (`PUT /api/v1/…/units`): every registered unit, whole
///   committees, or the units ticked.
struct SetupController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        dashboard.registerFormPage(
            on: router,
            path: "/counties/{county}/cycles/{cycle}/setup",
            current: .setup,
            template: "setup",
            title: "周期设置",
            view: view,
            forms: [PageForm(name: "extend", work: extend), PageForm(name: "enrol", work: enrol)]
        )
    }

    @Sendable func extend(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        guard let step = FilingStep(rawValue: form["step"] ?? "") else { throw FormRefusal(field: "step", "请选择要延期的环节。") }
        guard let deadline = ShanghaiTime.parse(form["deadline"] ?? "", dateMeansEndOfDay: true, browserField: true) else {
            throw FormRefusal(field: "deadline", "请填写新的截止时间(日期,或日期和时间)。")
        }
        var closesAt: Date?
        if let closesText = form.text("closesAt") {
            guard let closes = ShanghaiTime.parse(closesText, dateMeansEndOfDay: true, browserField: true) else {
                throw FormRefusal(field: "closesAt", "逾期报送截止时间应为日期,或日期和时间。")
            }
            closesAt = closes
        }
        _ = try await dashboard.stores.cycles.extendDeadline(
            cycle: page.cycleRef,
            step: step,
            unit: form.text("unit").map(UnitCode.init(rawValue:)),
            deadline: deadline,
            closesAt: closesAt,
            reason: form["reason"] ?? "",
            principal: page.principal
        )
    }

    @Sendable func enrol(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        let choice: EnrolmentChoice
        switch form["mode"] {
        case "all":
            choice = .everyRegisteredUnit
        case "committees":
            let chosen = form.fields.filter { $0.key.hasPrefix("committee_") && $0.value == "on" }.map { String($0.key.dropFirst(10)) }
            guard !chosen.isEmpty else { throw FormRefusal(field: "mode", "请勾选至少一个专业考核委员会。") }
            choice = .committees(chosen.sorted())
        case "picked":
            choice = .units(
                form.fields.filter { $0.key.hasPrefix("unit_") && $0.value == "on" }.map { UnitCode(String($0.key.dropFirst(5))) }.sorted()
            )
        default:
            throw FormRefusal(field: "mode", "请选择参加考核单位的范围。")
        }
        _ = try await dashboard.stores.cycles.enrol(cycle: page.cycleRef, choosing: choice, actor: page.principal.actor)
    }

    func view(_ page: CyclePage) async throws -> SetupView {
        // Not in the other roles' navigation: for them the page and its downloads do not exist.
        guard page.policy.actAsOffice(county: page.county.code) == .allowed else { throw ProblemDetails.notFound("page setup") }
        let committees = try await dashboard.registry.committees(county: page.county.code)
        return SetupView.build(
            page: page,
            extensions: try await dashboard.stores.cycles.extensions(cycle: page.cycleRef),
            registered: try await dashboard.registry.units(county: page.county.code),
            committeeNames: Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        )
    }
}
