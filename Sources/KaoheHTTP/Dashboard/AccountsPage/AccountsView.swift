import Foundation
import KaoheRules
import KaoheStore

/// 账号管理: the county's accounts and the office's forms.
struct AccountsView: Sendable {
    var notice: FormNotice?
    var csrf: String
    var accounts: DataTable
    /// Accounts for the reset and token forms.
    var choices: [SelectOption]
    /// Committees for the bulk creation (and 全部).
    var committees: [SelectOption]
    /// Registered units that have no unit account yet.
    var unitsWithout: Int
    var tokens: [Token]
    var hasTokens: Bool

    struct Token: Sendable {
        var id: String
        var account: String
        var label: String
        var created: String
    }

    static func roleName(_ role: Role) -> String { role.chinese }

    static func build(
        accounts: [AccountSummary],
        withPassword: Set<String>,
        units: [UnitRecord],
        committees: [Committee],
        csrf: String
    ) -> AccountsView {
        let committeeNames = Dictionary(committees.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let unitNames = Dictionary(units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = accounts.map { a -> DataRow in
            let p = a.principal
            var scope = ""
            if let committee = p.committee { scope = committeeNames[committee] ?? committee }
            if let unit = p.unitCode { scope = "\(unitNames[unit] ?? unit.rawValue)(\(unit))" }
            if let reviewer = p.reviewer { scope = "核验人员 \(reviewer)" }
            return DataRow(
                [
                    DataCell(p.account), DataCell(a.displayName), DataCell(roleName(p.role)), DataCell(scope),
                    DataCell(withPassword.contains(p.account) ? "已设置" : "未设置"),
                    .number(a.tokens.filter(\.isLive).count), DataCell(a.disabledAt == nil ? "在用" : "已停用"),
                ],
                rowClass: a.disabledAt == nil ? nil : "disabled"
            )
        }
        let covered = Set(accounts.compactMap { $0.disabledAt == nil ? $0.principal.unitCode : nil })
        let tokens = accounts.flatMap { a in
            a.tokens.filter(\.isLive).map {
                Token(
                    id: $0.id.uuidString.lowercased(),
                    account: a.principal.account,
                    label: $0.label,
                    created: ChineseTime.dateTime($0.createdAt)
                )
            }
        }
        return AccountsView(
            csrf: csrf,
            accounts: DataTable(
                id: "accounts",
                title: "账号",
                fileName: "账号",
                header: ["账号", "名称", "角色", "所属", "网页密码", "在用 API 令牌", "状态"],
                rows: rows,
                downloadBase: "/accounts",
                emptyText: "本县尚无账号。"
            ),
            choices: accounts.filter { $0.disabledAt == nil }.map {
                SelectOption(
                    value: $0.principal.account,
                    label: "\($0.displayName)(\($0.principal.account),\(roleName($0.principal.role)))"
                )
            },
            committees: [SelectOption(value: "", label: "全部专业考核委员会")] + committees.map { SelectOption(value: $0.id, label: $0.name) },
            unitsWithout: units.filter { !covered.contains($0.code) }.count,
            tokens: tokens,
            hasTokens: !tokens.isEmpty
        )
    }
}

/// 首次登录通知单 / 重置密码通知单: one printable row per account with its password, shown once.
struct FirstLoginView: Sendable {
    var title: String
    var countyName: String
    var countyCode: String
    var rows: [Row]
    var hasRows: Bool
    /// Units left alone because they have an account already.
    var skipped: String
    var issuedAt: String

    struct Row: Sendable {
        var name: String
        var code: String
        var account: String
        var password: String
    }
}
