import Hummingbird
import KaoheRules
import KaoheStore

/// `/counties/{county}/cycles/{cycle}/objections`: 异议与复核, its tables as CSV or .xlsx, and its
/// forms, each through the store call of its API route (same rules, audit entries and refusals):
/// - `POST …/objections/objection`: 提出异议 during the 公示 (the unit itself, its committee or the
///   office), `GradingStore.fileObjection` (`POST /api/v1/…/units/{code}/objections`);
/// - `POST …/objections/review`: 复议 by the unit's committee, `GradingStore.reviewObjection`
///   (`PUT …/objections/{id}/review`);
/// - `POST …/objections/appeal`: a staff member's 复核 application (the unit, or the office with
///   the date of a paper application), `GradingStore.fileAppeal` (`POST …/units/{code}/appeals`);
///   the grade, when not chosen, is the one on the unit's latest roster;
/// - `POST …/objections/decide-appeal`: the office's outcome, `GradingStore.decideAppeal` (`PUT …/appeals/{id}`).
struct ObjectionsController: Sendable {
    let dashboard: Dashboard

    func register(on router: RouterGroup<KaoheRequestContext>) {
        dashboard.registerFormPage(
            on: router,
            path: "/counties/{county}/cycles/{cycle}/objections",
            current: .objections,
            template: "objections",
            title: "异议与复核",
            view: view,
            forms: [
                PageForm(name: "objection", work: fileObjection),
                PageForm(name: "review", work: review),
                PageForm(name: "appeal", work: fileAppeal),
                PageForm(name: "decide-appeal", work: decideAppeal),
            ]
        )
    }

    /// The unit named by the form's `unit` field, if it is enrolled and the account sees it (the
    /// API's 404 otherwise).
    func unit(_ page: CyclePage, _ form: FormBody) async throws -> UnitRecord {
        let code = UnitCode((form["unit"] ?? "").trimmingBlanks())
        guard let unit = try await dashboard.registry.unit(county: page.county.code, code: code),
            page.cycle.units.contains(code), page.sees(code: code, committee: unit.committee)
        else { throw ProblemDetails.notFound("unit \(code)") }
        return unit
    }

    @Sendable func fileObjection(_ page: CyclePage, _ form: FormBody) async throws {
        guard [.office, .committee, .unit].contains(page.principal.role) else {
            throw DashboardRefusal(status: .forbidden, message: "监督人员只读,不能提出异议。")
        }
        let unit = try await unit(page, form)
        _ = try await dashboard.stores.grading.fileObjection(
            cycle: page.cycleRef,
            unit: unit.code,
            text: form["text"] ?? "",
            principal: page.principal
        )
    }

    @Sendable func review(_ page: CyclePage, _ form: FormBody) async throws {
        let grading = dashboard.stores.grading
        guard let id = form["id"].flatMap({ Int64($0) }), let objection = try await grading.objection(county: page.county.code, id: id),
            objection.cycle == page.cycle.definition.cycle,
            let unit = try await dashboard.registry.unit(county: page.county.code, code: objection.unit),
            page.sees(code: unit.code, committee: unit.committee)
        else { throw ProblemDetails.notFound("objection \(form["id"] ?? "")") }
        guard page.policy.fileAsCommittee(for: AccessPolicy.UnitRef(unit)) == .allowed else {
            throw DashboardRefusal(status: .forbidden, message: "异议由该单位所属的专业考核委员会复议。")
        }
        guard let outcome = form["outcome"], ["upheld", "rejected"].contains(outcome) else {
            throw FormRefusal(field: "outcome", "请选择复议结果:异议成立或不成立。")
        }
        let grade = form.text("grade").flatMap(UnitGrade.init(rawValue:))
        if grade != nil, outcome != "upheld" { throw FormRefusal(field: "grade", "只有异议成立时才能更改等次。") }
        _ = try await grading.reviewObjection(
            county: page.county.code,
            id: id,
            outcome: outcome,
            grade: grade,
            note: form.text("note"),
            principal: page.principal
        )
    }

    @Sendable func fileAppeal(_ page: CyclePage, _ form: FormBody) async throws {
        let unit = try await unit(page, form)
        guard page.principal.role == .office || (page.principal.role == .unit && page.principal.unitCode == unit.code) else {
            throw DashboardRefusal(status: .forbidden, message: "复核申请由本单位或县事考办登记。")
        }
        let staffNo = (form["staffNo"] ?? "").trimmingBlanks()
        var grade = form.text("grade").flatMap(StaffGrade.init(rawValue:))
        if grade == nil {
            grade = try await Self.appealable(dashboard, cycle: page.cycleRef, unit: unit.code).first { $0.staff.staffNo == staffNo }?.staff
                .grade
        }
        guard let grade else {
            throw FormRefusal(field: "staffNo", "工号\(staffNo)不在本单位最新报送的考核名册中,或其等次不可申请复核(仅不定等次、不参加、基本合格、不合格可申请)。")
        }
        _ = try await dashboard.stores.grading.fileAppeal(
            cycle: page.cycleRef,
            unit: unit.code,
            staffNo: staffNo,
            grade: grade,
            notifiedOn: (form["notifiedOn"] ?? "").trimmingBlanks(),
            filedOn: form.text("filedOn"),
            reason: form["reason"] ?? "",
            principal: page.principal
        )
    }

    @Sendable func decideAppeal(_ page: CyclePage, _ form: FormBody) async throws {
        try page.requireOffice()
        let grading = dashboard.stores.grading
        guard let id = form["id"].flatMap({ Int64($0) }), let appeal = try await grading.appeal(county: page.county.code, id: id),
            appeal.cycle == page.cycle.definition.cycle
        else { throw ProblemDetails.notFound("appeal \(form["id"] ?? "")") }
        guard let outcome = form["outcome"], ["upheld", "changed", "rejected"].contains(outcome) else {
            throw FormRefusal(field: "outcome", "请选择复核结果。")
        }
        let grade = form.text("grade").flatMap(StaffGrade.init(rawValue:))
        guard (outcome == "changed") == (grade != nil) else {
            throw FormRefusal(field: "grade", outcome == "changed" ? "结果为“改变等次”时,请选择复核后的等次。" : "只有结果为“改变等次”时才选择新的等次。")
        }
        _ = try await grading.decideAppeal(
            county: page.county.code,
            id: id,
            outcome: outcome,
            grade: grade,
            note: form.text("note"),
            principal: page.principal
        )
    }

    /// The lines of the unit's latest roster whose grade may be appealed (篇十三 第二十五条).
    static func appealable(_ dashboard: Dashboard, cycle: CycleRef, unit: UnitCode) async throws -> [RosterLine] {
        let filings = dashboard.stores.filings
        guard let latest = try await filings.history(cycle: cycle, unit: unit, step: .roster).map(\.version).max() else { return [] }
        return try await filings.rosterLines(cycle: cycle, unit: unit, version: latest).filter {
            GradingStore.appealableGrades.contains($0.staff.grade)
        }
    }

    func view(_ page: CyclePage) async throws -> ObjectionsView {
        let grading = dashboard.stores.grading
        let visibility = try await UnitVisibility.load(policy: page.policy, county: page.county.code, registry: dashboard.registry)
        let cycle = page.cycle.definition.cycle
        let objections = try await grading.objections(cycle: page.cycleRef).filter { visibility.sees($0.unit) }
        let appeals = try await grading.appeals(cycle: page.cycleRef).filter { visibility.sees($0.unit) }
        let publicity = try await grading.publicity(cycle: page.cycleRef)
        let graded = (try await grading.current(cycle: page.cycleRef))?.units ?? []
        let role = page.principal.role
        func option(_ code: UnitCode) -> SelectOption {
            .init(value: code.rawValue, label: "\(visibility.name(code))(\(code))")
        }
        let unitGrades = UnitGrade.allCases.map { SelectOption(value: $0.rawValue, label: $0.chinese) }
        let staffGrades = StaffGrade.allCases.map { SelectOption(value: $0.rawValue, label: $0.chinese) }

        var fileObjection: ObjectionsView.FileObjection?
        if publicity?.open == true, publicity?.finalised == false, [.office, .committee, .unit].contains(role) {
            let units = graded.filter { visibility.sees($0.code, committee: $0.committee) }.map(\.code).sorted()
            fileObjection = .init(action: page.base + "/objections/objection", once: FormOnce.newToken(), units: units.map(option))
        }
        let reviews = objections.filter { $0.outcome == nil }.compactMap { o -> ObjectionsView.Review? in
            guard role == .committee, let unit = visibility.units[o.unit], page.principal.committee == unit.committee else { return nil }
            return .init(
                action: page.base + "/objections/review",
                once: FormOnce.newToken(),
                id: String(o.id),
                title: "第 \(o.id) 号异议:\(visibility.name(o.unit))",
                text: o.text,
                grades: unitGrades
            )
        }

        var fileAppeal: ObjectionsView.FileAppeal?
        if role == .office || role == .unit {
            let codes = role == .unit ? [page.principal.unitCode].compactMap { $0 } : page.cycle.units.sorted()
            var staff: [SelectOption] = []
            if role == .unit, let own = codes.first {
                staff = try await Self.appealable(dashboard, cycle: page.cycleRef, unit: own).map {
                    .init(value: $0.staff.staffNo, label: "\($0.name)(工号 \($0.staff.staffNo),\($0.staff.grade.chinese))")
                }
            }
            fileAppeal = .init(
                action: page.base + "/objections/appeal",
                once: FormOnce.newToken(),
                units: codes.map(option),
                staff: staff,
                hasStaff: !staff.isEmpty,
                grades: StaffGrade.allCases.filter { GradingStore.appealableGrades.contains($0) }.map {
                    .init(value: $0.rawValue, label: $0.chinese)
                },
                paperDate: role == .office
            )
        }
        let decisions =
            role == .office
            ? appeals.filter { $0.outcome == nil }.map { a in
                ObjectionsView.Decision(
                    action: page.base + "/objections/decide-appeal",
                    once: FormOnce.newToken(),
                    id: String(a.id),
                    title: "第 \(a.id) 号复核申请:\(visibility.name(a.unit)) 工号 \(a.staffNo)(原等次 \(ObjectionsView.staffGrade(a.grade)))",
                    grades: staffGrades
                )
            } : []

        let state: String
        if let publicity {
            state =
                "公示期:\(publicity.opensOn) 至 \(publicity.closesOn)(\(publicity.workingDays) 个工作日)"
                + (publicity.finalised ? ",结果已定档。" : publicity.open ? ",公示中,可提出异议。" : ",已期满。")
        } else {
            state = "尚未公示。公示开始后,单位、专考委和县事考办可在公示期内提出异议。"
        }
        return ObjectionsView(
            scopeNote: visibility.scopeNote,
            csrf: page.session.csrfToken,
            publicityState: state,
            fileObjection: fileObjection,
            objections: ObjectionsView.objectionsTable(objections, visibility: visibility, base: page.base, cycle: cycle),
            reviews: reviews,
            fileAppeal: fileAppeal,
            appeals: ObjectionsView.appealsTable(appeals, visibility: visibility, base: page.base, cycle: cycle),
            decisions: decisions
        )
    }
}
