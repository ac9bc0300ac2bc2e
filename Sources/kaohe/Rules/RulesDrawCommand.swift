import ArgumentParser
import KaoheRules

/// `kaohe rules draw`: the spot-check draw over `{"units":[{"code","committee"}]}` on stdin.
struct RulesDrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw the spot check (随机抽查核验) from JSON on stdin.",
        discussion: "Output: populationHash and selected [{code, committee, ticket}] in ticket order within each stratum."
    )

    @Option(help: "The seed: 64 lowercase hex digits, or at least 20 dice digits.")
    var seed: String

    @Option(help: "Sampling rate in whole percent (at least 10; default: the policy's).")
    var percent: Int?

    @Option(help: "Strata: committee or county.")
    var strata: String = "committee"

    @Option(help: "A cycle policy whose spot-check rules apply: a preset id or a policy JSON file.")
    var policy: String = "county-default"

    func run() async throws {
        guard let stratification = Stratification(rawValue: strata) else {
            throw RulesIO.fail(
                DryRunError(field: "--strata", rule: "strata", message: "--strata 应为 committee 或 county / must be committee or county")
            )
        }
        let spotCheck = try RulesIO.cyclePolicy(policy).spotCheck
        do {
            let selection = try DrawDryRun.run(
                input: RulesIO.readStandardInput(),
                seed: seed,
                percent: percent,
                strata: stratification,
                policy: spotCheck
            )
            RulesIO.write(RulesJSON.encode(selection))
        } catch {
            throw RulesIO.fail(error)
        }
    }
}
