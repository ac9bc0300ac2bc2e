import ArgumentParser
import Foundation
import KaoheRules

/// `kaohe rules grade`: grade units from `{"units":[…]}` on stdin.
struct RulesGradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade units (确定考核等次) from JSON on stdin.",
        discussion: """
            Input: {"units":[{"code","committee","scores":{id:number},"qualitative":{id:"good"|"fair"|"poor"},
            "additions":number,"deductions":number,"veto":bool}], "decisions":[{"cut","favoured","reference"}]}.
            Output: per unit code, total, band, grade, reasons; and conflicts.
            """
    )

    @Option(help: "Built-in indicator scheme: county-2021 or municipal-2019 (default: the policy's).")
    var scheme: String?

    @Option(name: .customLong("scheme-file"), help: "A custom scheme JSON file (instead of --scheme).")
    var schemeFile: String?

    @Option(help: "Enforce the ratios per county or per committee (default: the policy's).")
    var scope: String?

    @Option(help: "A cycle policy: a preset id (county-default, municipal-2019, shanxi-2013, national-2023) or a policy JSON file.")
    var policy: String = "county-default"

    func run() async throws {
        let cyclePolicy = try RulesIO.cyclePolicy(policy)
        guard let cohortScope = scope.map({ CohortScope(rawValue: $0) }) ?? cyclePolicy.defaultCohortScope else {
            throw RulesIO.fail(
                DryRunError(field: "--scope", rule: "scope", message: "--scope 应为 county 或 committee / must be county or committee")
            )
        }
        let input = RulesIO.readStandardInput()
        do {
            let chosen: IndicatorScheme
            if let schemeFile {
                let data = try RulesIO.readFile(schemeFile, option: "--scheme-file")
                do { chosen = try SchemeLoader.load(from: data, name: schemeFile) } catch {
                    throw RulesIO.fail(DryRunError(field: "--scheme-file", rule: "scheme", message: error.description))
                }
            } else {
                do throws(SchemeLoadError) {
                    if let scheme { chosen = try SchemeLoader.builtIn(scheme) } else { chosen = try cyclePolicy.indicatorScheme() }
                } catch {
                    throw RulesIO.fail(DryRunError(field: "--scheme", rule: "unknown-scheme", message: error.description))
                }
            }
            RulesIO.write(
                RulesJSON.encode(try GradeDryRun.run(input: input, scheme: chosen, grading: cyclePolicy.grading, scope: cohortScope))
            )
        } catch let error as DryRunError {
            throw RulesIO.fail(error)
        }
    }
}
