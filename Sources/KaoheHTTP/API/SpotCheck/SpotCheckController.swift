import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore

/// 随机抽查核验 (SPEC.md "The spot check"), under `/counties/{county}/cycles/{cycle}/spot-check`:
/// - `POST …/freeze` (office): freezes the enrolled units and records their hash, before any seed
///   exists. `{"reason": "…"}` is required when the cycle has been drawn (a redraw).
/// - `POST …/draw` (office): draws with `{"seed": "…≥20 digits…"}` (a public dice draw) or a CSPRNG
///   seed; freezes first (committed on its own) when nothing is frozen, and for a redraw
///   (`{"reason": "…"}` required). Reviewers are assigned in the same transaction as the draw.
/// - `GET …` : office and auditor get every draw of the cycle (superseded ones too) in full. Every
///   other account of the county gets the current draw's public part once it is drawn — population
///   hash, seed, the selected units with their tickets (the draw is public by design: anyone may
///   recompute it) — and a reviewer also its own assignments; nothing (404) before the draw.
/// - `GET …/export` (office, auditor): the current draw record as JSON for `kaohe verify-draw`
///   and outside observers (`?draw=N` for an earlier, superseded one).
struct SpotCheckController: Sendable {
    let store: SpotCheckStore
    let idempotency: IdempotencyStore

    static let maxBodySize = 64 * 1024

    struct DrawInput: Decodable {
        var seed: String?
        var reason: String?
    }

    /// What accounts other than office and auditor see.
    struct PublicDraw: Encodable {
        var drawNo: Int
        var populationHash: String
        var populationSize: Int
        var seed: String
        var algorithm: String
        var algorithmVersion: String
        var percent: Int
        var drawnAt: Date?
        var selected: [SelectedUnit]
        var myAssignments: [SpotCheckRecord.AssignedReviewers]?
    }

    struct AllDraws: Encodable {
        var county: CountyCode
        var cycle: CycleID
        var current: Int?
        var draws: [SpotCheckRecord]
    }

    func register(on api: APIRoutes) {
        let base = "/counties/{county}/cycles/{cycle}/spot-check"
        api.write(.post, base + "/freeze", idempotency: idempotency, maxBodySize: Self.maxBodySize, use: freeze)
        api.write(.post, base + "/draw", idempotency: idempotency, maxBodySize: Self.maxBodySize, use: draw)
        api.on(.get, base, use: draws)
        api.on(.get, base + "/export", use: export)
    }

    /// `POST …/freeze`.
    @Sendable func freeze(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let input = try await Self.input(request)
        let record = try await store.freeze(cycle: scope.cycleRef, actor: scope.principal.actor, reason: input.reason)
        return try Self.json(record, status: .created)
    }

    /// `POST …/draw`.
    @Sendable func draw(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.office(context)
        let input = try await Self.input(request)
        var seed: DrawSeed?
        if let text = input.seed {
            do {
                seed = try DrawSeed(text, minimumDiceDigits: try SpotCheckStore.policy().minimumDiceDigits)
            } catch let error as DrawSeedError {
                throw ProblemDetails.invalid("/seed", rule: "spot-check.seed", error.description)
            }
        }
        let record = try await store.draw(
            cycle: scope.cycleRef,
            actor: scope.principal.actor,
            seed: seed,
            reason: input.reason
        )
        return try Self.json(record, status: .created)
    }

    /// `GET …/spot-check`: every draw in full (office, auditor), else the current draw's public part.
    @Sendable func draws(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let scope = try CycleScope.anyone(context)
        let (principal, county, cycle) = (scope.principal, scope.county, scope.cycle)
        if AccessPolicy(principal).seeCountyWide(county: county) == .allowed {
            let draws = try await store.all(cycle: CycleRef(county: county, cycle: cycle))
            guard !draws.isEmpty else { throw ProblemDetails.notFound("抽查记录 spot check of cycle \(cycle)") }
            return try Self.json(
                AllDraws(county: county, cycle: cycle, current: draws.last { $0.supersededAt == nil }?.drawNo, draws: draws)
            )
        }
        guard let current = try await store.current(cycle: CycleRef(county: county, cycle: cycle)), let selection = current.selection else {
            throw ProblemDetails.notFound("抽查记录 spot check of cycle \(cycle)")
        }
        let mine = principal.reviewer.map { id in
            (current.reviewerAssignments ?? []).filter { $0.reviewers.contains { $0.id == id } }
        }
        return try Self.json(
            PublicDraw(
                drawNo: current.drawNo,
                populationHash: current.populationHash,
                populationSize: current.population.count,
                seed: selection.seed,
                algorithm: selection.algorithm,
                algorithmVersion: selection.algorithmVersion,
                percent: selection.percent.value,
                drawnAt: current.drawnAt,
                selected: selection.selected,
                myAssignments: mine
            )
        )
    }

    /// `GET …/export`: one draw record as a download (`?draw=N`, else the current one).
    @Sendable func export(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycle = try context.parameters.require("cycle", as: CycleID.self)
        try AccessPolicy(principal).seeCountyWide(county: county).require("county \(county)", rule: "access.county-wide")
        let wanted = try Self.drawNumber(request)
        let draws = try await store.all(cycle: CycleRef(county: county, cycle: cycle))
        guard let record = wanted.map({ n in draws.first { $0.drawNo == n } }) ?? draws.last(where: { $0.supersededAt == nil }) else {
            throw ProblemDetails.notFound("抽查记录 spot check of cycle \(cycle)")
        }
        var response = try Self.json(record)
        response.headers[.contentDisposition] = "attachment; filename=\"spot-check-\(county)-\(cycle)-\(record.drawNo).json\""
        return response
    }

    /// `?draw=N`: one positive draw number, or none (the current draw); anything else is 422.
    static func drawNumber(_ request: Request) throws -> Int? {
        let values = request.uri.queryParameters.getAll("draw")
        guard !values.isEmpty else { return nil }
        guard values.count == 1, let number = Int32(values[0]), number >= 1 else {
            throw ProblemDetails.invalid(
                "draw",
                rule: "spot-check.draw-number",
                "抽签次序应为一个正整数(如 ?draw=1) / draw must be one positive whole number"
            )
        }
        return Int(number)
    }

    static func input(_ request: Request) async throws -> DrawInput {
        let bytes = try await APIBody.read(request, limit: maxBodySize)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return DrawInput() }
        try APIBody.requireMediaType(request, ["application/json"])
        return try APIBody.decode(DrawInput.self, from: bytes)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(bytes: try SpotCheckRecord.encode(value))))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
