import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Mustache
import Spreadsheets

/// `/counties/{county}/cycles/{cycle}/units`: the units table (单位一览) with filters, search and
/// sorting, and `…/units.csv`: the same rows (same query string) as a CSV for Excel.
struct UnitsController: Sendable {
    let dashboard: Dashboard

    struct HeaderCell {
        var label: String
        var href: String
        var arrow: String?
    }
    /// One row of the table. Its names are answered directly (`MustacheParent`), not through
    /// Mirror: 500 rows of 15 names each are most of the page's time otherwise (see `DataCell`).
    struct RowView: MustacheParent {
        var code, name, href, committee, department: String
        var selfAssessment, selfAssessmentClass, assessment, assessmentClass, roster, rosterClass: String
        var score, grade, quota: String
        var violations: Int

        func child(named name: String) -> Any? {
            switch name {
            case "code": code
            case "name": self.name
            case "href": href
            case "committee": committee
            case "department": department
            case "selfAssessment": selfAssessment
            case "selfAssessmentClass": selfAssessmentClass
            case "assessment": assessment
            case "assessmentClass": assessmentClass
            case "roster": roster
            case "rosterClass": rosterClass
            case "score": score
            case "grade": grade
            case "quota": quota
            case "violations": violations
            default: nil
            }
        }
    }
    struct UnitsView {
        var scopeNote: String?
        var action: String
        var csvHref: String
        var xlsxHref: String
        var committees: [SelectOption]
        var statuses: [SelectOption]
        var grades: [SelectOption]
        var query: String
        var sort: String
        var dir: String
        var columns: [HeaderCell]
        var rows: [RowView]
        var count: Int
        /// Set when the rows fill more than one page (`TablePager.size`).
        var pager: TablePager?
        /// 批量报送评分, for a committee account while the assessment step takes filings.
        var bulkScores: BulkScoresForm?
    }

    struct BulkScoresForm {
        var action: String
        var csrf: String
        var once: String
        var templateXLSX: String
        var templateCSV: String
    }

    func register(on router: RouterGroup<KaoheRequestContext>) {
        router.get("/counties/{county}/cycles/{cycle}/units", use: units)
        for format in SheetFormat.allCases {
            router.get("/counties/{county}/cycles/{cycle}/units.\(format.fileExtension)") { request, context in
                try await unitsTable(request, context: context, format: format)
            }
        }
    }

    /// The units table.
    @Sendable func units(_ request: Request, context: KaoheRequestContext) async throws -> DashboardPage {
        let page = try await dashboard.cyclePage(context, current: .units)
        let query = UnitsTable.Query(Self.parameters(request))
        let (table, committees, visibility) = try await load(page)
        let all = table.apply(query)
        let base = page.base + "/units"
        // The filters and the order apply to every row; a page of them is shown.
        let pager = TablePager(total: all.count, requested: TablePager.requested(request.uri.queryParameters["page"])) {
            base + "?" + query.queryString() + "&page=\($0)"
        }
        let rows = pager.map { Array(all[$0.range]) } ?? all
        let view = UnitsView(
            scopeNote: visibility.scopeNote,
            action: base,
            csvHref: base + ".csv?" + query.queryString(),
            xlsxHref: base + ".xlsx?" + query.queryString(),
            committees: committees.map { SelectOption(value: $0.id, label: $0.name, selected: $0.id == query.committee) },
            statuses: UnitsTable.statuses.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == query.status) },
            grades: UnitsTable.grades.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == query.grade) },
            query: query.text,
            sort: query.sort.rawValue,
            dir: query.ascending ? "asc" : "desc",
            columns: UnitsTable.Column.allCases.map { column in
                let current = column == query.sort
                return HeaderCell(
                    label: column.label,
                    href: base + "?" + query.queryString(sort: column, ascending: current ? !query.ascending : true),
                    arrow: current ? (query.ascending ? "▲" : "▼") : nil
                )
            },
            rows: rows.map { row in
                func status(_ step: FilingStep) -> String { row.statuses[step] ?? "not_started" }
                return RowView(
                    code: row.code.rawValue,
                    name: row.name,
                    href: page.unitHref(row.code),
                    committee: row.committee,
                    department: row.department,
                    selfAssessment: UnitsTable.statusName(status(.selfAssessment)),
                    selfAssessmentClass: status(.selfAssessment),
                    assessment: UnitsTable.statusName(status(.assessment)),
                    assessmentClass: status(.assessment),
                    roster: UnitsTable.statusName(status(.roster)),
                    rosterClass: status(.roster),
                    score: UnitsTable.scoreText(row),
                    grade: row.grade?.chinese ?? "",
                    quota: UnitsTable.quotaText(row),
                    violations: row.violations
                )
            },
            count: all.count,
            pager: pager,
            bulkScores: page.principal.role == .committee
                && page.cycle.steps.contains { $0.step == .assessment && ($0.state == .open || $0.state == .late) }
                ? BulkScoresForm(
                    action: base + "/scores",
                    csrf: page.session.csrfToken,
                    once: FormOnce.newToken(),
                    templateXLSX: base + "/scores-template.xlsx",
                    templateCSV: base + "/scores-template.csv"
                ) : nil
        )
        return page.render("units", view, title: "单位一览")
    }

    /// The same rows (same query string) as CSV or .xlsx.
    @Sendable func unitsTable(_ request: Request, context: KaoheRequestContext, format: SheetFormat) async throws -> Response {
        let page = try await dashboard.cyclePage(context, current: .units)
        let (table, _, _) = try await load(page)
        let rows = table.apply(UnitsTable.Query(Self.parameters(request)))
        return try UnitsTable.sheet(rows).download(format, named: "\(page.county.name)\(page.cycle.definition.cycle)单位一览")
    }

    static func parameters(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { out[String(key)] = String(value) }
        return out
    }

    /// The rows the account may see, the committees it may filter by, and the account's view of the
    /// county (for the scope note, built from the registry reads already made here).
    func load(_ page: CyclePage) async throws -> (UnitsTable, [Committee], UnitVisibility) {
        let county = page.county.code
        let cycle = page.cycle.definition.cycle
        guard
            let monitor = try await CycleMonitor.load(dashboard.stores.monitor, cycle: CycleRef(county: county, cycle: cycle))?.scoped(
                to: page
            )
        else {
            throw ProblemDetails.notFound("cycle \(cycle)")
        }
        async let committeesRead = dashboard.registry.committees(county: county)
        async let departmentsRead = dashboard.registry.departments(county: county)
        async let unitsRead = dashboard.registry.units(county: county)
        async let totalsRead = dashboard.stores.monitor.assessedTotals(cycle: CycleRef(county: county, cycle: cycle))
        let committees = try await committeesRead
        let departments = try await departmentsRead
        let units = try await unitsRead
        let totals = try await totalsRead
        let visibility = UnitVisibility(
            policy: page.policy,
            county: county,
            units: Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }),
            committeeNames: Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        )
        let committeeNames = visibility.committeeNames
        let departmentNames = Dictionary(departments.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let departmentOf = visibility.units.mapValues(\.department)
        let rechecks = Dictionary(
            (monitor.deviations?.units ?? []).compactMap { d in d.recheckTotal.map { (d.unit, $0) } },
            uniquingKeysWith: { a, _ in a }
        )
        let rows = monitor.units.map { unit in
            UnitsTable.Row(
                code: unit.code,
                name: unit.name,
                committeeID: unit.committee,
                committee: committeeNames[unit.committee] ?? unit.committee,
                department: departmentOf[unit.code].map { departmentNames[$0] ?? $0 } ?? "",
                statuses: [.selfAssessment: unit.steps.self_assessment, .assessment: unit.steps.assessment, .roster: unit.steps.roster],
                score: totals[unit.code] ?? unit.total,
                recheck: rechecks[unit.code],
                grade: unit.grade.flatMap(UnitGrade.init(rawValue:)),
                quotaLimit: unit.quota?.limit,
                quotaUsed: unit.quota?.used,
                violations: unit.openViolations
            )
        }
        let visibleCommittees = Set(monitor.units.map(\.committee))
        return (UnitsTable(rows: rows), committees.filter { page.countyWide || visibleCommittees.contains($0.id) }, visibility)
    }
}
