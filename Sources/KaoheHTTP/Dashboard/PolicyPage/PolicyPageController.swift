import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/policy` (考核政策; every account of the county reads it, the
/// office changes it):
/// - `POST …/policy/try` (office, auditor): 试算 — the grades the filings as they stand would get
///   under the policy the form describes, beside those under the policy in force, through
///   `GradingStore.dryRun` (`POST /api/v1/…/policy/dry-run`); nothing is stored;
/// - `POST …/policy/save` (office): `CyclePolicyStore.put` (`PUT /api/v1/…/policy`), a new
///   version, audited `cycle.policy`; a bound or a locked part is refused beside its field.
struct PolicyPageController: Sendable {
    let dashboard: Dashboard

    static let path = "/counties/{county}/cycles/{cycle}/policy"

    func register(on router: RouterGroup<KaoheRequestContext>) {
        dashboard.registerFormPage(
            on: router,
            path: Self.path,
            current: .policy,
            template: "policy",
            title: "考核政策",
            view: view,
            forms: [PageForm(name: "save", work: save), PageForm(name: "weights", work: saveWeights)]
        )
        router.post(RouterPath(Self.path + "/try"), use: tryPolicy)
        router.post(RouterPath(Self.path + "/scheme"), use: uploadScheme)
        router.get(RouterPath(Self.path + "/scheme.json"), use: downloadScheme)
    }

    /// `POST …/policy/weights` (a committee's account): its indicator maxima, through
    /// `CyclePolicyStore.putCommitteeWeighting` (`PUT /api/v1/…/committees/{committee}/weighting`);
    /// `clear` goes back to the scheme's own maxima.
    @Sendable func saveWeights(_ page: CyclePage, _ form: FormBody) async throws {
        guard page.principal.role == .committee, let committee = page.principal.committee else {
            throw DashboardRefusal(status: .forbidden, message: "只有专业考核委员会的账号可以设定本委的指标权重。")
        }
        guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
        }
        var weighting: SchemeWeighting?
        if form.text("clear") == nil {
            let scheme = try current.current.policy.indicatorScheme()
            var maxima: [String: Score] = [:]
            for indicator in scheme.indicators {
                let name = "w_" + indicator.id
                guard let text = form.text(name), let points = try? Score(parsing: text), !points.isNegative else {
                    throw FormRefusal(field: name, "请为“\(indicator.name)”填写分值(不小于0的数,如25或12.5)。")
                }
                maxima[indicator.id] = points
            }
            weighting = SchemeWeighting(indicatorMax: maxima)
        }
        do {
            _ = try await dashboard.stores.policies.putCommitteeWeighting(
                cycle: page.cycleRef,
                committee: committee,
                weighting: weighting,
                reason: form.text("reason") ?? "",
                expectedVersion: form["version"].flatMap { Int($0) },
                actor: page.principal.actor,
                account: page.principal.account
            )
        } catch let error as CycleError {
            // `/committeeWeightings/<committee>/weighting/<indicator>` → the indicator's field (a
            // group's refusal names no field of the form and shows above it).
            let indicator = error.field?.split(separator: "/").last.map(String.init)
            var refusal = FormRefusal(field: indicator.map { "w_" + $0 }, error.message, kind: error.refusalKind)
            refusal.rule = error.rule
            throw refusal
        }
    }

    /// `POST …/policy/scheme` (office, `multipart/form-data`): the county's own scheme as a JSON file
    /// (`scheme`), or `builtIn` to go back to the built-in one; a new policy version through
    /// `CyclePolicyStore.put`. A file that is not a scheme is refused beside the field, nothing saved.
    @Sendable func uploadScheme(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        try await FormOnce(idempotency: dashboard.stores.idempotency).run(multipart: request, context: context) { form in
            let page = try await dashboard.cyclePage(context, current: .policy)
            try page.requireOffice()
            do {
                guard let form else { throw FormRefusal(field: "scheme", "上传的表单无法读取,请重新选择文件后提交。") }
                guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
                    throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
                }
                var policy = current.current.policy
                if form["builtIn"] != nil {
                    policy.scheme = nil  // the store puts the preset's built-in scheme back (`CyclePolicyStore.change`)
                } else {
                    guard let file = form.file("scheme"), !file.body.isEmpty else {
                        throw FormRefusal(field: "scheme", "请选择本县指标体系文件(JSON)。")
                    }
                    do throws(DataFileError) {
                        policy.scheme = try RulesJSON.decode(
                            IndicatorScheme.self,
                            from: Data(file.body),
                            name: file.fileName ?? "scheme.json"
                        )
                    } catch {
                        throw FormRefusal(field: "scheme", "文件不是可读的指标体系:" + ChineseText.of(error.description) + "。可先下载现行体系,在其基础上修改。")
                    }
                    policy.defaultScheme = policy.scheme?.id ?? policy.defaultScheme
                }
                do {
                    _ = try await dashboard.stores.policies.put(
                        cycle: page.cycleRef,
                        policy: policy,
                        reason: form["reason"]?.trimmingBlanks() ?? "",
                        expectedVersion: form["version"].flatMap { Int($0) },
                        actor: page.principal.actor,
                        account: page.principal.account
                    )
                } catch let error as CycleError {
                    var refusal = FormRefusal(field: "scheme", error.message, kind: error.refusalKind)
                    refusal.rule = error.rule
                    throw refusal
                }
            } catch let refusal as FormRefusal {
                var view = try await view(page)
                view.place(
                    FormNotice(
                        form: "scheme",
                        message: ChineseText.of(refusal.detail),
                        refused: true,
                        values: [:],
                        errors: ["scheme": ChineseText.of(refusal.detail)]
                    )
                )
                var html = page.render("policy", view, title: "考核政策")
                html.status = HTTPResponse.Status(code: refusal.refusalKind.status)
                return html.response()
            }
            return Response(status: .seeOther, headers: [.location: page.base + "/policy?done=scheme", .cacheControl: "no-store"])
        }
    }

    /// `GET …/policy/scheme.json`: the scheme the cycle's units are scored against, as a file to
    /// start the county's own from.
    @Sendable func downloadScheme(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .policy)
        guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
        }
        let scheme = try current.current.policy.indicatorScheme()
        let name = "指标体系-\(scheme.id).json".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "scheme.json"
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .contentDisposition: "attachment; filename=\"scheme-\(scheme.id).json\"; filename*=UTF-8''\(name)",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: RulesJSON.encode(scheme)))
        )
    }

    func view(_ page: CyclePage) async throws -> PolicyView {
        guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
        }
        let committees = try await dashboard.registry.committees(county: page.county.code)
        return PolicyView.build(
            page: page,
            current: current,
            history: try await dashboard.stores.policies.history(cycle: page.cycleRef),
            committeeNames: Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        )
    }

    /// The policy the form describes: a preset whole, or the policy in force with the numbers typed
    /// (a locked part's fields are not sent and stay as they are).
    static func policy(from form: FormBody, current: CyclePolicy) throws -> CyclePolicy {
        if let preset = form.text("preset") {
            do { return try PolicyLoader.cyclePreset(preset) } catch { throw FormRefusal(field: "preset", "没有这个预设,请重新选择。") }
        }
        var policy = current
        func whole(_ name: String, _ range: ClosedRange<Int>, _ words: String) throws -> Int? {
            guard let text = form.text(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw FormRefusal(field: name, "\(words)应为\(range.lowerBound)至\(range.upperBound)之间的整数。")
            }
            return value
        }
        func percent(_ name: String, _ words: String) throws -> Percentage? {
            try whole(name, 0...100, words).map(Percentage.init(uncheckedValue:))
        }
        if let value = try percent("excellentMax", "优秀等次占比上限") { policy.grading.excellentMaxPercent = value }
        if let value = try percent("qualifiedMin", "合格等次占比下限") { policy.grading.qualifiedMinPercent = value }
        if let scope = form.text("scope") {
            guard let value = CohortScope(rawValue: scope) else { throw FormRefusal(field: "scope", "请选择比例的计算范围。") }
            policy.defaultCohortScope = value
        }
        if let text = form.text("recheckPoints") {
            guard let points = try? Score(parsing: text), points > .zero, points <= Score(points: 100) else {
                throw FormRefusal(field: "recheckPoints", "核验替换的分差应为大于0的分数,如5或5.5。")
            }
            policy.recheck.pointsThreshold = points
        }
        if let days = try whole("publicityDays", 1...60, "公示工作日数") { policy.publicityWorkingDays = days }
        if let days = try whole("reviewDays", 1...60, "复核申请工作日数") { policy.staffReviewWorkingDays = days }
        if let id = form.text("rosterPreset"), id != policy.roster.id {
            // Another staff rule, whole (its tiers, categories, lines and ratios): the ratios typed
            // were the old rule's.
            do { policy.roster = try PolicyLoader.rosterPolicy(id) } catch {
                throw FormRefusal(field: "rosterPreset", "没有这个工作人员考核办法,请重新选择。")
            }
        } else {
            for grade in UnitGrade.allCases {
                if let value = try percent("staff_" + grade.rawValue, "单位为\(grade.chinese)时的工作人员优秀比例") {
                    policy.roster.excellentPercentByUnitGrade[grade.rawValue] = value
                }
            }
            if let bonus = try whole("awardBonus", 0...100, "集体奖励加成") { policy.roster.awardBonusPercent = bonus }
        }
        if let value = try percent("spotDefault", "抽查比例") {
            policy.spotCheck.defaultPercent = value
            if value < policy.spotCheck.minimumPercent { policy.spotCheck.minimumPercent = value }
        }
        return policy
    }

    /// The form field a store refusal concerns (its JSON pointer), or nil for the page as a whole.
    static func field(_ pointer: String?) -> String? {
        guard let pointer else { return nil }
        let names = [
            "/grading/excellentMaxPercent": "excellentMax", "/grading/qualifiedMinPercent": "qualifiedMin",
            "/recheck/pointsThreshold": "recheckPoints", "/publicityWorkingDays": "publicityDays",
            "/staffReviewWorkingDays": "reviewDays", "/roster/awardBonusPercent": "awardBonus",
            "/spotCheck/defaultPercent": "spotDefault", "/spotCheck/minimumPercent": "spotDefault", "/reason": "reason",
        ]
        if let name = names[pointer] { return name }
        if pointer.hasPrefix("/roster/excellentPercentByUnitGrade/") { return "staff_" + pointer.split(separator: "/").last! }
        return nil
    }

    @Sendable func save(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
            throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
        }
        let policy = try Self.policy(from: form, current: current.current.policy)
        do {
            _ = try await dashboard.stores.policies.put(
                cycle: page.cycleRef,
                policy: policy,
                reason: form.text("reason") ?? "",
                expectedVersion: form["version"].flatMap { Int($0) },
                actor: page.principal.actor,
                account: page.principal.account
            )
        } catch let error as CycleError {
            var refusal = FormRefusal(field: Self.field(error.field), error.message, kind: error.refusalKind)
            refusal.rule = error.rule
            throw refusal
        }
    }

    /// `POST …/policy/try`: the page again, the form as typed, with the dry run below it.
    @Sendable func tryPolicy(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .policy)
        guard page.countyWide else { throw ProblemDetails.notFound("page policy") }
        let form = try await FormBody.read(request)
        var view = try await view(page)
        do {
            guard let current = try await dashboard.stores.policies.current(cycle: page.cycleRef) else {
                throw ProblemDetails.notFound("cycle \(page.cycleRef.cycle)")
            }
            let tried = try Self.policy(from: form, current: current.current.policy)
            let result = try await dashboard.stores.grading.dryRun(cycle: page.cycleRef, policy: tried)
            view.place(FormNotice(form: "save", message: "", refused: true, values: form.fields))
            view.notice = nil
            view.preview = PolicyView.preview(result, base: page.base, cycle: page.cycleRef.cycle)
        } catch let refusal as any Refusal where [.invalid, .malformed].contains(refusal.refusalKind) {
            view.place(
                FormNotice(
                    form: "save",
                    message: ChineseText.of(refusal.detail),
                    refused: true,
                    values: form.fields,
                    errors: refusal.field.map { [$0: ChineseText.of(refusal.detail)] } ?? [:]
                )
            )
            var html = page.render("policy", view, title: "考核政策")
            html.status = .unprocessableContent
            return html.response()
        }
        return page.render("policy", view, title: "考核政策").response()
    }
}
