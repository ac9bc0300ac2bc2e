/// 考核周期政策: the numbers SPEC.md calls policy defaults, as data the office may change per
/// cycle (`Resources/Policies/cycle-default.json`).
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
        defaultCohortScope: CohortScope
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
    }

    /// Checks the grading bands, the spot-check minimum and the day counts.
    public func validated() throws(SchemeError) -> CyclePolicy {
        _ = try grading.validated()
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
