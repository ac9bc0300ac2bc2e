import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheJobs
import KaoheRules
import KaoheStore

/// `kaohe draw …`: the spot check (随机抽查核验) by hand — freeze the population, then draw.
struct DrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Freeze the spot-check population, draw the sample and its reviewers, export a draw.",
        subcommands: [DrawFreezeCommand.self, DrawRunCommand.self, DrawExportCommand.self]
    )
}

/// `kaohe draw freeze --county C --cycle Y [--reason R]`.
struct DrawFreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Freeze the cycle's enrolled units and record their hash (publish it before the seed exists).",
        discussion: "Refused when the population is already frozen, or when the cycle has been drawn and no --reason is given (a redraw)."
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID
    @Option(help: "Why the cycle is drawn again (required for a redraw).") var reason: String?

    func run() async throws {
        let record = try await OfficeCommandContext.run(options, command: "draw freeze") { client, _ in
            try await SpotCheckStore(client: client).freeze(
                cycle: CycleRef(county: county, cycle: cycle),
                actor: OfficeCommandContext.actor,
                reason: reason
            )
        }
        print(
            "第\(record.drawNo)次抽查 总体已冻结 draw \(record.drawNo) frozen: \(record.population.count) units, population hash \(record.populationHash)"
        )
    }
}

/// `kaohe draw run --county C --cycle Y [--seed DIGITS] [--reason R]`.
struct DrawRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Draw the sample and assign reviewers (freezing first when nothing is frozen).",
        discussion: """
            Without --seed the seed is 32 bytes from the system CSPRNG; with --seed, at least 20 decimal digits \
            rolled at a public draw. A cycle that has been drawn is drawn again only with --reason; both draws stay on record.
            """
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID
    @Option(help: "Dice digits entered at a public draw (≥ 20).") var seed: String?
    @Option(help: "Why the cycle is drawn again (required for a redraw).") var reason: String?

    func run() async throws {
        let drawSeed: DrawSeed?
        do { drawSeed = try seed.map { try DrawSeed($0) } } catch {
            FileHandle.standardError.write(Data("kaohe draw run: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let record = try await OfficeCommandContext.run(options, command: "draw run") { client, _ in
            try await SpotCheckStore(client: client).draw(
                cycle: CycleRef(county: county, cycle: cycle),
                actor: OfficeCommandContext.actor,
                seed: drawSeed,
                reason: reason
            )
        }
        print("第\(record.drawNo)次抽查 draw \(record.drawNo): population hash \(record.populationHash), seed \(record.selection?.seed ?? "")")
        for unit in record.selection?.selected ?? [] {
            let reviewers = record.reviewerAssignments?.first { $0.unitCode == unit.code }?.reviewers.map(\.id) ?? []
            print("\(unit.committee)\t\(unit.code)\t\(unit.ticket)\t\(reviewers.joined(separator: ","))")
        }
    }
}

/// `kaohe draw export --county C --cycle Y [--draw N] [--output FILE]`.
struct DrawExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a draw record as JSON (for verify-draw).")

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID
    @Option(help: "Draw number (default: the current draw).") var draw: Int?
    @Option(help: "File to write (default: standard output).") var output: String?

    func run() async throws {
        let records = try await OfficeCommandContext.run(options, command: "draw export") { client, _ in
            try await SpotCheckStore(client: client).all(cycle: CycleRef(county: county, cycle: cycle))
        }
        guard let record = draw.map({ n in records.first { $0.drawNo == n } }) ?? records.last(where: { $0.supersededAt == nil }) else {
            FileHandle.standardError.write(Data("kaohe draw export: no draw for cycle \(cycle)\n".utf8))
            throw ExitCode.failure
        }
        let data = try SpotCheckRecord.encode(record) + Data("\n".utf8)
        if let output { try data.write(to: URL(fileURLWithPath: output)) } else { FileHandle.standardOutput.write(data) }
    }
}

/// `kaohe verify-draw FILE`: recomputes an exported draw record with KaoheRules.
struct VerifyDrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-draw",
        abstract: "Recompute an exported spot-check draw and say match (exit 0) or mismatch (exit 1).",
        discussion:
            "Recomputes the population hash, every unit's ticket and the sample per stratum, and every reviewer's ticket under the derived seeds with 回避. Needs no database."
    )

    @Argument(help: "The exported record (JSON), or - for standard input.") var file: String

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            FileHandle.standardError.write(Data("kaohe verify-draw: cannot read \(file): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        let record: SpotCheckRecord
        do { record = try SpotCheckRecord.decode(data) } catch {
            FileHandle.standardError.write(Data("kaohe verify-draw: \(file) is not a draw record: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let verification = record.verify()
        if verification.matches {
            print(
                "match: draw \(record.drawNo) of \(record.county)/\(record.cycle) — population hash \(record.populationHash), \(record.selection?.selected.count ?? 0) units, \(record.reviewerAssignments?.count ?? 0) reviewer assignments recomputed exactly"
            )
        } else {
            print("mismatch: draw \(record.drawNo) of \(record.county)/\(record.cycle)")
            for line in verification.mismatches { print("  " + line) }
            throw ExitCode.failure
        }
    }
}

/// `kaohe jobs …`: the scheduled runs of a cycle.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List a cycle's scheduled runs, or do one now by hand.",
        subcommands: [JobsListCommand.self, JobsRunCommand.self]
    )
}

/// `kaohe jobs list --county C --cycle Y`.
struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every scheduled run of the cycle and its state.")

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID

    func run() async throws {
        let runs = try await OfficeCommandContext.run(options, command: "jobs list") { client, _ in
            try await ScheduledRunStore.runs(client: client, cycle: CycleRef(county: county, cycle: cycle))
        }
        for run in runs {
            let state =
                run.doneAt.map { "done \(ShanghaiTime.format($0)) by \(run.doneBy ?? "?")" }
                ?? run.givenUpAt.map {
                    "given up \(ShanghaiTime.format($0)) after \(run.attempts) failed (`kaohe jobs run` still runs it): \(run.lastError ?? "")"
                }
                ?? (run.attempts > 0 ? "pending, \(run.attempts) failed: \(run.lastError ?? "")" : "pending")
            print("\(run.kind)\tdue \(ShanghaiTime.format(run.dueAt))\t\(state)")
        }
    }
}

/// `kaohe jobs run --county C --cycle Y --kind K`: refused when already done.
struct JobsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Do a scheduled run now (refused when it is done already)."
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "Cycle (2026 or 2026-Q1).") var cycle: CycleID
    @Option(help: "The run's kind (step.close.assessment, spot_check.freeze, spot_check.draw, …).") var kind: String

    func run() async throws {
        let result = try await OfficeCommandContext.run(options, command: "jobs run") { client, logger in
            try await JobRunner.trigger(
                runs: ScheduledRunStore(client: client),
                cycle: CycleRef(county: county, cycle: cycle),
                kind: kind,
                actor: OfficeCommandContext.actor,
                logger: logger
            )
        }
        print("\(kind) done: " + result.facts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}
