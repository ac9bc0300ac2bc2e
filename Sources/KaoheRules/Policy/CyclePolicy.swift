/// 考核周期政策: the numbers SPEC.md calls policy defaults, as data the office may change per
/// cycle. Presets are `Resources/Policies/cycle-<id>.json` (PolicyLoader.cyclePresetIds); a
/// cycle's own policy is stored with the cycle (KaoheStore's CyclePolicyStore), versioned.
///
/// A preset file names its staff roster policy (`defaultRosterPolicy`); the decoded policy holds
/// that policy's numbers in `roster`, so a stored cycle policy is whole — the office may change the
/// staff quota table of one cycle without touching the preset.
public struct CyclePolicy: Sendable, Hashable, Codable {
    /// Preset id.
    public var id: String
    /// Chinese title.
    public var title: String
    /// Where the numbers come from.
    public var source: String
    /// Bands and cohort ratios.
    public var grading: GradingPolicy
    /// Spot-check rate, strata and seeds.
    public var spotCheck: SpotCheckPolicy
    /// When a re-check replaces the committee's assessment.
    public var recheck: RecheckPolicy
    /// 公示 lasts at least this many working days (5).
    public var publicityWorkingDays: Int
    /// Staff may ask for review within this many working days (10).
    public var staffReviewWorkingDays: Int
    /// The indicator scheme used unless the cycle names another.
    public var defaultScheme: String
    /// The roster policy used unless the cycle names another.
    public var defaultRosterPolicy: String
    /// Per county or per committee.
    public var defaultCohortScope: CohortScope
    /// 工作人员考核政策: the staff quota table, award bonus, tier limits and grade bounds.
    public var roster: RosterPolicy
    /// 专考委细化权重: a committee's indicator maxima within a committee-weighted scheme's ranges
    /// (篇十二: 履行职责 50–70, 创新创优 15–25, 综合测评 15–25), by committee id; a committee not
    /// named scores against the scheme's own maxima.
    public var committeeWeightings: [String: SchemeWeighting]?
    /// 县自定指标体系: the county's own indicator scheme (indicators, maximum points, caps), when it
    /// uploaded one; `defaultScheme` then names it (its id, which is not a built-in's). Nil: units
    /// are scored against the built-in scheme `defaultScheme`.
    public var scheme: IndicatorScheme?

    /// Creates a policy.
    public init(
        id: String,
        title: String,
        source: String,
        grading: GradingPolicy,
        spotCheck: SpotCheckPolicy,
        recheck: RecheckPolicy,
        publicityWorkingDays: Int,
        staffReviewWorkingDays: Int,
        defaultScheme: String,
        defaultRosterPolicy: String,
        defaultCohortScope: CohortScope,
        roster: RosterPolicy
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.grading = grading
        self.spotCheck = spotCheck
        self.recheck = recheck
        self.publicityWorkingDays = publicityWorkingDays
        self.staffReviewWorkingDays = staffReviewWorkingDays
        self.defaultScheme = defaultScheme
        self.defaultRosterPolicy = defaultRosterPolicy
        self.defaultCohortScope = defaultCohortScope
        self.roster = roster
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, source, grading, spotCheck, recheck, publicityWorkingDays, staffReviewWorkingDays
        case defaultScheme, defaultRosterPolicy, defaultCohortScope, roster, committeeWeightings, scheme
    }

    /// Decodes a policy; without `roster` (a preset file) the built-in roster policy named by
    /// `defaultRosterPolicy` is read in.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        source = try container.decode(String.self, forKey: .source)
        grading = try container.decode(GradingPolicy.self, forKey: .grading)
        spotCheck = try container.decode(SpotCheckPolicy.self, forKey: .spotCheck)
        recheck = try container.decode(RecheckPolicy.self, forKey: .recheck)
        publicityWorkingDays = try container.decode(Int.self, forKey: .publicityWorkingDays)
        staffReviewWorkingDays = try container.decode(Int.self, forKey: .staffReviewWorkingDays)
        defaultScheme = try container.decode(String.self, forKey: .defaultScheme)
        defaultCohortScope = try container.decode(CohortScope.self, forKey: .defaultCohortScope)
        committeeWeightings = try container.decodeIfPresent([String: SchemeWeighting].self, forKey: .committeeWeightings)
        scheme = try container.decodeIfPresent(IndicatorScheme.self, forKey: .scheme)
        if let roster = try container.decodeIfPresent(RosterPolicy.self, forKey: .roster) {
            self.roster = roster
            defaultRosterPolicy = try container.decodeIfPresent(String.self, forKey: .defaultRosterPolicy) ?? roster.id
        } else {
            let named = try container.decode(String.self, forKey: .defaultRosterPolicy)
            do { roster = try PolicyLoader.rosterPolicy(named) } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .defaultRosterPolicy,
                    in: container,
                    debugDescription: "没有名为“\(named)”的名册政策 / unknown roster policy \(named)"
                )
            }
            defaultRosterPolicy = named
        }
    }

    /// Checks the grading bands, the spot-check minimum, the day counts and the roster policy.
    public func validated() throws(SchemeError) -> CyclePolicy {
        _ = try grading.validated()
        do { _ = try roster.validated() } catch {
            throw SchemeError(
                scheme: id,
                issues: error.issues.map { FieldIssue(field: "roster.\($0.field)", rule: $0.rule, message: $0.message) }
            )
        }
        var issues: [FieldIssue] = []
        if spotCheck.minimumPercent.value < SpotCheckDraw.hardFloorPercent {
            issues.append(
                FieldIssue(
                    field: "spotCheck.minimumPercent",
                    rule: "minimum-rate",
                    message:
                        "抽查比例下限为\(spotCheck.minimumPercent),文件规定不低于\(SpotCheckDraw.hardFloorPercent)%,请改为\(SpotCheckDraw.hardFloorPercent)至100 / the minimum rate \(spotCheck.minimumPercent) is below the documents' \(SpotCheckDraw.hardFloorPercent)%; set \(SpotCheckDraw.hardFloorPercent)–100"
                )
            )
        }
        if spotCheck.defaultPercent < spotCheck.minimumPercent {
            issues.append(
                FieldIssue(
                    field: "spotCheck.defaultPercent",
                    rule: "minimum-rate",
                    message: "默认抽查比例低于下限 / default rate below the minimum"
                )
            )
        }
        if spotCheck.minimumDiceDigits < 1 || spotCheck.reviewersPerUnit < 1 {
            issues.append(FieldIssue(field: "spotCheck", rule: "positive", message: "须为正整数 / must be positive"))
        }
        if recheck.pointsThreshold <= .zero {
            issues.append(FieldIssue(field: "recheck.pointsThreshold", rule: "positive", message: "须大于0 / must be positive"))
        }
        if publicityWorkingDays < 1 || staffReviewWorkingDays < 1 {
            issues.append(FieldIssue(field: "publicityWorkingDays", rule: "positive", message: "工作日数须为正 / must be positive"))
        }
        guard issues.isEmpty else { throw SchemeError(scheme: id, issues: issues) }
        return self
    }
}

extension CyclePolicy {
    /// The scheme units are scored against: the county's own (`scheme`) when it names
    /// `defaultScheme`, else the built-in scheme `defaultScheme` (validated either way).
    public func indicatorScheme() throws(SchemeLoadError) -> IndicatorScheme {
        if let scheme, scheme.id == defaultScheme {
            do { return try scheme.validated() } catch { throw .invalid(error) }
        }
        return try SchemeLoader.builtIn(defaultScheme)
    }
}
