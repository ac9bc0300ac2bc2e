import Foundation
import Hummingbird
import KaoheStore
import Logging

/// The county's register over `/api/v1/counties/{county}/…`: units (read by scope, replaced from
/// a CSV by the office) and reviewers (office and auditor).
///
/// Everything under another county's path is 404, and so is a unit outside the caller's scope
/// (`AccessPolicy`): whether it exists is not revealed.
struct RegistryController: Sendable {
    let registry: RegistryStore

    init(dependencies: AppDependencies) {
        self.registry = RegistryStore(client: dependencies.client)
    }

    /// A unit as the API returns it.
    struct UnitBody: Codable, Sendable {
        var code: String
        var name: String
        var committee: String
        var department: String
        var headcount: Int

        init(_ unit: UnitRecord) {
            code = unit.code
            name = unit.name
            committee = unit.committee
            department = unit.department
            headcount = unit.headcount
        }
    }

    struct UnitList: ResponseEncodable {
        var county: String
        var units: [UnitBody]
    }

    struct UnitResponse: ResponseEncodable {
        var county: String
        var unit: UnitBody
    }

    struct ReviewerBody: Codable, Sendable {
        var id: String
        var name: String
        var committee: String?
        var department: String?
        var active: Bool
    }

    struct ReviewerList: ResponseEncodable {
        var county: String
        var reviewers: [ReviewerBody]
    }

    struct ImportResponse: ResponseEncodable {
        var county: String
        var rows: Int
        var inserted: Int
        var updated: Int
        var unchanged: Int
        var sha256: String
        var auditSeq: Int64
    }

    /// Media types accepted for the CSV upload (browsers on Windows label .csv files as Excel's).
    static let csvMediaTypes: Set<String> = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"]

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/units") { _, context -> UnitList in
            let county = try context.parameters.require("county")
            let policy = AccessPolicy(try context.requirePrincipal())
            let units: [UnitRecord]
            switch policy.unitScope(in: county) {
            case nil:
                throw ProblemDetails.notFound("county \(county)")
            case .all?:
                units = try await registry.units(county: county)
            case .committee(let committee)?:
                units = try await registry.units(county: county, committee: committee)
            case .unit(let code)?:
                units = try await registry.unit(county: county, code: code).map { [$0] } ?? []
            case .units(let codes)?:
                units = try await registry.units(county: county).filter { codes.contains($0.code) }
            case .none?:
                units = []
            }
            return UnitList(county: county, units: units.map(UnitBody.init))
        }

        api.on(.get, "/counties/{county}/units/{code}") { _, context -> UnitResponse in
            let county = try context.parameters.require("county")
            let code = try context.parameters.require("code").uppercased()
            let policy = AccessPolicy(try context.requirePrincipal())
            try policy.county(county).require("unit \(code)")
            guard let unit = try await registry.unit(county: county, code: code) else {
                throw ProblemDetails.notFound("unit \(code)")
            }
            try policy.see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
            return UnitResponse(county: county, unit: UnitBody(unit))
        }

        api.on(.put, "/counties/{county}/units") { request, context -> ImportResponse in
            let county = try context.parameters.require("county")
            let principal = try context.requirePrincipal()
            try AccessPolicy(principal).actAsOffice(county: county).require("county \(county)", rule: "access.office")
            try Self.requireCSV(request)
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let summary: UnitImportSummary
            do {
                summary = try await registry.importUnits(
                    county: county, csv: Array(buffer.readableBytesView), actor: principal.actor, source: "api"
                )
            } catch let error as UnitImportError {
                throw Self.problem(error)
            }
            context.logger.info("unit register imported", metadata: [
                "county": "\(county)", "rows": "\(summary.rows)", "inserted": "\(summary.inserted)", "updated": "\(summary.updated)",
            ])
            return ImportResponse(
                county: county, rows: summary.rows, inserted: summary.inserted, updated: summary.updated,
                unchanged: summary.unchanged, sha256: summary.fileSHA256, auditSeq: summary.auditSeq
            )
        }

        api.on(.get, "/counties/{county}/reviewers") { _, context -> ReviewerList in
            let county = try context.parameters.require("county")
            try AccessPolicy(try context.requirePrincipal()).seeReviewers(county: county).require("county \(county)", rule: "access.reviewers")
            let reviewers = try await registry.reviewers(county: county)
            return ReviewerList(county: county, reviewers: reviewers.map {
                ReviewerBody(id: $0.id, name: $0.name, committee: $0.committee, department: $0.department, active: $0.active)
            })
        }
    }

    static func requireCSV(_ request: Request) throws {
        let mediaType = request.headers[.contentType]?
            .split(separator: ";").first.map { String($0).trimmingBlanks().lowercased() }
        guard let mediaType, csvMediaTypes.contains(mediaType) else {
            throw ProblemDetails(
                status: .unsupportedMediaType, type: "/problems/unsupported-media-type", title: "请上传CSV文件 Unsupported media type",
                detail: "Send the unit register as `Content-Type: text/csv` (UTF-8 with or without BOM, or GB18030).",
                field: "Content-Type", rule: "import.media-type"
            )
        }
    }

    /// 422 naming the first issue's line, column and rule (400 when the file is not well-formed CSV,
    /// as for every CSV body); the detail lists the first 20 issues.
    static func problem(_ error: UnitImportError) -> ProblemDetails {
        let first = error.issues[0]
        let malformed = first.rule.hasPrefix("csv.")
        var lines = error.issues.prefix(20).map(\.description)
        let more = error.issues.count - lines.count + error.omitted
        if more > 0 { lines.append("…另有\(more)处问题 / \(more) more issues") }
        return ProblemDetails(
            status: malformed ? .badRequest : .unprocessableContent, type: "/problems/import-rejected", title: "导入文件有误,未保存任何数据 Import rejected, nothing stored",
            detail: lines.joined(separator: "\n"),
            field: "line \(first.line), column \(first.column)" + (first.columnName.map { " (\($0))" } ?? ""),
            rule: first.rule
        )
    }
}
