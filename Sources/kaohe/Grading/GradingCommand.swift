import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe grading …`: 确定考核等次 by hand — the proposal, the office's tie decisions, confirmation.
/// The same `GradingStore` calls as `POST …/grading/proposal`, `PUT …/grading/decisions` and
/// `POST …/grading/confirm`, so refusals and audit entries are those of the API.
struct GradingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grading",
        abstract: "Propose the units' grades, record the office's tie decisions, confirm, show.",
        subcommands: [GradingProposeCommand.self, GradingDecideCommand.self, GradingConfirmCommand.self, GradingShowCommand.self]
    )

    /// Prints the grading: distribution per committee, conflicts, and (with `units`) every unit.
    static func printResult(_ result: GradingResult, units: Bool) {
        let states = ["proposed": "建议 proposed", "confirmed": "已确认 confirmed", "final": "最终 final"]
        print(
            "考核周期 cycle \(result.cycle): \(states[result.state.rawValue] ?? result.state.rawValue), \(result.units.count) units graded, \(result.ungraded.count) without an assessment"
        )
        for (committee, grades) in result.distribution.sorted(by: { $0.key < $1.key }) {
            let line = UnitGrade.allCases.map { "\($0.chinese) \(grades[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            print("  \(committee): \(line)")
        }
        if units {
            for unit in result.units {
                print(
                    "  \(unit.code)\t\(unit.committee)\t\(unit.total)\t\(unit.grade.chinese)\t\(unit.source == "recheck" ? "核验 recheck" : "专考委 committee")"
                )
            }
        }
        if result.conflicts.isEmpty {
            print("无冲突 no open conflict")
        } else {
            print(
                "冲突 \(result.conflicts.count) open conflict(s) — decide with `kaohe grading decide --decision CUT:CODE[+CODE…]:REFERENCE`:"
            )
            for conflict in result.conflicts {
                print(
                    "  \(conflict.kind) [\(conflict.scope)] \(conflict.total) seats \(conflict.seats): \(conflict.units.map(\.rawValue).joined(separator: " ")) — \(conflict.message)"
                )
            }
        }
    }
}

/// `kaohe grading propose --county C --cycle Y --as ACCOUNT`.
struct GradingProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Compute and store the proposed grades (refused once publicity has opened)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Flag(help: "List every unit's grade.") var units = false

    func run() async throws {
        let command = "grading propose"
        let result = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).propose(cycle: target.cycleRef, principal: principal)
        }
        GradingCommand.printResult(result, units: units)
    }
}

/// `kaohe grading decide --county C --cycle Y --as ACCOUNT --decision CUT:CODE+CODE:REFERENCE …`.
struct GradingDecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record the office's decisions for tied units (replacing earlier ones) and re-run the proposal.",
        discussion:
            "Each --decision is CUT:CODES:REFERENCE, CUT excellent-cap or qualified-floor, CODES the favoured units joined by +, REFERENCE the minutes (会议纪要) number."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(name: .customLong("decision"), help: "CUT:CODE[+CODE…]:REFERENCE (repeat for several cuts).") var decisions: [String]

    static func parse(_ text: String) throws -> TieDecision {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let cut = CohortCut(rawValue: parts[0]), !parts[1].isEmpty, !parts[2].isEmpty else {
            throw ValidationError("--decision \(text): expected CUT:CODE[+CODE…]:REFERENCE with CUT excellent-cap or qualified-floor")
        }
        return TieDecision(cut: cut, favoured: parts[1].split(separator: "+").map { UnitCode(String($0)) }, reference: parts[2])
    }

    func validate() throws {
        for decision in decisions { _ = try Self.parse(decision) }
    }

    func run() async throws {
        let command = "grading decide"
        let parsed = try decisions.map(Self.parse)
        let result = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).decide(
                cycle: target.cycleRef,
                decisions: parsed,
                principal: principal
            )
        }
        print("已记录\(parsed.count)项决定 \(parsed.count) decision(s) recorded")
        GradingCommand.printResult(result, units: false)
    }
}

/// `kaohe grading confirm --county C --cycle Y --as ACCOUNT`.
struct GradingConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm the grades (refused while a conflict is open, and once publicity has opened); quotas become final."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount

    func run() async throws {
        let command = "grading confirm"
        let result = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await GradingStore(client: client).confirm(cycle: target.cycleRef, principal: principal)
        }
        print("等次已确认 grades confirmed")
        GradingCommand.printResult(result, units: false)
    }
}

/// `kaohe grading show --county C --cycle Y [--units]`.
struct GradingShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the stored grading: state, distribution, conflicts."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @Flag(help: "List every unit's grade.") var units = false

    func run() async throws {
        let result = try await OfficeCommandContext.runStep(options, command: "grading show") { client in
            try await GradingStore(client: client).current(cycle: target.cycleRef)
        }
        guard let result else {
            throw OfficeCommandContext.failure(
                "grading show",
                "考核周期“\(target.cycle)”尚未生成等次建议 / no proposal yet for cycle \(target.cycle) (kaohe grading propose)"
            )
        }
        GradingCommand.printResult(result, units: units)
    }
}
