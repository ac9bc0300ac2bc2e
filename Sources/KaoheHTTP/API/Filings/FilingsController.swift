import Foundation
import HTTPTypes
import Hummingbird
import KaoheRules
import KaoheStore
import NIOCore
import Spreadsheets

/// 报送: the three filings of a unit in a cycle, under
/// `/counties/{county}/cycles/{cycle}/units/{code}/`:
/// - `self-assessment` (the unit): `PUT` JSON `{"report": "…"}`; `PUT attachments/{name}` with an
///   `application/pdf` body (`%PDF-`, at most 20 MiB); `GET attachments/{name}`;
/// - `assessment` (the unit's committee): `PUT` the score sheet, checked by the cycle's scheme;
/// - `roster` (the unit): `PUT` JSON or `text/csv`, COPYed in bulk, stored with its violations;
/// and for each: `GET` the latest version, `GET history` (every version, who and when),
/// `GET history/{version}`. Every `PUT` files a new version, all or nothing, audited, marked late
/// after the deadline and refused once the step closed.
///
/// Access (AccessPolicy): the unit files its own self-assessment and roster; the unit's committee
/// files its assessment; office and auditor read everything in the county; anyone who can see the
/// unit reads its filings. A unit outside the caller's scope is 404; a filing the caller's role may
/// never make on a unit it can see is 403.
struct FilingsController: Sendable {
    let store: FilingStore
    let idempotency: IdempotencyStore

    /// Self-assessment JSON: 2 MiB, so that a report of the most characters allowed fits even
    /// with every character escaped (`\\u4e2d`: 6 bytes each).
    static let maxReportBody = 2 * 1024 * 1024
    /// Assessment JSON: 256 KiB.
    static let maxAssessmentBody = 256 * 1024
    /// Roster JSON or CSV: 16 MiB (100,000 lines of about 160 bytes).
    static let maxRosterBody = 16 * 1024 * 1024
    /// A PDF attachment: 20 MiB.
    static let maxAttachmentBody = FilingStore.maxAttachmentBytes
    /// A self-assessment report: 200,000 characters.

    static let base = "/counties/{county}/cycles/{cycle}/units/{code}"

    enum Action {
        case read
        case fileAsUnit
        case fileAsCommittee
        case actAsOffice
    }

    /// Where a request points, after the access check.
    struct Target: CycleScoped {
        var principal: Principal
        var county: CountyCode
        var cycle: CycleID
        var unit: UnitCode
    }

    func register(on api: APIRoutes) {
        api.write(.put, Self.base + "/self-assessment", idempotency: idempotency, maxBodySize: Self.maxReportBody, use: putSelfAssessment)
        api.write(
            .put,
            Self.base + "/self-assessment/attachments/{name}",
            idempotency: idempotency,
            maxBodySize: Self.maxAttachmentBody,
            use: putAttachment
        )
        api.on(.get, Self.base + "/self-assessment/attachments/{name}", use: getAttachment)
        api.write(.put, Self.base + "/assessment", idempotency: idempotency, maxBodySize: Self.maxAssessmentBody, use: putAssessment)
        api.write(.put, Self.base + "/roster", idempotency: idempotency, maxBodySize: Self.maxRosterBody, use: putRoster)
        api.write(.post, Self.base + "/roster/determinations", idempotency: idempotency, maxBodySize: 16 * 1024, use: determine)
        for step in FilingStep.allCases {
            let path = Self.base + "/" + step.pathSegment
            api.on(.get, path) { request, context in try await getLatest(request, context: context, step: step) }
            api.on(.get, path + "/history") { request, context in try await getHistory(request, context: context, step: step) }
            api.on(.get, path + "/history/{version}") { request, context in try await getVersion(request, context: context, step: step) }
        }
    }

    /// 自评报告 `PUT …/self-assessment`: the report text.
    @Sendable func putSelfAssessment(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let target = try await authorize(context, action: .fileAsUnit, what: "self-assessment")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(SelfAssessmentInput.self, from: try await APIBody.read(request, limit: Self.maxReportBody))
        let filing = try await store.fileSelfAssessment(
            cycle: target.cycleRef,
            unit: target.unit,
            report: input.report,
            principal: target.principal
        )
        return try Self.renderFiled(filing)
    }

    /// `PUT …/self-assessment/attachments/{name}`: a PDF.
    @Sendable func putAttachment(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let target = try await authorize(context, action: .fileAsUnit, what: "self-assessment")
        let name = try Self.attachmentName(context, upload: true)
        try APIBody.requireMediaType(request, ["application/pdf"])
        let bytes = try await APIBody.read(request, limit: Self.maxAttachmentBody)
        let filing = try await store.fileSelfAssessment(
            cycle: target.cycleRef,
            unit: target.unit,
            report: nil,
            attachments: [AttachmentUpload(name: name, bytes: bytes)],
            principal: target.principal
        )
        return try Self.renderFiled(filing)
    }

    /// `GET …/self-assessment/attachments/{name}`: the PDF, as a download.
    @Sendable func getAttachment(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let target = try await authorize(context, action: .read, what: "self-assessment")
        let name = try Self.attachmentName(context)
        guard let (ref, bytes) = try await store.attachment(cycle: target.cycleRef, unit: target.unit, name: name)
        else {
            throw ProblemDetails.notFound("附件 attachment \(name)")
        }
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        response.headers[.contentType] = ref.contentType
        response.headers[.contentDisposition] = Self.attachmentDisposition(name)
        return response
    }

    /// `Content-Disposition` of a download named `name` (RFC 6266 / 8187): the UTF-8 name
    /// percent-encoded, only ASCII letters, digits and -._~ left as they are.
    static func attachmentDisposition(_ name: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "attachment.pdf"
        return "attachment; filename*=UTF-8''\(encoded)"
    }

    /// 专考委考核 `PUT …/assessment`: the committee's score sheet.
    @Sendable func putAssessment(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        let target = try await authorize(context, action: .fileAsCommittee, what: "assessment")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(AssessmentInput.self, from: try await APIBody.read(request, limit: Self.maxAssessmentBody))
        let sheet = try input.sheet()
        let filing = try await store.fileAssessment(
            cycle: target.cycleRef,
            unit: target.unit,
            sheet: sheet,
            principal: target.principal
        )
        return try Self.renderFiled(filing)
    }

    /// 工作人员考核名册 `PUT …/roster`: JSON, CSV or an .xlsx workbook. Staff numbers a spreadsheet
    /// stripped of their leading zeros (`3` where the unit's last roster had `0003`) are restored
    /// and each restoration is listed in the response's `notices`.
    @Sendable func putRoster(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        // The unit and what its roster is checked against, in one query.
        let (target, basis) = try await authorize(context, action: .fileAsUnit, what: "roster") { county, cycle, code in
            try await store.unitForRoster(cycle: CycleRef(county: county, cycle: cycle), code: code)
        }
        try APIBody.requireMediaType(request, ["application/json", "text/csv", SheetFormat.xlsx.contentType])
        let bytes = try await APIBody.read(request, limit: Self.maxRosterBody)
        let lines: [RosterLine]
        let award: Bool
        let mediaType = APIBody.mediaType(request)
        if mediaType == "text/csv" || mediaType == SheetFormat.xlsx.contentType {
            lines = mediaType == "text/csv" ? try RosterInput.lines(fromCSV: bytes) : try RosterInput.lines(fromWorkbook: bytes)
            award = ["true", "1", "yes"].contains(request.uri.queryParameters.get("collectiveAward")?.lowercased() ?? "")
        } else {
            let body = try APIBody.decode(RosterInput.JSONBody.self, from: bytes)
            lines = try RosterInput.lines(from: body)
            award = body.collectiveAward ?? false
        }
        let (filing, notices) = try await RosterFiling.file(lines, collectiveAward: award, target: target, basis: basis, store: store)
        return try APIBody.json(RosterFiled(head: FilingHead(filing), notices: notices), content: filing)
    }

    /// `GET …/{step}`: the latest version.
    func getLatest(_ request: Request, context: KaoheRequestContext, step: FilingStep) async throws -> Response {
        let target = try await authorize(context, action: .read, what: step.pathSegment)
        guard let filing = try await store.latest(cycle: target.cycleRef, unit: target.unit, step: step) else {
            throw ProblemDetails.notFound("\(step.chinese) \(step.pathSegment) of unit \(target.unit) (not filed)")
        }
        return try await Self.render(filing, store: store, request: request)
    }

    /// `GET …/{step}/history`: every version, who and when.
    func getHistory(_ request: Request, context: KaoheRequestContext, step: FilingStep) async throws -> Response {
        let target = try await authorize(context, action: .read, what: step.pathSegment)
        let versions = try await store.history(cycle: target.cycleRef, unit: target.unit, step: step)
        return try APIBody.json(
            HistoryBody(
                county: target.county,
                cycle: target.cycle,
                unit: target.unit,
                kind: step.rawValue,
                versions: versions.map {
                    .init(
                        version: $0.version,
                        filedAt: ShanghaiTime.format($0.filedAt),
                        filedBy: $0.filedBy,
                        late: $0.late,
                        deadline: ShanghaiTime.format($0.deadline)
                    )
                }
            )
        )
    }

    /// `GET …/{step}/history/{version}`: one version.
    func getVersion(_ request: Request, context: KaoheRequestContext, step: FilingStep) async throws -> Response {
        let target = try await authorize(context, action: .read, what: step.pathSegment)
        guard let number = context.parameters.get("version", as: Int32.self).map(Int.init),
            let filing = try await store.version(cycle: target.cycleRef, unit: target.unit, step: step, version: number)
        else {
            throw ProblemDetails.notFound("version \(context.parameters.get("version") ?? "") of \(step.pathSegment)")
        }
        return try await Self.render(filing, store: store, request: request)
    }

    /// Checks the caller may take `action` on the unit named in the path; 404 outside its scope
    /// (other county, other committee, other unit, unknown unit), 403 for a role that may not.
    func authorize(_ context: KaoheRequestContext, action: Action, what: String) async throws -> Target {
        try await authorize(context, action: action, what: what) { county, _, code in
            try await store.unit(county: county, code: code).map { ($0, ()) }
        }.target
    }

    /// ``authorize(_:store:action:what:)`` with the unit read by `lookup` (county, cycle, code),
    /// which may read what the route needs next in the same query.
    func authorize<Extra>(
        _ context: KaoheRequestContext,
        action: Action,
        what: String,
        lookup: (CountyCode, CycleID, UnitCode) async throws -> (UnitRecord, Extra)?
    ) async throws -> (target: Target, extra: Extra) {
        let principal = try context.requirePrincipal()
        let county = try context.parameters.require("county", as: CountyCode.self)
        let cycle = try context.parameters.require("cycle", as: CycleID.self)
        let code = try context.parameters.require("code", as: UnitCode.self)
        let policy = AccessPolicy(principal)
        try policy.county(county).require("unit \(code)")
        guard let (unit, extra) = try await lookup(county, cycle, code) else {
            throw ProblemDetails.notFound("unit \(code)")
        }
        let reference = AccessPolicy.UnitRef(unit)
        // Out of scope answers exactly like a unit that does not exist (same detail), whatever the action.
        try policy.see(unit: reference).require("unit \(code)")
        switch action {
        case .read:
            break
        case .fileAsUnit:
            try policy.fileAsUnit(for: reference).require("the \(what) of unit \(code)", rule: "access.unit-files")
        case .fileAsCommittee:
            try policy.fileAsCommittee(for: reference).require("the \(what) of unit \(code)", rule: "access.committee-files")
        case .actAsOffice:
            try policy.actAsOffice(county: county).require("the \(what) of unit \(code)", rule: "access.office")
        }
        return (Target(principal: principal, county: county, cycle: cycle, unit: code), extra)
    }

    /// 补定等次 `POST …/roster/determinations` (office): `{"staffNo", "grade", "sanction", "case",
    /// "reason"}` — a staff member left 不定等次 for an investigation gets the grade once the case
    /// closed with no sanction or a 警告 (篇十三 第三十九条), a finalised cycle included; 201 with
    /// the new roster version (`FilingStore.determineGrade`).
    @Sendable func determine(_ request: Request, context: KaoheRequestContext) async throws -> Response {
        struct Input: Decodable {
            var staffNo: String
            var grade: String
            var sanction: String?
            var `case`: String
            var reason: String?
        }
        let target = try await authorize(context, action: .actAsOffice, what: "determination")
        try APIBody.requireMediaType(request, ["application/json"])
        let input = try APIBody.decode(Input.self, from: try await APIBody.read(request, limit: 16 * 1024))
        guard let grade = RosterInput.staffGrade(input.grade) else {
            throw ProblemDetails.invalid("/grade", rule: "determination.grade", "等次“\(input.grade)”无效 / unknown grade")
        }
        guard let sanction = RosterInput.sanction(input.sanction ?? "") else {
            throw ProblemDetails.invalid("/sanction", rule: "determination.sanction", "处分“\(input.sanction ?? "")”无效 / unknown sanction")
        }
        let filing = try await store.determineGrade(
            cycle: target.cycleRef,
            unit: target.unit,
            staffNo: input.staffNo,
            grade: grade,
            sanction: sanction,
            caseReference: input.case,
            reason: input.reason ?? "",
            principal: target.principal
        )
        var response = try Self.renderFiled(filing)
        response.status = .created
        return response
    }

    /// The `{name}` of an attachment, percent-decoded: 1–120 characters, no path separators or
    /// control characters.
    static func attachmentName(_ context: KaoheRequestContext, upload: Bool = false) throws -> String {
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard upload else {
            // Asked for by a name no attachment could have, it is simply not there.
            guard SelfAssessmentRules.isAcceptable(attachmentName: name) else { throw ProblemDetails.notFound("附件 attachment") }
            return name
        }
        try SelfAssessmentRules.check(attachmentName: name)
        return name
    }

    /// The response for a version just filed: its content is spliced in as the store encoded it
    /// (the same bytes a decode and re-encode would give, without the round trip).
    static func renderFiled(_ filing: FilingVersion) throws -> Response {
        try APIBody.json(FilingHead(filing), content: filing)
    }

    /// The response for a stored version.
    static func render(_ filing: FilingVersion) throws -> Response {
        switch filing.step {
        case .selfAssessment:
            return try APIBody.json(FilingBody(filing, content: try filing.decodeContent(SelfAssessmentContent.self)))
        case .assessment:
            return try APIBody.json(FilingBody(filing, content: try filing.decodeContent(AssessmentContent.self)))
        case .roster:
            return try APIBody.json(FilingBody(filing, content: try filing.decodeContent(RosterSummary.self)))
        }
    }

    /// The response for a stored version; a roster's lines with `?include=staff`.
    static func render(_ filing: FilingVersion, store: FilingStore, request: Request) async throws -> Response {
        guard filing.step == .roster, request.uri.queryParameters.get("include") == "staff" else { return try render(filing) }
        let staff = try await store.rosterLines(cycle: filing.cycleRef, unit: filing.unitCode, version: filing.version)
        return try APIBody.json(FilingBody(filing, content: try filing.decodeContent(RosterSummary.self), staff: staff))
    }
}
