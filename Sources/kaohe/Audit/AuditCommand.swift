import ArgumentParser
import KaoheDaemon
import KaoheRules
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
            "intact: N entries" and exits 0, or names the first broken entry and exits 1. With --deep it then \
            recomputes each filing's content hash (Schema/0014) and a roster's lines from what is stored and \
            names the first filing altered, deleted or without an audit entry.
            """
    )

    @OptionGroup var options: DaemonOptions

    @Option(help: "Only this county (6-digit division code); default: every county.")
    var county: CountyCode?

    @Flag(
        help: "Also recompute every filing's content hash (and a roster's lines) from what is stored, and compare it with its audit entry."
    )
    var deep = false

    func run() async throws {
        let (chain, content) = try await OfficeCommandContext.run(options, command: "audit verify") { client, _ in
            let chain = try await AuditChain.verify(client: client, county: county)
            guard deep, case .intact = chain else { return (chain, AuditChain.ContentVerification?.none) }
            return (chain, try await AuditChain.verifyContent(client: client, county: county))
        }
        print(chain.description)
        if let content { print(content.description) }
        if case .broken = chain { throw ExitCode.failure }
        if content?.broken != nil { throw ExitCode.failure }
    }
}
