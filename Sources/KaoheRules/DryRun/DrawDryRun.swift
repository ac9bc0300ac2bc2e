public import Foundation

/// `kaohe rules draw`: the spot-check draw from JSON `{"units":[{"code","committee"}]}`; output
/// `populationHash` and `selected` as `[{"code","committee","ticket"}]` in ticket order within
/// each stratum (strata by name), plus the record's other fields.
public enum DrawDryRun {
    /// Runs the draw with the default cycle policy's spot-check rules.
    public static func run(input: Data, seed: String, percent: Int?, strata: Stratification?) throws(DryRunError) -> Data {
        let policy: SpotCheckPolicy
        do { policy = try PolicyLoader.defaultCyclePolicy().spotCheck } catch {
            throw DryRunError(field: "policy", rule: "policy", message: error.description)
        }
        return RulesJSON.encode(try run(input: input, seed: seed, percent: percent, strata: strata, policy: policy))
    }

    /// Runs the draw under an explicit policy.
    public static func run(
        input: Data,
        seed: String,
        percent: Int?,
        strata: Stratification?,
        policy: SpotCheckPolicy
    )
        throws(DryRunError) -> SpotCheckSelection
    {
        let drawSeed: DrawSeed
        do { drawSeed = try DrawSeed(seed, minimumDiceDigits: policy.minimumDiceDigits) } catch {
            throw DryRunError(field: "--seed", rule: "seed-format", message: error.description)
        }
        var rate = policy.defaultPercent
        if let percent {
            do { rate = try Percentage(percent) } catch {
                throw DryRunError(field: "--percent", rule: "percent-range", message: error.description)
            }
        }
        let request: DrawDryRunInput
        do { request = try RulesJSON.decode(DrawDryRunInput.self, from: input, name: "stdin") } catch {
            throw DryRunError(error)
        }
        var issues: [FieldIssue] = []
        var units: [DrawUnit] = []
        for (index, unit) in request.units.enumerated() {
            do {
                units.append(DrawUnit(code: try unit.code.validated(), committee: unit.committee))
            } catch {
                issues.append(FieldIssue(field: "units[\(index)].code", rule: error.rule.identifier, message: error.description))
            }
            if unit.committee.trimmingSpaces().isEmpty {
                issues.append(FieldIssue(field: "units[\(index)].committee", rule: "required", message: "缺少专考委 / committee required"))
            }
        }
        guard issues.isEmpty else { throw DryRunError(issues: issues) }
        do {
            return try SpotCheckDraw.draw(
                population: units,
                seed: drawSeed,
                percent: rate,
                strata: strata ?? policy.defaultStrata,
                policy: policy
            )
        } catch {
            throw DryRunError(field: error.field, rule: error.rule, message: error.message)
        }
    }
}

/// Input of `kaohe rules draw`.
public struct DrawDryRunInput: Sendable, Codable {
    /// One enrolled unit.
    public struct Unit: Sendable, Codable {
        /// 统一社会信用代码.
        public var code: UnitCode
        /// 专考委.
        public var committee: String
    }

    /// The population.
    public var units: [Unit]
}
