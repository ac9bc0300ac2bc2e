import ArgumentParser
import KaoheDaemon
import KaoheStore

/// `kaohe audit …`: the audit trail (审计链).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit trail.",
        subcommands: [AuditVerifyCommand.self]
    )
}

/// `kaohe audit verify [--county C]`: recomputes every entry's hash and link.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the audit trail intact, or name its first broken entry.",
        discussion: """
            Recomputes each entry's SHA-256 from its stored fields and the previous entry's hash, checks \
            that sequence numbers have no gap and that the county's head names the last entry. Prints \
            "intact: N entries" and exits 0, or names the first broken entry and exits 1.
            """
    )

    @OptionGroup var options: DaemonOptions

    @Option(help: "Only this county (6-digit division code); default: every county.")
    var county: String?

    func run() async throws {
        let outcome = try await OfficeCommandContext.run(options, command: "audit verify") { client, _ in
            try await AuditChain.verify(client: client, county: county)
        }
        print(outcome.description)
        if case .broken = outcome { throw ExitCode.failure }
    }
}
