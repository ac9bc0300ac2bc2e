import Foundation
import Hummingbird
import KaoheRules
import KaoheStore

/// 公示 and 复议 (step 6) under `/counties/{county}/cycles/{cycle}`:
/// - `POST publicity/open`, `POST publicity/finalise` (office);
/// - `GET publicity` (any account of the county: the publicity list is public within it);
/// - `POST units/{code}/objections` (the unit itself, its committee or the office — anyone of the
///   county who can see the unit and may act; the auditor changes nothing);
/// - `GET objections` (office, auditor);
/// - `PUT objections/{id}/review` (the unit's committee: 复议).
struct PublicityController: Sendable {
    let grading: GradingStore
    let filings: FilingStore
    let idempotency: IdempotencyStore

    static let base = CycleScope.path
    static let maxBody = CycleScope.maxBody

    func register(on api: APIRoutes) {
        api.write(.post, Self.base + "/publicity/open", idempotency: idempotency, maxBodySize: Self.maxBody, use: open)
        api.on(.get, Self.base + "/publicity", use: publicity)
        api.write(.post, Self.base + "/publicity/finalise", idempotency: idempotency, maxBodySize: Self.maxBody, use: finalise)
        api.write(.post, Self.base + "/units/{code}/objections", idempotency: idempotency, maxBodySize: Self.maxBody, use: fileObjection)
        api.on(.get, Self.base + "/objections", use: objections)
        api.write(.put, Self.base + "/objections/{id}/review", idempotency: idempotency, maxBodySize: Self.maxBody, use: reviewObjection)
    }

    /// `POST publicity/open`.
    @Sendable func open(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let bytes = try await APIBody.read(request, limit: Self.maxBody)
        let input = bytes.isEmpty ? PublicityInput(opensOn: nil) : try APIBody.decode(PublicityInput.self, from: bytes)
        let record = try await grading.openPublicity(
            cycle: scope.cycleRef,
            opensOn: input.opensOn,
            principal: scope.principal
        )
        return try APIBody.json(record, status: .created)
    }

    /// `GET publicity`.
    @Sendable func publicity(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        guard let record = try await grading.publicity(cycle: scope.cycleRef) else {
            throw ProblemDetails.notFound("publicity of cycle \(scope.cycle)")
        }
        return try APIBody.json(record)
    }

    /// `POST publicity/finalise`.
    @Sendable func finalise(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        return try APIBody.json(try await grading.finalise(cycle: scope.cycleRef, principal: scope.principal))
    }

    /// `POST units/{code}/objections`: 异议.
    @Sendable func fileObjection(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let unit = try await scope.visibleUnit(context, filings: filings)
        guard [.office, .committee, .unit].contains(scope.principal.role) else {
            throw ProblemDetails.forbidden("监督人员只读,不能提出异议 / the auditor reads only", rule: "access.objection")
        }
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(ObjectionInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let objection = try await grading.fileObjection(
            cycle: scope.cycleRef,
            unit: unit.code,
            text: input.text,
            principal: scope.principal
        )
        return try APIBody.json(objection, status: .created)
    }

    /// `GET objections`.
    @Sendable func objections(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.countyWide(context)
        return try APIBody.json(ObjectionsBody(objections: try await grading.objections(cycle: scope.cycleRef)))
    }

    /// `PUT objections/{id}/review`: 复议 by the unit's committee.
    @Sendable func reviewObjection(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        guard let id = context.parameters.get("id", as: Int64.self),
            let objection = try await grading.objection(county: scope.county, id: id), objection.cycle == scope.cycle,
            let unit = try await filings.unit(county: scope.county, code: objection.unit)
        else {
            throw ProblemDetails.notFound("objection \(context.parameters.get("id") ?? "")")
        }
        try AccessPolicy(scope.principal).fileAsCommittee(for: AccessPolicy.UnitRef(unit))
            .require("objection \(id)", rule: "access.committee-reviews")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(ReviewInput.self, from: try await APIBody.read(request, limit: Self.maxBody))
        let grade = try input.grade.map { text in
            guard let grade = UnitGrade(rawValue: text) ?? UnitGrade(term: text) else {
                throw ProblemDetails.invalid("/grade", rule: "objection.grade", "等次应为优秀、良好、合格或较差 / excellent, good, qualified or poor")
            }
            return grade
        }
        return try APIBody.json(
            try await grading.reviewObjection(
                county: scope.county,
                id: id,
                outcome: input.outcome,
                grade: grade,
                note: input.note,
                principal: scope.principal
            )
        )
    }
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

struct ObjectionsBody: Encodable {
    var objections: [ObjectionRecord]
}
