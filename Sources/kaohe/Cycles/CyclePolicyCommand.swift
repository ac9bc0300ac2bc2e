import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore
import Postgres

/// `kaohe cycle policy …`: 考核政策 of a cycle from the command line — the same `CyclePolicyStore`
/// and `GradingStore.dryRun` as `GET/PUT …/cycles/{cycle}/policy` and `POST …/policy/dry-run`.
struct CyclePolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show a cycle's policy (考核政策), change it, try a change on the filings, list the presets.",
        subcommands: [PolicyShowCommand.self, PolicySetCommand.self, PolicyTryCommand.self, PolicyPresetsCommand.self]
    )

    /// The policy in words, one line per part, with its lock.
    static func printWords(_ policy: CyclePolicy, locked: [CyclePolicy.Part: String] = [:]) {
        for line in PolicyWords(policy).lines {
            let lock = locked[line.part].map { "  〔\($0)〕" } ?? ""
            print("  \(line.label):\(line.text)\(lock)")
        }
    }
}

/// What to change: exactly one of `--preset`, `--file`, `--changes`, `--copy-from`, `--scheme`.
struct PolicyChangeOptions: ParsableArguments {
    @Option(help: "Switch to a preset: county-default, municipal-2019, shanxi-2013, national-2023, cadre-five-tier.") var preset: String?
    @Option(help: "A whole policy, as JSON (the shape `kaohe cycle policy show --json` prints).") var file: String?
    @Option(help: #"A JSON merge patch on the policy in force, e.g. '{"grading": {"excellentMaxPercent": 25}}'."#) var changes: String?
    @Option(name: .customLong("copy-from"), help: "Another cycle of the county whose policy in force is copied (last year's: 2026).")
    var copyFrom: CycleID?
    @Option(
        help:
            "The county's own indicator scheme, as JSON (the shape of the built-in schemes: indicators, maximum points, caps), to score units against; 'none' goes back to the built-in scheme."
    )
    var scheme: String?

    func validate() throws {
        guard [preset != nil, file != nil, changes != nil, copyFrom != nil, scheme != nil].count(where: { $0 }) == 1 else {
            throw ValidationError("give exactly one of --preset, --file, --changes, --copy-from, --scheme")
        }
    }

    /// The policy in force of `--copy-from`'s cycle (nil without the option).
    func copied(county: CountyCode, client: PostgresClient, command: String) async throws -> CyclePolicy? {
        guard let copyFrom else { return nil }
        guard let other = try await CyclePolicyStore(client: client).current(cycle: CycleRef(county: county, cycle: copyFrom)) else {
            throw OfficeCommandContext.failure(command, "--copy-from \(copyFrom): 县\(county)没有这个考核周期 / no such cycle")
        }
        return other.current.policy
    }

    func change() throws -> PolicyChange {
        if let preset { return .preset(preset) }
        if let changes { return .changes(Data(changes.utf8)) }
        if let scheme { return .changes(try Self.schemeChange(scheme)) }
        let path = file ?? ""
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--file \(path): cannot read it") }
        do { return .whole(try RulesJSON.decode(CyclePolicy.self, from: data, name: path)) } catch {
            throw ValidationError("--file \(path): \(error.description)")
        }
    }

    /// `{"scheme": <the file>}`, or `{"scheme": null}` for `none`. The file must be a JSON object;
    /// the store checks it as a scheme (`policy.scheme`).
    static func schemeChange(_ path: String) throws -> Data {
        if path == "none" { return Data(#"{"scheme": null}"#.utf8) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--scheme \(path): cannot read it") }
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw ValidationError("--scheme \(path): not a JSON object (指标体系文件应为JSON对象)")
        }
        return Data(#"{"scheme": "#.utf8) + data + Data("}".utf8)
    }

    /// The policy the change makes of `current`, or a CLI refusal naming the field.
    func applied(to current: CyclePolicy, command: String, copied: CyclePolicy? = nil) throws -> CyclePolicy {
        if let copied { return copied }
        do { return try change().applied(to: current) } catch let error as DataFileError {
            throw OfficeCommandContext.failure(command, "\(error.field): \(error.message) [policy.\(error.rule)]")
        }
    }
}

/// `kaohe cycle policy show --county C --cycle Y [--json]`.
struct PolicyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The policy in force, in words (or JSON), and what is locked."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @Flag(help: "Print the policy as JSON (to edit and give back with `set --file`).") var json = false

    func run() async throws {
        let current = try await OfficeCommandContext.runStep(options, command: "cycle policy show") { client in
            try await CyclePolicyStore(client: client).current(cycle: target.cycleRef)
        }
        guard let current else {
            throw OfficeCommandContext.failure("cycle policy show", "县\(target.county)没有考核周期“\(target.cycle)” / no such cycle")
        }
        if json {
            print(String(decoding: RulesJSON.encode(current.current.policy), as: UTF8.self))
            return
        }
        let v = current.current
        let set = v.setAt.map { ",\(ShanghaiTime.format($0)) \(v.setBy ?? "")" } ?? "(内置默认)"
        print("考核政策 \(target.cycle) 第\(v.version)版:\(v.policy.title)\(set)")
        print("  依据:\(v.policy.source)")
        CyclePolicyCommand.printWords(v.policy, locked: current.locked)
    }
}

/// `kaohe cycle policy set --county C --cycle Y --as ACCOUNT (--preset P | --file F | --changes JSON) [--reason R]`.
struct PolicySetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Save a new version of the cycle's policy (each part until the step that uses it)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var acting: ActingAccount
    @OptionGroup var change: PolicyChangeOptions
    @Option(help: "Why (kept with the version and in the audit log).") var reason = ""

    func run() async throws {
        let command = "cycle policy set"
        let saved = try await OfficeCommandContext.act(options, target: target, acting: acting, command: command) { client, principal in
            let store = CyclePolicyStore(client: client)
            guard let current = try await store.current(cycle: target.cycleRef) else {
                throw CycleError(.notFound, "考核周期“\(target.cycle)”不存在 / cycle not found", rule: "cycle.exists")
            }
            let copied = try await change.copied(county: target.county, client: client, command: command)
            return try await store.put(
                cycle: target.cycleRef,
                policy: try change.applied(to: current.current.policy, command: command, copied: copied),
                reason: reason,
                expectedVersion: current.current.version,
                actor: principal.actor,
                account: principal.account
            )
        }
        print("考核政策已保存为第\(saved.version)版 policy saved as version \(saved.version)")
        CyclePolicyCommand.printWords(saved.policy)
    }
}

/// `kaohe cycle policy try --county C --cycle Y (--preset P | --file F | --changes JSON)`: 试算.
struct PolicyTryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "What the grades would be under a changed policy, on the filings as they stand (nothing is written)."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @OptionGroup var change: PolicyChangeOptions

    func run() async throws {
        let command = "cycle policy try"
        let result = try await OfficeCommandContext.runStep(options, command: command) { client in
            guard let current = try await CyclePolicyStore(client: client).current(cycle: target.cycleRef) else {
                throw CycleError(.notFound, "考核周期“\(target.cycle)”不存在 / cycle not found", rule: "cycle.exists")
            }
            let copied = try await change.copied(county: target.county, client: client, command: command)
            let tried = try change.applied(to: current.current.policy, command: command, copied: copied)
            return try await GradingStore(client: client).dryRun(cycle: target.cycleRef, policy: tried)
        }
        let (before, after) = result.distribution
        let counts: ([UnitGrade: Int]) -> String = { d in UnitGrade.allCases.map { "\($0.chinese)\(d[$0] ?? 0)" }.joined(separator: " ") }
        print("试算 dry run: \(result.units.count) 个单位 units")
        print("  现行政策(第\(result.policyVersion)版):\(counts(before)),待研判并列 \(result.conflictsInForce)")
        print("  试算政策:\(counts(after)),待研判并列 \(result.conflictsTried)")
        for unit in result.changed {
            print("  \(unit.code) \(unit.committee) \(unit.total.description)分:\(unit.inForce?.chinese ?? "—") → \(unit.tried.chinese)")
        }
        for issue in result.bounds { print("  不能保存 cannot be saved: \(issue.message) [\(issue.rule)]") }
    }
}

/// `kaohe cycle policy presets`: the built-in presets and their documents.
struct PolicyPresetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "presets", abstract: "The built-in policy presets and their documents.")

    func run() async throws {
        for id in PolicyLoader.cyclePresetIds {
            let policy: CyclePolicy
            do { policy = try PolicyLoader.cyclePreset(id) } catch { throw ValidationError("\(id): \(error)") }
            print("\(id)  \(policy.title)")
            print("  依据:\(policy.source)")
            CyclePolicyCommand.printWords(policy)
        }
    }
}
