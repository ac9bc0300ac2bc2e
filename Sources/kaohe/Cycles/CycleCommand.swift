import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore

/// `kaohe cycle …`: 制定实施方案 from the command line — create a cycle, enrol its units, close a
/// step by hand, show it, list the county's cycles. The same `CycleStore` calls as
/// `PUT …/cycles/{cycle}`, `PUT …/cycles/{cycle}/units` and `POST …/steps/{step}/close`.
struct CycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle",
        abstract: "Create a cycle, enrol its units, close a step, extend a deadline, show a cycle, list the county's cycles.",
        subcommands: [
            CycleCreateCommand.self, CycleEnrolCommand.self, CycleCloseStepCommand.self, CycleExtendCommand.self, CycleShowCommand.self,
            CycleListCommand.self, CyclePolicyCommand.self,
        ]
    )

    static func printCycle(_ cycle: Cycle) {
        let definition = cycle.definition
        print(
            "考核周期 cycle \(definition.cycle) (\(definition.kind.rawValue)) \(definition.title) — scheme \(definition.scheme), policy \(definition.policy), \(cycle.units.count) units enrolled"
        )
        let states = ["pending": "未开始 pending", "open": "进行中 open", "late": "逾期补报 late", "closed": "已截止 closed"]
        for step in cycle.steps {
            let closed = step.closedAt.map { ", closed by hand \(ShanghaiTime.format($0)) by \(step.closedBy ?? "?")" } ?? ""
            print(
                "  \(step.step.chinese) \(step.step.rawValue): opens \(ShanghaiTime.format(step.times.opensAt)), deadline \(ShanghaiTime.format(step.times.deadline)), closes \(ShanghaiTime.format(step.times.closesAt)) — \(states[step.state.rawValue] ?? step.state.rawValue)\(closed)"
            )
        }
    }
}

/// `kaohe cycle create --county C --cycle Y --as ACCOUNT [--title T] [--scheme S] [--policy P] [--opens STEP=TIME] [--deadline STEP=TIME] [--closes STEP=TIME]`.
struct CycleCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create the cycle, or update it while none of its steps has opened.",
        discussion: """
            Steps: self_assessment, assessment, roster. Times are ISO 8601 with an offset or a bare date (Asia/Shanghai: \
            00:00 for --opens, 23:59:59 for --deadline and --closes). Without them the defaults apply (annual Y: self-assessment \
            1–31 Dec Y, assessment 1–31 Jan Y+1, roster 1 Dec Y – 31 Jan Y+1), and every step closes 7 days after its deadline.
            """
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "Title (default 2026年度事业单位绩效考核).") var title: String?
    @Option(help: "Indicator scheme: county-2021 or municipal-2019 (default: the preset's).") var scheme: String?
    @Option(help: "Staff roster policy: tied-2023, shanxi-2013, national-2023, by-level-2014, five-tier-2023 (default: the preset's).")
    var policy: String?
    @Option(help: "考核政策预设 the cycle starts from: county-default, municipal-2019, shanxi-2013, national-2023.") var preset: String?
    @Option(name: .customLong("opens"), help: "STEP=TIME a step opens (repeatable).") var opens: [String] = []
    @Option(name: .customLong("deadline"), help: "STEP=TIME of a step's deadline; it then closes 7 days later (repeatable).") var deadlines:
        [String] = []
    @Option(name: .customLong("closes"), help: "STEP=TIME a step closes (repeatable).") var closes: [String] = []

    func definition() throws -> CycleDefinition {
        guard let kind = CycleDefaults.kind(of: target.cycle) else {
            throw ValidationError("--cycle \(target.cycle): 考核周期编号应为年度“2026”或季度“2026-Q1” / the cycle id must be YYYY or YYYY-Qn")
        }
        var steps = CycleDefaults.steps(for: target.cycle)
        func each(_ values: [String], _ flag: String, endOfDay: Bool, _ apply: (inout StepTimes, Date) -> Void) throws {
            for value in values {
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let step = FilingStep(name: parts[0]) else {
                    throw ValidationError("--\(flag) \(value): expected STEP=TIME with STEP self_assessment, assessment or roster")
                }
                guard let time = ShanghaiTime.parse(parts[1], dateMeansEndOfDay: endOfDay) else {
                    throw ValidationError(
                        "--\(flag) \(value): 时间应为 ISO 8601(如 2026-12-31T23:59:59+08:00)或日期 2026-12-31 / use ISO 8601 with an offset, or a date"
                    )
                }
                apply(&steps[step]!, time)
            }
        }
        try each(opens, "opens", endOfDay: false) { $0.opensAt = $1 }
        try each(deadlines, "deadline", endOfDay: true) {
            $0.deadline = $1
            $0.closesAt = $1.addingTimeInterval(CycleDefaults.grace)
        }
        try each(closes, "closes", endOfDay: true) { $0.closesAt = $1 }
        let title = title ?? (kind == .annual ? "\(target.cycle)年度事业单位绩效考核" : "\(target.cycle)季度事业单位绩效考核")
        if let preset, !PolicyLoader.cyclePresetIds.contains(preset) {
            throw ValidationError(
                "--preset \(preset): 没有这个考核政策预设(可选:\(PolicyLoader.cyclePresetIds.joined(separator: "、"))) / unknown preset"
            )
        }
        let chosen = try preset.map { try PolicyLoader.cyclePreset($0) }
        var definition = CycleDefinition(
            cycle: target.cycle,
            kind: kind,
            title: title,
            scheme: scheme ?? chosen?.defaultScheme ?? "county-2021",
            policy: policy ?? chosen?.roster.id ?? "tied-2023",
            steps: steps
        )
        definition.preset = preset
        return definition
    }

    func validate() throws { _ = try definition() }

    func run() async throws {
        let command = "cycle create"
        let definition = try definition()
        let (cycle, created) = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) {
            client,
            principal in
            try await CycleStore(client: client).put(
                county: target.county,
                definition: definition,
                actor: principal.actor,
                account: principal.account
            )
        }
        print(created ? "考核周期已创建 cycle created" : "考核周期已更新 cycle updated")
        CycleCommand.printCycle(cycle)
    }
}

/// `kaohe cycle enrol --county C --cycle Y --as ACCOUNT (--unit CODE … | --all)`.
struct CycleEnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Set the cycle's enrolled units (a unit with filings cannot be removed)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(name: .customLong("unit"), help: "A unit's code (repeatable).") var units: [UnitCode] = []
    @Flag(help: "Every unit of the county's register.") var all = false

    func validate() throws {
        guard all != !units.isEmpty else { throw ValidationError("give --unit CODE (repeatable) or --all") }
        var seen = Set<UnitCode>()
        for code in units {
            do { _ = try code.validated() } catch { throw ValidationError("--unit \(code): \(error)") }
            guard seen.insert(code).inserted else { throw ValidationError("--unit \(code) is given twice") }
        }
    }

    func run() async throws {
        let command = "cycle enrol"
        let (added, removed, count) = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) {
            client,
            principal in
            let result = try await CycleStore(client: client).enrol(
                cycle: target.cycleRef,
                choosing: all ? .everyRegisteredUnit : .units(units),
                actor: principal.actor
            )
            return (result.added, result.removed, result.units.count)
        }
        print("已参加 \(count) units enrolled in cycle \(target.cycle): \(added.count) added, \(removed.count) removed")
    }
}

/// `kaohe cycle close-step --county C --cycle Y --as ACCOUNT --step STEP`.
struct CycleCloseStepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close-step",
        abstract: "Close an open step now (refused when it is closed already, saying when)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "self_assessment, assessment or roster.") var step: String

    func run() async throws {
        let command = "cycle close-step"
        guard let filingStep = FilingStep(name: step) else {
            throw OfficeCommandContext.failure(command, "没有步骤“\(step)”(可选:self_assessment、assessment、roster) / unknown step")
        }
        let closed = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await CycleStore(client: client).closeStep(
                cycle: target.cycleRef,
                step: filingStep,
                actor: principal.actor,
                account: principal.account
            )
        }
        print("\(closed.step.chinese) \(closed.step.rawValue) 已截止 closed at \(ShanghaiTime.format(closed.times.closesAt))")
    }
}

/// `kaohe cycle extend --county C --cycle Y --as ACCOUNT --step STEP [--unit CODE] --deadline TIME [--closes TIME] --reason TEXT`.
struct CycleExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "延期: give a step (or one unit of it) a later deadline, with a reason; audited.",
        discussion: """
            Without --unit the whole step moves (refused once it has closed); with --unit only that unit may file \
            until its own deadline, even after the step closed. --closes defaults to the step's late window after \
            the new deadline. TIME is 2027-01-15 (23:59:59 that day, Asia/Shanghai) or ISO 8601 with its offset.
            """
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @Option(help: "self_assessment, assessment or roster.") var step: String
    @Option(help: "The unit granted more time (default: the whole step).") var unit: UnitCode?
    @Option(help: "The new deadline.") var deadline: String
    @Option(name: .customLong("closes"), help: "When filings are refused from (default: the step's late window after the deadline).")
    var closes: String?
    @Option(help: "Why (required; it is audited).") var reason: String

    func run() async throws {
        let command = "cycle extend"
        guard let filingStep = FilingStep(name: step) else {
            throw OfficeCommandContext.failure(command, "没有步骤“\(step)”(可选:self_assessment、assessment、roster) / unknown step")
        }
        func time(_ text: String, _ option: String) throws -> Date {
            guard let time = ShanghaiTime.parse(text, dateMeansEndOfDay: true) else {
                throw OfficeCommandContext.failure(
                    command,
                    "\(option) “\(text)”应为 2027-01-15 或 2027-01-15T18:00:00+08:00 / not a date or time"
                )
            }
            return time
        }
        let (newDeadline, newCloses) = (try time(deadline, "--deadline"), try closes.map { try time($0, "--closes") })
        let granted = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            try await CycleStore(client: client).extendDeadline(
                cycle: target.cycleRef,
                step: filingStep,
                unit: unit,
                deadline: newDeadline,
                closesAt: newCloses,
                reason: reason,
                principal: principal
            )
        }
        print(
            "\(granted.step.chinese) \(granted.step.rawValue) 已延期 extended\(granted.unit.map { " for unit \($0)" } ?? ""): deadline \(ShanghaiTime.format(granted.deadline)), closes \(ShanghaiTime.format(granted.closesAt))"
        )
    }
}

/// `kaohe cycle show --county C --cycle Y`.
struct CycleShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The cycle, its steps and their state now.")

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments

    func run() async throws {
        let cycle = try await OfficeCommandContext.runStep(options, command: "cycle show") { client in
            try await CycleStore(client: client).cycle(cycle: target.cycleRef)
        }
        guard let cycle else {
            throw OfficeCommandContext.failure(
                "cycle show",
                "县\(target.county)没有考核周期“\(target.cycle)” / no cycle \(target.cycle) in county \(target.county)"
            )
        }
        CycleCommand.printCycle(cycle)
    }
}

/// `kaohe cycle list --county C`: the county's cycles, newest first, with where each stands.
struct CycleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The county's cycles, newest first, and where each stands."
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode

    func run() async throws {
        let history = try await OfficeCommandContext.runStep(options, command: "cycle list") { client in
            try await CountyHistoryStore(client: client).history(county: county)
        }
        guard let history else {
            throw OfficeCommandContext.failure("cycle list", "县\(county)不存在 / county \(county) does not exist")
        }
        if history.cycles.isEmpty { print("\(history.name): 无考核周期 no cycle") }
        for entry in history.cycles {
            print(
                "\(entry.cycle)\t\(entry.title)\t\(entry.state)\t\(entry.units) units\t\(entry.graded) graded"
                    + (entry.finalisedAt.map { "\tfinal \($0)" } ?? "")
            )
        }
    }
}
