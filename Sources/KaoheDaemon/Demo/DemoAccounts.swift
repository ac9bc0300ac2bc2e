import Foundation
import KaoheRules
import KaoheStore

/// The demo county's accounts: one for the office, each committee, each unit and each reviewer of
/// the register, and an auditor. Filings name the account that made them, so every actor of the
/// demo's history is a real account; five of them get web passwords (``DemoLogin``).
struct DemoAccounts {
    /// 县事考办.
    var office: Principal
    /// 纪检/监督.
    var auditor: Principal
    /// Committee id → its account.
    var committees: [String: Principal]
    /// Unit code → its account.
    var units: [UnitCode: Principal]
    /// Reviewer id → its account.
    var reviewers: [String: Principal]

    /// The office account's id.
    static let officeAccount = "office"
    /// The auditor account's id.
    static let auditorAccount = "auditor"
    /// A committee's account id (`c-education`).
    static func committeeAccount(_ committee: String) -> String { "c-\(committee)" }
    /// A unit's account id (`u-01`, by registry order).
    static func unitAccount(_ serial: Int) -> String { String(format: "u-%02d", serial) }
    /// A reviewer's account id (`r-` + reviewer id).
    static func reviewerAccount(_ reviewer: String) -> String { "r-\(reviewer)" }

    /// Creates every account (each with its audit entry `account.create`).
    static func create(
        store: AccountStore,
        county: CountyCode,
        committees: [(id: String, name: String)],
        units: [UnitRecord],
        reviewers: [ReviewerRecord]
    ) async throws -> DemoAccounts {
        let office = Principal(county: county, account: officeAccount, role: .office)
        _ = try await store.create(office, displayName: "县事考办 周建华", tokenLabel: "示例")
        let auditor = Principal(county: county, account: auditorAccount, role: .auditor)
        _ = try await store.create(auditor, displayName: "县纪委监委驻点 孙晓梅", tokenLabel: "示例")
        var byCommittee: [String: Principal] = [:]
        for committee in committees {
            let principal = Principal(county: county, account: committeeAccount(committee.id), role: .committee, committee: committee.id)
            _ = try await store.create(principal, displayName: committee.name, tokenLabel: "示例")
            byCommittee[committee.id] = principal
        }
        var byUnit: [UnitCode: Principal] = [:]
        for (index, unit) in units.enumerated() {
            let principal = Principal(county: county, account: unitAccount(index + 1), role: .unit, unitCode: unit.code)
            _ = try await store.create(principal, displayName: unit.name, tokenLabel: "示例")
            byUnit[unit.code] = principal
        }
        var byReviewer: [String: Principal] = [:]
        for reviewer in reviewers {
            let principal = Principal(county: county, account: reviewerAccount(reviewer.id), role: .reviewer, reviewer: reviewer.id)
            _ = try await store.create(principal, displayName: reviewer.name, tokenLabel: "示例")
            byReviewer[reviewer.id] = principal
        }
        return DemoAccounts(office: office, auditor: auditor, committees: byCommittee, units: byUnit, reviewers: byReviewer)
    }
}
