import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore
import Postgres

/// `--as ACCOUNT`: the county's account a cycle command acts as. The office's steps (grading,
/// publicity, appeals) run through the same store functions as the API, which record the account
/// (`confirmed_by`, `opened_by`, …) and write the audit actor `county/account`, exactly as when that
/// account calls the API; the account must have the role the API would require.
struct ActingAccount: ParsableArguments {
    @Option(
        name: .customLong("as"),
        help: "The account of the county to act as (an office account; a committee account for `objection review`)."
    )
    var account: String

    /// The principal of `account` in `county`, refused (exit 1, a clear line) when the account does
    /// not exist, is disabled, or lacks one of `roles`.
    func principal(client: PostgresClient, county: CountyCode, roles: Set<Role>, command: String) async throws -> Principal {
        guard let principal = try await AccountStore(client: client).principal(county: county, account: account) else {
            throw OfficeCommandContext.failure(
                command,
                "县\(county)没有启用的账号“\(account)” / no enabled account \(account) in county \(county) (kaohe account list --county \(county))"
            )
        }
        guard roles.contains(principal.role) else {
            let wanted = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw OfficeCommandContext.failure(
                command,
                "账号“\(account)”的角色是\(principal.role.rawValue),此操作需要\(wanted) / account \(account) is \(principal.role.rawValue); this needs \(wanted)"
            )
        }
        return principal
    }
}

/// Where a cycle command acts: `--county C --cycle Y`.
struct CycleArguments: ParsableArguments, CycleScoped {
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID
}

extension OfficeCommandContext {
    /// Runs a cycle command's body like `run`, printing a refused step (CycleError, a tie decision
    /// the rules reject) as `kaohe <command>: <message> [<rule>]` and exiting 1.
    static func runStep<T>(
        _ options: DaemonOptions,
        command: String,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        try await run(options, command: command) { client, _ in
            do {
                return try await body(client)
            } catch let error as CycleError {
                throw failure(command, error.message + (error.rule.map { " [\($0)]" } ?? "") + (error.field.map { " (\($0))" } ?? ""))
            } catch let error as TieDecisionError {
                throw failure(command, error.description)
            }
        }
    }
}

extension OfficeCommandContext {
    /// Runs a step that `acting` takes in the cycle `target`, as the API would for that account: the
    /// database is opened as in `runStep`, `--as` must name an enabled account with one of `roles`
    /// (refused with a clear line otherwise), and a refusal that means "already done" says when and by
    /// whom (`StepRefusal`). What every `--as` command (grading, publicity, objection review, appeals)
    /// shares, so each states only its store call.
    static func act<T>(
        _ options: DaemonOptions,
        target: CycleArguments,
        acting: ActingAccount,
        roles: Set<Role> = [.office],
        command: String,
        _ body: (PostgresClient, Principal) async throws -> T
    ) async throws -> T {
        try await runStep(options, command: command) { client in
            let principal = try await acting.principal(client: client, county: target.county, roles: roles, command: command)
            return try await StepRefusal.explained(client: client, cycle: target.cycleRef, command: command) {
                try await body(client, principal)
            }
        }
    }
}
