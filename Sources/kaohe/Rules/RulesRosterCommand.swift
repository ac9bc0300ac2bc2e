import ArgumentParser
import KaoheRules

/// `kaohe rules roster`: check a staff roster `{"staff":[…]}` on stdin against the unit's quota and bounds.
struct RulesRosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Check a staff roster (工作人员年度考核结果) from JSON on stdin.",
        discussion: """
            Input: {"staff":[{"staffNo","score","grade","sanction","underInvestigation","probation","leaveMonths","refused","quarters":[…]}]}.
            Output: participants, quota, excellent, violations [{staffNo, rule, message}].
            """
    )

    @Option(name: .customLong("unit-grade"), help: "The unit's grade: excellent, good, qualified or poor.")
    var unitGrade: String

    @Option(
        help:
            "Roster policy (tied-2023, shanxi-2013, national-2023, by-level-2014, five-tier-2023), or a cycle policy whose staff table is used: a preset id or a policy JSON file."
    )
    var policy: String = "tied-2023"

    @Flag(help: "The unit holds a provincial-or-higher collective award (省级以上集体奖励).")
    var award = false

    @Flag(help: "The unit's grade is final (otherwise the quota is provisional).")
    var final = false

    func run() async throws {
        // A roster policy id as before; otherwise a cycle policy (preset or file) whose staff table applies.
        let roster = PolicyLoader.rosterPolicyIds.contains(policy) ? nil : try RulesIO.cyclePolicy(policy).roster
        do {
            if let roster {
                let output = try RosterDryRun.run(
                    input: RulesIO.readStandardInput(),
                    unitGrade: unitGrade,
                    policy: roster,
                    award: award,
                    gradeIsFinal: final
                )
                RulesIO.write(RulesJSON.encode(output))
            } else {
                RulesIO.write(
                    try RosterDryRun.run(
                        input: RulesIO.readStandardInput(),
                        unitGrade: unitGrade,
                        policyId: policy,
                        award: award,
                        gradeIsFinal: final
                    )
                )
            }
        } catch {
            throw RulesIO.fail(error)
        }
    }
}
