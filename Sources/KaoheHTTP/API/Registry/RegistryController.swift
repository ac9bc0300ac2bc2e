import Foundation
import Hummingbird
import KaoheRules
import KaoheStore
import Logging

/// The county's register over `/api/v1/counties/{county}/…`: units (read by scope, replaced from
/// a CSV by the office) and reviewers (office and auditor).
///
/// Everything under another county's path is 404, and so is a unit outside the caller's scope
/// (`AccessPolicy`): whether it exists is not revealed.
struct RegistryController: Sendable {
    let registry: RegistryStore

    /// The unit register's CSV: 8 MiB (a county of 5,000 units needs about 0.6 MiB).
    static let maxImportBody = 8 * 1024 * 1024

    /// A unit as the API returns it.
    struct UnitBody: Codable, Sendable {
        var code: UnitCode
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
        var county: CountyCode
        var units: [UnitBody]
    }

    struct UnitResponse: ResponseEncodable {
        var county: CountyCode
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
        var county: CountyCode
        var reviewers: [ReviewerBody]
    }

    struct ImportResponse: ResponseEncodable {
        var county: CountyCode
        var rows: Int
        var inserted: Int
        var updated: Int
        var unchanged: Int
        var sha256: String
        var auditSeq: Int64
    }

    /// Media types accepted for the register's upload: CSV (browsers on Windows label .csv files as
    /// Excel's) or an .xlsx workbook.
    static let csvMediaTypes: Set<String> = [
        "text/csv", "application/csv", "text/plain", "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]

    func register(on api: APIRoutes) {
        api.on(.get, "/counties/{county}/units", use: units)
        api.on(.get, "/counties/{county}/units/{code}", use: unit)
        api.on(.put, "/counties/{county}/units", use: importUnits)
        api.on(.get, "/counties/{county}/reviewers", use: reviewers)
    }

    /// `GET /counties/{county}/units`: the units the caller may see.
    @Sendable func units(_ request: Request, context: KaoheRequestContext) async throws -> UnitList {
        let county = try context.parameters.require("county", as: CountyCode.self)
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

    /// `GET /counties/{county}/units/{code}`.
    @Sendable func unit(_ request: Request, context: KaoheRequestContext) async throws -> UnitResponse {
        let county = try context.parameters.require("county", as: CountyCode.self)
        let code = UnitCode(try context.parameters.require("code").uppercased())
        let policy = AccessPolicy(try context.requirePrincipal())
        try policy.county(county).require("unit \(code)")
        guard let unit = try await registry.unit(county: county, code: code) else {
            throw ProblemDetails.notFound("unit \(code)")
        }
        try policy.see(unit: AccessPolicy.UnitRef(unit)).require("unit \(code)")
        return UnitResponse(county: county, unit: UnitBody(unit))
    }

    /// `PUT /counties/{county}/units`: the office replaces the register from a CSV; all or nothing.
    @Sendable func importUnits(_ request: Request, context: KaoheRequestContext) async throws -> ImportResponse {
        let county = try context.parameters.require("county", as: CountyCode.self)
        let principal = try context.requirePrincipal()
        try AccessPolicy(principal).actAsOffice(county: county).require("county \(county)", rule: "access.office")
        try APIBody.requireMediaType(request, Self.csvMediaTypes.sorted())
        let csv = try await APIBody.read(request, limit: Self.maxImportBody)
        let summary = try await registry.importUnits(county: county, csv: csv, actor: principal.actor, source: "api")
        context.logger.info(
            "unit register imported",
            metadata: [
                "county": "\(county)", "rows": "\(summary.rows)", "inserted": "\(summary.inserted)", "updated": "\(summary.updated)",
            ]
        )
        return ImportResponse(
            county: county,
            rows: summary.rows,
            inserted: summary.inserted,
            updated: summary.updated,
            unchanged: summary.unchanged,
            sha256: summary.fileSHA256,
            auditSeq: summary.auditSeq
        )
    }

    /// `GET /counties/{county}/reviewers` (office, auditor).
    @Sendable func reviewers(_ request: Request, context: KaoheRequestContext) async throws -> ReviewerList {
        let county = try context.parameters.require("county", as: CountyCode.self)
        try AccessPolicy(try context.requirePrincipal()).seeReviewers(county: county).require("county \(county)", rule: "access.reviewers")
        let reviewers = try await registry.reviewers(county: county)
        return ReviewerList(
            county: county,
            reviewers: reviewers.map {
                ReviewerBody(id: $0.id, name: $0.name, committee: $0.committee, department: $0.department, active: $0.active)
            }
        )
    }
}
