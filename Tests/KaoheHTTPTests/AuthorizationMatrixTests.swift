import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KaoheHTTP
import KaoheRules
import KaoheStore
import KaoheTestSupport
import NIOCore
import Postgres
import Testing

/// Every `/api/v1` endpoint × every role × own unit / other unit of the same committee / unit of
/// another committee / another county, each combination sent as a real request with a valid body
/// and its status asserted against the table below, written from SPEC.md ("Who uses it") and the
/// rules of docs/api.md. The rows are checked against the router's route table: a route without a row,
/// or a row without a route, fails the test.
///
/// Run just this: `swift test --skip-build --filter AuthorizationMatrixTests`.
@Suite("Authorization matrix: every endpoint × every role × own / other unit / other committee / other county")
struct AuthorizationMatrixTests {
    typealias F = AuthorizationMatrixFixture

    /// The expectations.
    ///
    /// Roles (columns): the office, committee C1, unit U1, a reviewer and an auditor of county A;
    /// the office of county B; no token. Each cell has one character per target:
    ///
    ///     1st  U1  own unit (for county-wide routes: county A)
    ///     2nd  U2  another unit of committee C1
    ///     3rd  U3  a unit of committee C2
    ///     4th  X1  a unit of county B (for county-wide routes: county B)
    ///
    /// `+` allowed (2xx) · `4` 404, out of scope, answered exactly as for a unit or county that does
    /// not exist · `3` 403, visible but the role may never do this · `1` 401, no token ·
    /// `-` does not apply (county-wide routes have no unit; /whoami and the document no county).
    ///
    /// `{C}` = `/api/v1/counties/{county}`, `{Y}` = `{C}/cycles/{cycle}`, `{U}` = `{Y}/units/{code}`.
    /// `body` is the valid request body sent (see `body(_:target:)`). Rows run in this order, which
    /// walks cycle 2026 through its steps (draw, re-checks, proposal, confirmation, publicity,
    /// objections, appeals, finalise), so that every allowed request really succeeds. An objection's
    /// review targets the latest objection on the target unit.
    static let matrix = """
        method path                                          body            office committee unit reviewer auditor office-B anonymous
        GET    /api/v1/openapi.json                          -               +---   +---      +--- +---     +---    +---     +---
        GET    /api/v1/whoami                                -               +---   +---      +--- +---     +---    +---     1---
        GET    {C}/units                                     -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        PUT    {C}/units                                     units-csv       +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {C}/units/{code}                              -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {C}/reviewers                                 -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {C}/calendars                                 -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        PUT    {C}/calendars/{year}                          calendar        +--4   3--4      3--4 3--4     3--4    4--+     1--1
        PUT    {Y}                                           cycle           +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}                                           -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        PUT    {Y}/units                                     enrolment       +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {C}/policy-presets                            -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        GET    {Y}/policy                                    -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        PUT    {Y}/policy                                    policy          +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/policy/versions                           -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        POST   {Y}/policy/dry-run                            policy          +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {Y}/committees/{committee}/weighting          -               +--4   +--4      3--4 3--4     +--4    4--+     1--1
        PUT    {Y}/committees/{committee}/weighting          weighting       +--4   +--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/steps/{step}/close                        -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/steps/{step}/extensions                   extension       +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/extensions                                -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        PUT    {U}/self-assessment                           report          3334   3344      +444 3444     3334    4443     1111
        GET    {U}/self-assessment                           -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/self-assessment/history                   -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/self-assessment/history/{version}         -               +++4   ++44      +444 +444     +++4    444+     1111
        PUT    {U}/self-assessment/attachments/{name}        pdf             3334   3344      +444 3444     3334    4443     1111
        GET    {U}/self-assessment/attachments/{name}        -               +++4   ++44      +444 +444     +++4    444+     1111
        PUT    {U}/assessment                                sheet           3334   ++44      3444 3444     3334    4443     1111
        GET    {U}/assessment                                -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/assessment/history                        -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/assessment/history/{version}              -               +++4   ++44      +444 +444     +++4    444+     1111
        PUT    {U}/roster                                    roster          3334   3344      +444 3444     3334    4443     1111
        GET    {U}/roster                                    -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/roster/history                            -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {U}/roster/history/{version}                  -               +++4   ++44      +444 +444     +++4    444+     1111
        POST   {U}/roster/determinations                     determination   +++4   3344      3444 3444     3334    444+     1111
        GET    {U}/interviews                                -               +++4   ++44      3444 +444     +++4    444+     1111
        GET    {C}/units/{code}/staff/{staffNo}/history      -               +++4   3344      +444 3444     +++4    444+     1111
        POST   {C}/staff-transfers                           transfer        +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/spot-check/freeze                         -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/spot-check/draw                           -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/spot-check                                -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        GET    {Y}/spot-check/export                         -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        PUT    {U}/recheck                                   recheck         +++4   3344      3444 +444     3334    444+     1111
        GET    {U}/recheck                                   -               +++4   ++44      +444 +444     +++4    444+     1111
        GET    {Y}/spot-check/deviations                     -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        POST   {U}/grading-events                            grading-event   +++4   3344      3444 3444     3334    444+     1111
        POST   {U}/grading-events/{number}/withdraw          withdraw        +++4   3344      3444 3444     3334    444+     1111
        PUT    {Y}/departments/{department}/result           department      +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/grading/proposal                          -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        PUT    {Y}/grading/decisions                         decisions       +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/grading/confirm                           -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/grading                                   -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {U}/quota                                     -               +++4   ++44      +444 +444     +++4    444+     1111
        POST   {Y}/publicity/open                            -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/publicity                                 -               +--4   +--4      +--4 +--4     +--4    4--+     1--1
        POST   {U}/objections                                objection       +++4   ++44      +444 3444     3334    444+     1111
        GET    {Y}/objections                                -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        PUT    {Y}/objections/{id}/review                    review          3334   ++44      3444 3444     3334    4443     1111
        POST   {U}/appeals                                   appeal          +++4   3344      +444 3444     3334    444+     1111
        PUT    {Y}/appeals/{id}                              appeal-outcome  +--4   3--4      3--4 3--4     3--4    4--+     1--1
        PUT    {Y}/grading/ratio-rulings                     rulings         +--4   3--4      3--4 3--4     3--4    4--+     1--1
        POST   {Y}/publicity/finalise                        -               +--4   3--4      3--4 3--4     3--4    4--+     1--1
        GET    {Y}/monitor                                   -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {Y}/monitor.csv                               -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {Y}/monitor.xlsx                              -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {C}/history                                   -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {C}/history.csv                               -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        GET    {C}/history.xlsx                              -               +--4   3--4      3--4 3--4     +--4    4--+     1--1
        """

    // MARK: The table as data

    enum Role: String, CaseIterable, CustomStringConvertible {
        case office, committee, unit, reviewer, auditor
        case officeB = "office-B"
        case anonymous

        /// The fixture account whose token the role sends (none for `anonymous`).
        var account: String? {
            switch self {
            case .officeB: "office-b"
            case .anonymous: nil
            default: rawValue
            }
        }

        /// The county the role belongs to.
        var county: CountyCode? {
            switch self {
            case .officeB: F.countyB
            case .anonymous: nil
            default: F.countyA
            }
        }

        var description: String { rawValue }
    }

    enum Target: Int, CaseIterable, CustomStringConvertible {
        case ownUnit, sameCommittee, otherCommittee, otherCounty

        var county: CountyCode { self == .otherCounty ? F.countyB : F.countyA }
        var unit: String { [F.u1, F.u2, F.u3, F.x1][rawValue] }
        var description: String { ["U1 (own)", "U2 (same committee)", "U3 (other committee)", "X1 (other county)"][rawValue] }
    }

    enum Expectation: Character {
        case allowed = "+"
        case notFound = "4"
        case forbidden = "3"
        case unauthenticated = "1"
        case notApplicable = "-"

        func matches(_ status: Int) -> Bool {
            switch self {
            case .allowed: (200..<300).contains(status)
            case .notFound: status == 404
            case .forbidden: status == 403
            case .unauthenticated: status == 401
            case .notApplicable: false
            }
        }

        /// The cell character for an observed status.
        static func observed(_ status: Int) -> Character {
            switch status {
            case 200..<300: "+"
            case 401: "1"
            case 403: "3"
            case 404: "4"
            default: "?"
            }
        }
    }

    struct Row {
        var route: String
        var method: HTTPRequest.Method
        var path: String
        var body: String
        var cells: [Role: [Expectation]]
        var line: Int
    }

    static func expand(_ path: String) -> String {
        path.replacingOccurrences(of: "{U}", with: "{Y}/units/{code}")
            .replacingOccurrences(of: "{Y}", with: "{C}/cycles/{cycle}")
            .replacingOccurrences(of: "{C}", with: "/api/v1/counties/{county}")
    }

    /// Routes about one unit: its `{code}`, or an objection (which is about its unit).
    static func isUnitRoute(_ path: String) -> Bool {
        path.contains("{code}") || path.contains("/objections/{id}")
    }

    /// The table, parsed; problems with its shape are recorded as issues.
    static func rows() -> [Row] {
        var rows: [Row] = []
        let lines = matrix.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.first.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(Array(header.dropFirst(3)) == Role.allCases.map(\.rawValue), "the matrix's columns must be the roles, in order")
        for (index, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 3 + Role.allCases.count, let method = HTTPRequest.Method(fields[0]) else {
                Issue.record("matrix line \(index + 1) is not `method path body` and \(Role.allCases.count) cells: \(line)")
                continue
            }
            let path = expand(fields[1])
            var cells: [Role: [Expectation]] = [:]
            for (role, cell) in zip(Role.allCases, fields.dropFirst(3)) {
                let expectations = cell.compactMap(Expectation.init(rawValue:))
                guard cell.count == Target.allCases.count, expectations.count == cell.count else {
                    Issue.record("matrix line \(index + 1), \(role): “\(cell)” must be \(Target.allCases.count) of + 4 3 1 -")
                    continue
                }
                // The shape follows from the path: unit routes have a cell for every target,
                // county-wide routes for U1 (county A) and X1 (county B), the others for U1 only.
                let applies: [Bool] =
                    isUnitRoute(path)
                    ? [true, true, true, true]
                    : path.contains("{county}") ? [true, false, false, true] : [true, false, false, false]
                if zip(expectations, applies).contains(where: { ($0 == .notApplicable) == $1 }) {
                    Issue.record(
                        "matrix line \(index + 1), \(role): “\(cell)” must have a cell exactly for the targets that apply to \(path)"
                    )
                }
                cells[role] = expectations
            }
            rows.append(
                Row(route: "\(method.rawValue) \(path)", method: method, path: path, body: fields[2], cells: cells, line: index + 1)
            )
        }
        return rows
    }

    // MARK: Requests

    /// Counts requests, for fresh cycle ids, attachment names and idempotency keys.
    final class Counter: @unchecked Sendable {  // used by one task at a time
        var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }

    /// The valid body `kind` for a request on `target`, and its media type.
    static func body(_ kind: String, target: Target, role: Role) -> (bytes: [UInt8], contentType: String)? {
        let json = "application/json"
        switch kind {
        case "units-csv":
            // The target county's register, unchanged: the import succeeds and alters nothing.
            let row = target == .otherCounty ? "\(F.x1),连江一中,education,edu,50" : "\(F.u1),县第一中学,education,edu,80"
            return (Array("统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n\(row)\n".utf8), "text/csv")
        case "calendar":
            // A made-up 2030 (no build knows it): only 1 January off.
            return (Array(TestCalendars.madeUp(2030).utf8), json)
        case "cycle":
            return (Array(#"{"scheme": "county-2021", "policy": "tied-2023"}"#.utf8), json)
        case "policy":
            // One more working day for staff review requests: the grading part, open until the proposal.
            return (Array(#"{"changes": {"staffReviewWorkingDays": 11}, "reason": "矩阵测试"}"#.utf8), json)
        case "transfer":
            // The target county's unit: its 001 becomes T1 from 2027 (once per county).
            let unit = target == .otherCounty ? F.x1 : F.u1
            return (
                Array(#"{"fromUnit": "\#(unit)", "fromStaffNo": "001", "toUnit": "\#(unit)", "toStaffNo": "T1", "cycle": "2027"}"#.utf8),
                json
            )
        case "determination":
            // 004 was left 不定等次 for an investigation in every seeded roster; the case closed.
            return (Array(#"{"staffNo": "004", "grade": "合格", "sanction": "none", "case": "结案通知〔2026〕1号"}"#.utf8), json)
        case "weighting":
            // 篇十二's ranges, a different split for each account that may set it (so no save is a
            // no-op): 重点任务 and 主要职责 share 50 of 履行职责's 60.
            let keyTasks = role == .committee ? 27 : 26
            let weights =
                #""key_tasks": \#(keyTasks), "main_duties": \#(50 - keyTasks), "budget_performance": 10, "reform_innovation": 10, "quality_efficiency": 10, "sponsor_eval": 10, "client_eval": 10"#
            return (Array(#"{"indicatorMax": {\#(weights)}, "reason": "矩阵测试"}"#.utf8), json)
        case "enrolment":
            let units = target == .otherCounty ? [F.x1] : [F.u1, F.u2, F.u3]
            return (Array(#"{"units": [\#(units.map { "\"\($0)\"" }.joined(separator: ", "))]}"#.utf8), json)
        case "report":
            return (F.report, json)
        case "pdf":
            return (F.pdf, "application/pdf")
        case "sheet":
            // The unit's own committee total again, so grading meets no tie.
            return (F.sheet(keyTasks: F.keyTasks(target.unit)), json)
        case "recheck":
            // The same total as the committee's (no override); the office names U1's assigned reviewer.
            return (F.sheet(keyTasks: F.keyTasks(target.unit), reviewer: "wang.li"), json)
        case "roster":
            return (F.roster, json)
        case "decisions":
            return (Array(#"{"decisions": []}"#.utf8), json)
        case "extension":
            // One unit's roster, to a day four years ahead of today (a grant for a unit stands whatever the step's state).
            let unit = target == .otherCounty ? F.x1 : F.u1
            let day = String(ShanghaiTime.format(Date().addingTimeInterval(4 * 365 * 86_400)).prefix(10))
            return (Array(#"{"unit": "\#(unit)", "deadline": "\#(day)", "reason": "单位遭受洪灾,材料损毁"}"#.utf8), json)
        case "objection":
            return (Array(#"{"text": "本单位得分与实际不符,请求复议"}"#.utf8), json)
        case "review":
            return (Array(#"{"outcome": "rejected", "note": "复议维持"}"#.utf8), json)
        case "grading-event":
            // 不得确定为优秀: with three units no one is 优秀 anyway, so grading is unchanged.
            return (Array(#"{"kind": "not-excellent", "reason": "安全生产责任事故通报", "document": "县应急局通报〔2026〕1号"}"#.utf8), json)
        case "withdraw":
            return (Array(#"{"reason": "通报对象有误"}"#.utf8), json)
        case "department":
            return (Array(#"{"grade": "good", "document": "县考核办〔2026〕2号"}"#.utf8), json)
        case "rulings":
            return (Array(#"{"rulings": []}"#.utf8), json)
        case "appeal":
            return (
                Array(
                    // Told today (so filed in time); one application per person, so the unit's own
                    // staff member differs from the one the office files for.
                    #"{"staffNo": "\#(role == .unit ? "003" : "002")", "grade": "basic", "notifiedOn": "\#(ShanghaiTime.format(Date()).prefix(10))", "reason": "测评分统计有误"}"#
                        .utf8
                ), json
            )
        case "appeal-outcome":
            return (Array(#"{"outcome": "upheld", "note": "维持原等次"}"#.utf8), json)
        default:
            return nil
        }
    }

    static let bodyKinds: Set<String> = [
        "-", "units-csv", "calendar", "cycle", "policy", "enrolment", "report", "pdf", "sheet", "recheck", "roster", "decisions",
        "objection",
        "review", "appeal",
        "appeal-outcome", "extension", "grading-event", "withdraw", "department", "rulings", "weighting", "determination", "transfer",
    ]

    /// Which object of the path a request names, to compare a 404 with one for a thing that does not exist.
    struct Substitution {
        var path: String
        /// The values put in for `{county}`, `{code}` and `{id}`.
        var values: [String]
    }

    /// The concrete path of `row` for `target`: the target's county and unit; the cycle `2026`,
    /// except a cycle of 2040–2089 to create (or update before it opens), the spare cycle `2026-Q1` whose step is closed, and
    /// `2026-Q2` to freeze and draw; the seeded version 1 and attachment `seed.pdf`, or a fresh
    /// attachment name to upload; the latest objection on the target unit, the latest appeal of the
    /// target county. `county`, `unit` and `id` replace the target's (for requests about things
    /// that do not exist).
    static func path(
        _ row: Row,
        target: Target,
        f: F,
        county: CountyCode? = nil,
        unit: String? = nil,
        id: String? = nil,
        n: Int
    ) async throws -> Substitution {
        var cycle = "2026"
        if row.method == .put && row.path.hasSuffix("/cycles/{cycle}") { cycle = String(2040 + n % 50) }
        if row.path.hasSuffix("/close") { cycle = "2026-Q1" }
        if row.path.hasSuffix("/spot-check/freeze") || row.path.hasSuffix("/spot-check/draw") { cycle = "2026-Q2" }
        if row.path.hasSuffix("/weighting") { cycle = "2027" }
        let county = county ?? target.county
        let code = unit ?? target.unit
        var identifier = id ?? ""
        if id == nil, row.path.contains("/objections/{id}") {
            identifier = (try await f.objection(county: target.county, unit: target.unit)).map(String.init) ?? "0"
        } else if id == nil, row.path.contains("/appeals/{id}") {
            identifier = (try await f.appeal(county: target.county)).map(String.init) ?? "0"
        }
        let path = row.path
            .replacingOccurrences(of: "{county}", with: county.rawValue)
            .replacingOccurrences(of: "{cycle}", with: cycle)
            .replacingOccurrences(of: "{code}", with: code)
            .replacingOccurrences(of: "{id}", with: identifier)
            .replacingOccurrences(of: "{step}", with: "roster")
            .replacingOccurrences(of: "{version}", with: "1")
            .replacingOccurrences(of: "{number}", with: "1")
            .replacingOccurrences(of: "{department}", with: "edu")
            .replacingOccurrences(of: "{committee}", with: "education")
            .replacingOccurrences(of: "{staffNo}", with: "001")
            .replacingOccurrences(of: "{year}", with: "2030")
            .replacingOccurrences(of: "{name}", with: row.method == .get ? "seed.pdf" : "matrix-\(n).pdf")
        var values = [county.rawValue]
        if row.path.contains("{code}") { values.append(code) }
        if row.path.contains("{id}") { values.append(identifier) }
        return Substitution(path: path, values: values)
    }

    /// What must happen before a row runs: finalising needs publicity closed and every objection reviewed.
    static func prepare(_ row: Row, f: F, http: some TestClientProtocol) async throws {
        if row.path.hasSuffix("/publicity/finalise") { try await f.endPublicity(http) }
    }

    struct Problem: Decodable, Equatable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var field: String?
        var rule: String?

        /// The problem with the values put in the path (county, unit code, id) replaced by a placeholder.
        func normalized(_ values: [String]) -> Problem {
            var copy = self
            copy.detail = detail.split(separator: " ", omittingEmptySubsequences: false).map { word in
                let core = word.trimmingCharacters(in: .punctuationCharacters)
                return values.contains(core) ? word.replacingOccurrences(of: core, with: "<value>") : String(word)
            }.joined(separator: " ")
            return copy
        }
    }

    // MARK: The test

    @Test("every route × role × target answers as the matrix says; 404s look exactly like those for things that do not exist")
    func matrixHolds() async throws {
        let f = try await F.make()
        let (application, routes) = try f.build()
        let rows = Self.rows()

        // The table and the router agree route for route.
        let documented = Set(rows.map(\.route))
        let registered = Set(routes.map(\.description))
        let missing = registered.subtracting(documented).sorted()
        let stale = documented.subtracting(registered).sorted()
        #expect(missing.isEmpty, "routes without a row in the authorization matrix: \(missing.joined(separator: ", "))")
        #expect(stale.isEmpty, "matrix rows without a route: \(stale.joined(separator: ", "))")
        #expect(rows.count == documented.count, "a route appears twice in the matrix")
        for row in rows where !Self.bodyKinds.contains(row.body) {
            Issue.record("matrix line \(row.line): unknown body “\(row.body)” (one of \(Self.bodyKinds.sorted()))")
        }
        for row in rows where row.method != .get && row.method != .post && row.body == "-" {
            Issue.record("matrix line \(row.line): \(row.route) is a write without a body")
        }

        let counter = Counter()
        let (failures, observedLines, checked) = try await application.test(.router) { http in
            try await f.seed(http)
            var failures: [String] = []
            var observedLines: [String] = []
            var checked = 0

            func send(
                _ row: Row,
                role: Role,
                target: Target,
                county: CountyCode? = nil,
                unit: String? = nil,
                id: String? = nil
            )
                async throws -> (response: TestResponse, values: [String])
            {
                let n = counter.next()
                let body = Self.body(row.body, target: target, role: role)
                let substitution = try await Self.path(row, target: target, f: f, county: county, unit: unit, id: id, n: n)
                let response = try await f.send(
                    http,
                    row.method,
                    substitution.path,
                    token: role.account.map { f.tokens[$0]! },
                    body: body?.bytes,
                    contentType: body?.contentType,
                    idempotencyKey: row.method == .get ? nil : "matrix-\(n)"
                )
                return (response, substitution.values)
            }

            for row in rows {
                try await Self.prepare(row, f: f, http: http)
                var observedCells: [String] = []
                for role in Role.allCases {
                    var observed = ""
                    for target in Target.allCases {
                        guard let expected = row.cells[role]?[target.rawValue], expected != .notApplicable else {
                            observed.append("-")
                            continue
                        }
                        let (response, values) = try await send(row, role: role, target: target)
                        checked += 1
                        let status = Int(response.status.code)
                        observed.append(Expectation.observed(status))
                        let what = "\(row.route) as \(role) on \(target)"
                        guard expected.matches(status) else {
                            failures.append(
                                "\(what): expected \(expected.rawValue), got \(status) \(String(buffer: response.body).prefix(300))"
                            )
                            continue
                        }
                        if status >= 400 && response.headers[.contentType] != "application/problem+json" {
                            failures.append("\(what): \(status) is not application/problem+json")
                        }
                        guard expected == .notFound else { continue }

                        // Existence must not leak: the same request for a unit or objection (in the
                        // caller's own county) or a county that does not exist answers the same problem.
                        let sameCounty = Self.isUnitRoute(row.path) && role.county == target.county
                        let ghost =
                            !sameCounty
                            ? try await send(row, role: role, target: target, county: F.ghostCounty)
                            : row.path.contains("{code}")
                                ? try await send(row, role: role, target: target, unit: F.ghostUnit)
                                : try await send(row, role: role, target: target, id: "999999")
                        let decoder = JSONDecoder()
                        let real = try decoder.decode(Problem.self, from: Data(response.body.readableBytesView)).normalized(values)
                        let none = try decoder.decode(Problem.self, from: Data(ghost.response.body.readableBytesView)).normalized(
                            ghost.values
                        )
                        if real != none {
                            failures.append("\(what): the 404 differs from the one for something that does not exist: \(real) vs \(none)")
                        }
                    }
                    observedCells.append(observed)
                }
                observedLines.append("\(row.method.rawValue) \(row.path)  " + observedCells.joined(separator: " "))
            }
            return (failures, observedLines, checked)
        }
        #expect(checked >= 400, "only \(checked) combinations were sent")
        #expect(
            failures.isEmpty,
            """
            \(failures.count) of \(checked) combinations disagree with the matrix:
            \(failures.joined(separator: "\n"))
            observed (roles: \(Role.allCases.map(\.rawValue).joined(separator: " "))):
            \(observedLines.joined(separator: "\n"))
            """
        )
        await f.client.close()
    }
}
