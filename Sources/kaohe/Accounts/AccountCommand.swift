import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe account …`: accounts and their API tokens.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Create accounts, issue and revoke API tokens, list accounts.",
        discussion:
            "A token is printed once, when issued; only its SHA-256 is stored, so a lost token cannot be shown again — issue another and revoke the old one.",
        subcommands: [Create.self, Token.self, Revoke.self, List.self, SetPasswordCommand.self]
    )

    static func printToken(_ issued: (token: APIToken, tokenID: UUID)) {
        print("token id: \(issued.tokenID.uuidString.lowercased())")
        print("token:    \(issued.token.secret)")
        OfficeCommandContext.printError("The token is shown only this once; store it now (only its hash is kept). 令牌仅显示这一次,请妥善保存。")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create an account and print its first token (once)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(help: "Account id: a–z, 0–9, '.', '-' and '_' (e.g. zhang.wei).")
        var account: String

        @Option(help: "office, committee, unit, reviewer or auditor.")
        var role: String

        @Option(help: "For a committee account: its committee id.")
        var committee: String?

        @Option(help: "For a unit account: its unified social credit code.")
        var unit: String?

        @Option(help: "For a reviewer account: its reviewer id in the register.")
        var reviewer: String?

        @Option(help: "Display name (显示名), e.g. 张伟.")
        var name: String

        @Option(help: "A label for the token (where it is used).")
        var label: String = ""

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got “\(role)”")
            }
        }

        func run() async throws {
            let principal = Principal(
                county: county,
                account: account,
                role: Role(rawValue: role)!,
                committee: committee,
                unitCode: unit.map { UnitCode($0.uppercased()) },
                reviewer: reviewer
            )
            let issued = try await OfficeCommandContext.run(options, command: "account create") { client, _ in
                try await AccountStore(client: client).create(
                    principal,
                    displayName: name,
                    tokenLabel: label,
                    actor: OfficeCommandContext.actor
                )
            }
            print("account \(principal.actor) (\(principal.role.rawValue)) created")
            AccountCommand.printToken(issued)
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Issue another token for an account and print it (once)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(help: "The account id.")
        var account: String

        @Option(help: "A label for the token (where it is used).")
        var label: String = ""

        func run() async throws {
            let issued = try await OfficeCommandContext.run(options, command: "account token") { client, _ in
                try await AccountStore(client: client).issueToken(
                    county: county,
                    account: account,
                    label: label,
                    actor: OfficeCommandContext.actor
                )
            }
            print("new token for \(county)/\(account)")
            AccountCommand.printToken(issued)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a token: from now on it is refused (401)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Option(name: .customLong("token-id"), help: "The token id (from `account create`, `account token` or `account list`).")
        var tokenID: String

        func run() async throws {
            guard let id = UUID(uuidString: tokenID) else {
                throw ValidationError("--token-id must be a UUID such as 3f2b8c1e-…; got “\(tokenID)”")
            }
            let revoked = try await OfficeCommandContext.run(options, command: "account revoke") { client, _ in
                try await AccountStore(client: client).revoke(county: county, tokenID: id, actor: OfficeCommandContext.actor)
            }
            guard revoked else {
                throw OfficeCommandContext.failure("account revoke", "no live token \(id.uuidString.lowercased()) in county \(county)")
            }
            print("token \(id.uuidString.lowercased()) revoked")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the county's accounts and their tokens (ids only, never hashes)."
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        func run() async throws {
            let accounts = try await OfficeCommandContext.run(options, command: "account list") { client, _ in
                try await AccountStore(client: client).list(county: county)
            }
            let formatter = ISO8601DateFormatter()
            for account in accounts {
                let p = account.principal
                let scope = [p.committee.map { "committee=\($0)" }, p.unitCode.map { "unit=\($0)" }, p.reviewer.map { "reviewer=\($0)" }]
                    .compactMap { $0 }.joined(separator: " ")
                let state = account.disabledAt == nil ? "" : " DISABLED"
                print("\(p.account)\t\(p.role.rawValue)\t\(account.displayName)\(scope.isEmpty ? "" : "\t" + scope)\(state)")
                for token in account.tokens {
                    let status = token.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "live"
                    print(
                        "  token \(token.id.uuidString.lowercased())\t\(status)\tissued \(formatter.string(from: token.createdAt))\(token.label.isEmpty ? "" : "\t" + token.label)"
                    )
                }
            }
            if accounts.isEmpty { print("no accounts in county \(county)") }
        }
    }
}
