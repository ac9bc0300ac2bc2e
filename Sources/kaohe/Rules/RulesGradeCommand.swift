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

    @Option(help: "Built-in indicator scheme: county-2021 or municipal-2019.")
    var scheme: String = "county-2021"

    @Option(name: .customLong("scheme-file"), help: "A custom scheme JSON file (instead of --scheme).")
    var schemeFile: String?

    @Option(help: "Enforce the ratios per county or per committee.")
    var scope: String = "county"

    func run() async throws {
        guard let cohortScope = CohortScope(rawValue: scope) else {
            throw RulesIO.fail(
                DryRunError(field: "--scope", rule: "scope", message: "--scope 应为 county 或 committee / must be county or committee")
            )
        }
        let input = RulesIO.readStandardInput()
        do {
            if let schemeFile {
                let data = try RulesIO.readFile(schemeFile, option: "--scheme-file")
                let custom: IndicatorScheme
                do { custom = try SchemeLoader.load(from: data, name: schemeFile) } catch {
                    throw RulesIO.fail(DryRunError(field: "--scheme-file", rule: "scheme", message: error.description))
                }
                let grading: GradingPolicy
                do { grading = try PolicyLoader.defaultCyclePolicy().grading } catch {
                    throw RulesIO.fail(DryRunError(field: "policy", rule: "policy", message: error.description))
                }
                RulesIO.write(RulesJSON.encode(try GradeDryRun.run(input: input, scheme: custom, grading: grading, scope: cohortScope)))
            } else {
                RulesIO.write(try GradeDryRun.run(input: input, schemeId: scheme, scope: cohortScope))
            }
        } catch let error as DryRunError {
            throw RulesIO.fail(error)
        }
    }
}
