import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe publicity …`: 公示 by hand — open the window on confirmed grades, show it, finalise after it
/// closes. The same `GradingStore` calls as `POST …/publicity/open` and `POST …/publicity/finalise`.
struct PublicityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publicity",
        abstract: "Open 公示 on the confirmed grades, show the window, finalise the results after it closes.",
        subcommands: [PublicityOpenCommand.self, PublicityShowCommand.self, PublicityFinaliseCommand.self]
    )

    static func printWindow(_ record: PublicityRecord) {
        let state = record.finalised ? "结果已最终确定 results final" : (record.open ? "公示中 open" : "公示期满 closed, not finalised yet")
        print(
            "公示 publicity of cycle \(record.cycle): \(record.opensOn) 起 \(record.workingDays) 个工作日, 至 \(record.closesAt) (opened by \(record.openedBy)) — \(state)"
        )
    }
}

/// `kaohe publicity open --county C --cycle Y --as ACCOUNT [--opens-on DATE]`.
struct PublicityOpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract:
            "Open 公示 (needs confirmed grades; once only). It closes at 23:59:59 of the policy's 5th working day after the opening day."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "Opening day, YYYY-MM-DD (default: today in Asia/Shanghai).") var opensOn: String?

    func run() async throws {
        let command = "publicity open"
        let record = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).openPublicity(
                cycle: target.cycleRef,
                opensOn: opensOn,
                principal: principal
            )
        }
        print("公示已开始 publicity opened")
        PublicityCommand.printWindow(record)
    }
}

/// `kaohe publicity show --county C --cycle Y`.
struct PublicityShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the publicity window and the objections awaiting review."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments

    func run() async throws {
        let (record, objections) = try await OfficeCommandContext.runStep(options, command: "publicity show") { client in
            let store = GradingStore(client: client)
            return (
                try await store.publicity(cycle: target.cycleRef),
                try await store.objections(cycle: target.cycleRef)
            )
        }
        guard let record else {
            throw OfficeCommandContext.failure(
                "publicity show",
                "考核周期“\(target.cycle)”尚未公示 / publicity of cycle \(target.cycle) has not been opened"
            )
        }
        PublicityCommand.printWindow(record)
        ObjectionCommand.printObjections(objections)
    }
}

/// `kaohe publicity finalise --county C --cycle Y --as ACCOUNT`.
struct PublicityFinaliseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finalise",
        abstract: "Make the results final after the window closed (refused before, while an objection awaits 复议, and once final)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount

    func run() async throws {
        let command = "publicity finalise"
        let record = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).finalise(cycle: target.cycleRef, principal: principal)
        }
        print("结果已最终确定 results final")
        PublicityCommand.printWindow(record)
    }
}
