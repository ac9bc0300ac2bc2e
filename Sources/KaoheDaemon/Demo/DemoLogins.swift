import Foundation
public import KaoheStore

/// 示例账号: the five web logins of the demo county, one per role, with passwords everyone knows —
/// they are printed when kaohed starts on its embedded demo, never for a configured database.
public enum DemoLogins {
    /// Role → the demo password of that role's login.
    static let passwords: [(role: Role, password: String)] = [
        (.office, "demo-office"), (.committee, "demo-committee"), (.unit, "demo-unit-01"),
        (.reviewer, "demo-reviewer"), (.auditor, "demo-auditor"),
    ]

    /// The bcrypt cost of the demo passwords: public passwords need no slow hash, and seeding stays fast.
    static let bcryptCost: UInt8 = 8

    /// Sets the five passwords (each audited as `account.password.set`): the office, the education
    /// committee, the first unit (示例县第一中学), `reviewer` (one with units to visit) and the auditor.
    static func set(_ context: DemoContext, reviewer: String) async throws {
        var policy = WebSessionPolicy()
        policy.bcryptCost = bcryptCost
        let sessions = WebSessionStore(client: context.client, policy: policy)
        let accounts: [Role: String] = [
            .office: DemoAccounts.officeAccount, .committee: DemoAccounts.committeeAccount("education"),
            .unit: DemoAccounts.unitAccount(1), .reviewer: DemoAccounts.reviewerAccount(reviewer), .auditor: DemoAccounts.auditorAccount,
        ]
        for (role, password) in passwords {
            try await sessions.setPassword(county: context.county, account: accounts[role]!, password: password, actor: "system")
        }
    }

    /// The lines kaohed prints under its address: county, account and password of each demo login
    /// that has a password in the database (none when the demo county is absent).
    public static func lines(accounts: AccountStore) async throws -> [String] {
        var found: [Role: (account: String, name: String)] = [:]
        for login in try await accounts.webLogins(county: DemoCounty.county.code) {
            found[login.role] = (login.account, login.displayName)
        }
        guard !found.isEmpty else { return [] }
        var lines = ["示例县 \(DemoCounty.county.code) 的演示账号 (demo logins; 县 county \(DemoCounty.county.code)):"]
        for (role, password) in passwords {
            guard let login = found[role] else { continue }
            lines.append(
                "  \(role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) 账号 \(login.account.padding(toLength: 18, withPad: " ", startingAt: 0)) 密码 \(password)   (\(login.name))"
            )
        }
        return lines
    }
}
