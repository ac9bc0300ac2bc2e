import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore
import Postgres

/// Steps 4–7 of a cycle under `/counties/{county}/cycles/{cycle}`:
/// - 核验: `PUT units/{code}/recheck` (an assigned reviewer, or the office entering a paper
///   re-check naming the reviewer), `GET units/{code}/recheck` (every version, compared with the
///   committee's), `GET spot-check/deviations` (office, auditor);
/// - 等次: `POST grading/proposal`, `PUT grading/decisions`, `POST grading/confirm` (office),
///   `GET grading` (office, auditor), `GET units/{code}/quota` (anyone who sees the unit);
/// - 公示: `POST publicity/open`, `POST publicity/finalise` (office), `GET publicity` (any account
///   of the county: the publicity list is public within it); `POST units/{code}/objections` (the
///   unit itself, its committee or the office — anyone of the county who can see the unit and may
///   act; the auditor changes nothing), `GET objections` (office, auditor), `PUT objections/{id}/review`
///   (the unit's committee: 复议);
/// - 复核: `POST units/{code}/appeals` (the unit for its staff member, or the office),
///   `PUT appeals/{id}` (office: the outcome);
/// - `GET monitor` (office, auditor).
struct GradingController: Sendable {
    let dependencies: AppDependencies

    static let base = "/counties/{county}/cycles/{cycle}"
    static let maxBody = 256 * 1024

    struct Scope {
        var principal: Principal
        var county: String
        var cycle: String
    }

    func register(on api: APIRoutes) {
        let grading = GradingStore(client: dependencies.client)
        let filings = FilingStore(client: dependencies.client)
        let monitor = MonitorStore(client: dependencies.client)
        let idempotency = IdempotencyStore(client: dependencies.client)

        // MARK: 核验
        api.write(.put, Self.base + "/units/{code}/recheck", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.scope(context)
            let code = try context.parameters.require("code")
            guard let unit = try await filings.unit(county: scope.county, code: code) else { throw ProblemDetails.notFound("unit \(code)") }
            // A reviewer sees exactly its assigned units: any other is 404 like a unit that does not exist.
            try AccessPolicy(scope.principal).see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
            guard scope.principal.role == .office || scope.principal.role == .reviewer else {
                throw ProblemDetails.forbidden("只有选派的核验人员或县事考办可报送核验评分 / only the assigned reviewer or the office files a re-check", rule: "access.recheck")
            }
            try APIBody.requireMediaType(request, ["application/json"])
            let bytes = try await APIBody.read(request, limit: Self.maxBody)
            let sheet = try APIBody.decode(AssessmentInput.self, from: bytes).sheet()
            let named = try APIBody.decode(RecheckReviewerInput.self, from: bytes).reviewer
            let reviewer: String
            if scope.principal.role == .reviewer {
                reviewer = scope.principal.reviewer ?? scope.principal.account
            } else {
                guard let named, !named.trimmingBlanks().isEmpty else {
                    throw CycleProblems.invalid("/reviewer", rule: "recheck.reviewer-required", "请填写核验人员 / name the reviewer")
                }
                reviewer = named
            }
            let version = try await CycleProblems.mapping {
                try await grading.fileRecheck(county: scope.county, cycle: scope.cycle, unit: code, reviewer: reviewer, sheet: sheet, principal: scope.principal)
            }
            return try APIBody.json(version)
        }

        api.on(.get, Self.base + "/units/{code}/recheck") { _, context -> Response in
            let scope = try Self.scope(context)
            let code = try await Self.visibleUnit(context, scope: scope, filings: filings)
            let versions = try await grading.rechecks(county: scope.county, cycle: scope.cycle, unit: code)
            return try APIBody.json(RechecksBody(unit: code, versions: versions))
        }

        api.on(.get, Self.base + "/spot-check/deviations") { _, context -> Response in
            let scope = try Self.countyWide(context)
            return try APIBody.json(try await CycleProblems.mapping { try await grading.deviations(county: scope.county, cycle: scope.cycle) })
        }

        // MARK: 等次
        api.write(.post, Self.base + "/grading/proposal", idempotency: idempotency, maxBodySize: Self.maxBody) { _, context in
            let scope = try Self.office(context)
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.propose(county: scope.county, cycle: scope.cycle, principal: scope.principal)
            })
        }
        api.write(.put, Self.base + "/grading/decisions", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.office(context)
            try APIBody.requireMediaType(request, ["application/json"])
            let input = try APIBody.decode(DecisionsInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.decide(county: scope.county, cycle: scope.cycle, decisions: input.decisions, principal: scope.principal)
            })
        }
        api.write(.post, Self.base + "/grading/confirm", idempotency: idempotency, maxBodySize: Self.maxBody) { _, context in
            let scope = try Self.office(context)
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.confirm(county: scope.county, cycle: scope.cycle, principal: scope.principal)
            })
        }
        api.on(.get, Self.base + "/grading") { _, context -> Response in
            let scope = try Self.countyWide(context)
            guard let result = try await grading.current(county: scope.county, cycle: scope.cycle) else {
                throw ProblemDetails.notFound("grading of cycle \(scope.cycle) (no proposal yet)")
            }
            return try APIBody.json(result)
        }
        api.on(.get, Self.base + "/units/{code}/quota") { _, context -> Response in
            let scope = try Self.scope(context)
            let code = try await Self.visibleUnit(context, scope: scope, filings: filings)
            return try APIBody.json(try await CycleProblems.mapping { try await grading.quota(county: scope.county, cycle: scope.cycle, unit: code) })
        }

        // MARK: 公示
        api.write(.post, Self.base + "/publicity/open", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.office(context)
            let bytes = try await APIBody.read(request, limit: Self.maxBody)
            let input = bytes.isEmpty ? PublicityInput(opensOn: nil) : try APIBody.decode(PublicityInput.self, from: bytes)
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.openPublicity(county: scope.county, cycle: scope.cycle, opensOn: input.opensOn, principal: scope.principal)
            }, status: .created)
        }
        api.on(.get, Self.base + "/publicity") { _, context -> Response in
            let scope = try Self.scope(context)
            guard let record = try await grading.publicity(county: scope.county, cycle: scope.cycle) else {
                throw ProblemDetails.notFound("publicity of cycle \(scope.cycle)")
            }
            return try APIBody.json(record)
        }
        api.write(.post, Self.base + "/publicity/finalise", idempotency: idempotency, maxBodySize: Self.maxBody) { _, context in
            let scope = try Self.office(context)
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.finalise(county: scope.county, cycle: scope.cycle, principal: scope.principal)
            })
        }
        api.write(.post, Self.base + "/units/{code}/objections", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.scope(context)
            let code = try await Self.visibleUnit(context, scope: scope, filings: filings)
            guard [.office, .committee, .unit].contains(scope.principal.role) else {
                throw ProblemDetails.forbidden("监督人员只读,不能提出异议 / the auditor reads only", rule: "access.objection")
            }
            try APIBody.requireMediaType(request, ["application/json"])
            let input = try APIBody.decode(ObjectionInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
            let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...10_000).contains(text.count) else {
                throw CycleProblems.invalid("/text", rule: "objection.text", "异议内容应为1–10000字 / 1–10,000 characters")
            }
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.fileObjection(county: scope.county, cycle: scope.cycle, unit: code, text: text, principal: scope.principal)
            }, status: .created)
        }
        api.on(.get, Self.base + "/objections") { _, context -> Response in
            let scope = try Self.countyWide(context)
            return try APIBody.json(ObjectionsBody(objections: try await grading.objections(county: scope.county, cycle: scope.cycle)))
        }
        api.write(.put, Self.base + "/objections/{id}/review", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.scope(context)
            guard let id = context.parameters.get("id", as: Int64.self),
                  let objection = try await grading.objection(county: scope.county, id: id), objection.cycle == scope.cycle,
                  let unit = try await filings.unit(county: scope.county, code: objection.unit) else {
                throw ProblemDetails.notFound("objection \(context.parameters.get("id") ?? "")")
            }
            try AccessPolicy(scope.principal).fileAsCommittee(for: AccessPolicy.UnitRef(unit))
                .require("objection \(id)", rule: "access.committee-reviews")
            try APIBody.requireMediaType(request, ["application/json"])
            let input = try APIBody.decode(ReviewInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
            let grade = try input.grade.map { text in
                guard let grade = UnitGrade(rawValue: text) ?? UnitGrade(term: text) else {
                    throw CycleProblems.invalid("/grade", rule: "objection.grade", "等次应为优秀、良好、合格或较差 / excellent, good, qualified or poor")
                }
                return grade
            }
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.reviewObjection(county: scope.county, id: id, outcome: input.outcome, grade: grade, note: input.note, principal: scope.principal)
            })
        }

        // MARK: 复核
        api.write(.post, Self.base + "/units/{code}/appeals", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.scope(context)
            let code = try await Self.visibleUnit(context, scope: scope, filings: filings)
            guard scope.principal.role == .office || (scope.principal.role == .unit && scope.principal.unitCode == code) else {
                throw ProblemDetails.forbidden("复核申请由单位或县事考办登记 / the unit or the office records an appeal", rule: "access.appeal")
            }
            try APIBody.requireMediaType(request, ["application/json"])
            let input = try APIBody.decode(AppealInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
            guard let grade = StaffGrade(rawValue: input.grade) ?? StaffGrade.allCases.first(where: { $0.chinese == input.grade }) else {
                throw CycleProblems.invalid("/grade", rule: "appeal.grade", "未知的等次 / unknown grade \(input.grade)")
            }
            guard (1...64).contains(input.staffNo.count), (1...10_000).contains(input.reason.count) else {
                throw CycleProblems.invalid("/staffNo", rule: "appeal.fields", "工号1–64字符,理由1–10000字 / staffNo 1–64, reason 1–10,000 characters")
            }
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.fileAppeal(county: scope.county, cycle: scope.cycle, unit: code, staffNo: input.staffNo, grade: grade,
                                             notifiedOn: input.notifiedOn, filedOn: input.filedOn, reason: input.reason, principal: scope.principal)
            }, status: .created)
        }
        api.write(.put, Self.base + "/appeals/{id}", idempotency: idempotency, maxBodySize: Self.maxBody) { request, context in
            let scope = try Self.office(context)
            guard let id = context.parameters.get("id", as: Int64.self),
                  let appeal = try await grading.appeal(county: scope.county, id: id), appeal.cycle == scope.cycle else {
                throw ProblemDetails.notFound("appeal \(context.parameters.get("id") ?? "")")
            }
            try APIBody.requireMediaType(request, ["application/json"])
            let input = try APIBody.decode(AppealDecisionInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
            let grade = try input.grade.map { text in
                guard let grade = StaffGrade(rawValue: text) ?? StaffGrade.allCases.first(where: { $0.chinese == text }) else {
                    throw CycleProblems.invalid("/grade", rule: "appeal.grade", "未知的等次 / unknown grade \(text)")
                }
                return grade
            }
            return try APIBody.json(try await CycleProblems.mapping {
                try await grading.decideAppeal(county: scope.county, id: id, outcome: input.outcome, grade: grade, note: input.note, principal: scope.principal)
            })
        }

        // MARK: 监控
        api.on(.get, Self.base + "/monitor") { _, context -> Response in
            let scope = try Self.countyWide(context)
            guard let document = try await CycleProblems.mapping({ try await monitor.monitor(county: scope.county, cycle: scope.cycle) }) else {
                throw ProblemDetails.notFound("cycle \(scope.cycle)")
            }
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
            response.headers[.contentType] = "application/json"
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    // MARK: Access

    static func scope(_ context: KaoheRequestContext) throws -> Scope {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county")
        try AccessPolicy(principal).county(county).require("county \(county)")
        return Scope(principal: principal, county: county, cycle: try context.parameters.require("cycle"))
    }

    static func office(_ context: KaoheRequestContext) throws -> Scope {
        let scope = try scope(context)
        try AccessPolicy(scope.principal).actAsOffice(county: scope.county).require("cycle \(scope.cycle)", rule: "access.office")
        return scope
    }

    static func countyWide(_ context: KaoheRequestContext) throws -> Scope {
        let scope = try scope(context)
        try AccessPolicy(scope.principal).seeCountyWide(county: scope.county).require("cycle \(scope.cycle)", rule: "access.county-wide")
        return scope
    }

    /// The `{code}` of the path when the caller may see that unit (404 otherwise).
    static func visibleUnit(_ context: KaoheRequestContext, scope: Scope, filings: FilingStore) async throws -> String {
        let code = try context.parameters.require("code")
        guard let unit = try await filings.unit(county: scope.county, code: code) else { throw ProblemDetails.notFound("unit \(code)") }
        try AccessPolicy(scope.principal).see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
        return code
    }
}

struct RecheckReviewerInput: Decodable {
    var reviewer: String?
}

struct DecisionsInput: Decodable {
    var decisions: [TieDecision]
}

struct PublicityInput: Decodable {
    var opensOn: String?
}

struct ObjectionInput: Decodable {
    var text: String
}

struct ReviewInput: Decodable {
    var outcome: String
    var grade: String?
    var note: String?
}

struct AppealInput: Decodable {
    var staffNo: String
    var grade: String
    var notifiedOn: String
    var filedOn: String?
    var reason: String
}

struct AppealDecisionInput: Decodable {
    var outcome: String
    var grade: String?
    var note: String?
}

struct RechecksBody: Encodable {
    var unit: String
    var versions: [RecheckVersion]
}

struct ObjectionsBody: Encodable {
    var objections: [ObjectionRecord]
}
