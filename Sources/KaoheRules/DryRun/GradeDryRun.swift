public import Foundation

/// `kaohe rules grade`: grades units from JSON exactly as a cycle would, for the office to try a
/// policy before it goes live.
///
/// Input: `{"units":[{"code","committee","scores":{id:number},"qualitative":{id:"good"|"fair"|"poor"},
/// "additions":number,"deductions":number,"veto":bool}], "decisions":[…]}` (optional per unit:
/// `notAssigned` ids, itemised `awards`; optional `decisions` resolving tie conflicts).
/// Output: per unit `code`, `total`, `band`, `grade`, `reasons`, plus `conflicts`.
public enum GradeDryRun {
    /// Runs the dry run with the built-in scheme `schemeId` and the default cycle policy.
    public static func run(input: Data, schemeId: String, scope: CohortScope) throws(DryRunError) -> Data {
        let scheme: IndicatorScheme
        let policy: CyclePolicy
        do {
            scheme = try SchemeLoader.builtIn(schemeId)
            policy = try PolicyLoader.defaultCyclePolicy()
        } catch {
            throw DryRunError(field: "--scheme", rule: "unknown-scheme", message: error.description)
        }
        return RulesJSON.encode(try run(input: input, scheme: scheme, grading: policy.grading, scope: scope))
    }

    /// Runs the dry run with an explicit scheme and grading policy.
    public static func run(
        input: Data,
        scheme: IndicatorScheme,
        grading: GradingPolicy,
        scope: CohortScope
    )
        throws(DryRunError) -> GradeDryRunOutput
    {
        let request: GradeDryRunInput
        do { request = try RulesJSON.decode(GradeDryRunInput.self, from: input, name: "stdin") } catch {
            throw DryRunError(error)
        }
        var issues: [FieldIssue] = []
        var units: [UnitForGrading] = []
        var seen = Set<UnitCode>()
        for (index, unit) in request.units.enumerated() {
            let prefix = "units[\(index)]"
            var code = unit.code
            do { code = try unit.code.validated() } catch {
                issues.append(FieldIssue(field: "\(prefix).code", rule: error.rule.identifier, message: error.description))
            }
            if !seen.insert(code).inserted {
                issues.append(FieldIssue(field: "\(prefix).code", rule: "duplicate-unit", message: "单位“\(code)”重复 / duplicate unit"))
            }
            if unit.committee.trimmingSpaces().isEmpty {
                issues.append(FieldIssue(field: "\(prefix).committee", rule: "required", message: "缺少专考委 / committee required"))
            }
            let sheet = UnitScoreSheet(
                scores: unit.scores,
                qualitative: unit.qualitative,
                notAssigned: Set(unit.notAssigned ?? []),
                awards: unit.awards,
                additions: unit.additions.map { [ScoreAdjustment(points: $0, reason: "试算加分 / dry-run additions")] } ?? [],
                deductions: unit.deductions.map { [ScoreAdjustment(points: $0, reason: "试算减分 / dry-run deductions")] } ?? []
            )
            do {
                let assessed = try scheme.assess(sheet)
                units.append(
                    UnitForGrading(
                        code: code,
                        committee: unit.committee,
                        assessed: assessed,
                        vetoEvents: unit.veto == true ? ["一票否决 / veto recorded"] : [],
                        departmentGrade: unit.departmentGrade
                    )
                )
            } catch {
                issues += error.issues.map { FieldIssue(field: "\(prefix).\($0.field)", rule: $0.rule, message: $0.message) }
            }
        }
        if request.units.isEmpty {
            issues.append(FieldIssue(field: "units", rule: "required", message: "没有待评定的单位 / no units given"))
        }
        guard issues.isEmpty else { throw DryRunError(issues: issues) }
        let proposal: CohortProposal
        do {
            proposal = try CohortEnforcement(policy: grading, scope: scope).propose(units, decisions: request.decisions ?? [])
        } catch {
            throw DryRunError(field: "decisions[\(error.index)]", rule: error.rule, message: error.message)
        }
        let distribution = proposal.distribution
        return GradeDryRunOutput(
            scheme: scheme.id,
            scope: scope,
            units: proposal.units,
            conflicts: proposal.conflicts,
            distribution: Dictionary(uniqueKeysWithValues: UnitGrade.allCases.map { ($0.rawValue, distribution[$0] ?? 0) })
        )
    }
}

/// Input of `kaohe rules grade`.
public struct GradeDryRunInput: Sendable, Codable {
    /// One unit's filing.
    public struct Unit: Sendable, Codable {
        /// 统一社会信用代码.
        public var code: UnitCode
        /// 专考委.
        public var committee: String
        /// 定量指标得分.
        public var scores: [String: Score]
        /// 定性指标评价.
        public var qualitative: [String: QualitativeRating]
        /// 加分合计.
        public var additions: Score?
        /// 减分合计.
        public var deductions: Score?
        /// 一票否决.
        public var veto: Bool?
        /// 未承担的指标 (e.g. `["key_tasks"]`).
        public var notAssigned: [String]?
        /// 创先争优 award itemisation.
        public var awards: [AwardClaim]?
        /// 主管部门年度综合考核结果.
        public var departmentGrade: DepartmentGrade?
    }

    /// The units.
    public var units: [Unit]
    /// Recorded decisions resolving tie conflicts.
    public var decisions: [TieDecision]?
}

/// Output of `kaohe rules grade`.
public struct GradeDryRunOutput: Sendable, Codable {
    /// The scheme used.
    public var scheme: String
    /// The cohort scope.
    public var scope: CohortScope
    /// Per unit: code, committee, total, band, grade, reasons.
    public var units: [GradeProposal]
    /// Ties awaiting the office's decision.
    public var conflicts: [CohortConflict]
    /// Count per grade.
    public var distribution: [String: Int]
}
