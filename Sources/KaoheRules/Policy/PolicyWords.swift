/// A cycle policy in words, for the cycle page: one line per part, in Chinese, with the step until
/// which the office may still change it.
public struct PolicyWords: Sendable, Hashable, Codable {
    /// One part of the policy.
    public struct Line: Sendable, Hashable, Codable {
        /// 单位等次、比例控制 …
        public var label: String
        /// The numbers in a sentence.
        public var text: String
        /// Which part of the policy (`grading`, `roster`, `spotCheck`), for the lock.
        public var part: CyclePolicy.Part
    }

    /// The lines, in the order the cycle uses them.
    public var lines: [Line]

    /// The words for `policy`; a committee's weights name it by `committeeNames` where given.
    public init(_ policy: CyclePolicy, committeeNames: [String: String] = [:]) {
        let g = policy.grading
        let bands = g.bands.map { "\($0.grade.chinese)\($0.atLeast.compactDescription)分(含)以上" }.joined(separator: "、")
        var ratios = "优秀不超过\(g.excellentMaxPercent)"
        ratios += g.qualifiedMinPercent.value > 0 ? ",合格不低于\(g.qualifiedMinPercent)" : ",合格及以下据实确定(无下限)"
        ratios += policy.defaultCohortScope == .county ? ",全县统一计算" : ",按专业考核委员会分别计算"
        var ceilings: [String] = []
        for grade in DepartmentGrade.allCases {
            if let ceiling = g.ceiling(for: grade) { ceilings.append("部门\(grade.chinese)的单位最高\(ceiling.chinese)") }
            if let cap = g.shareCap(for: grade) {
                var caps: [String] = []
                if let e = cap.excellentMaxPercent { caps.append("优秀不超过\(e)") }
                if let good = cap.goodMaxPercent { caps.append("良好不超过\(good)") }
                if !caps.isEmpty { ceilings.append("部门\(grade.chinese)的单位" + caps.joined(separator: "、")) }
            }
        }
        var recheck = "核验与专考委评分相差\(policy.recheck.pointsThreshold.compactDescription)分及以上"
        if policy.recheck.onPoorCountDifference { recheck += "或“差”的个数不同" }
        recheck += "时,以核验结果为准"
        let r = policy.roster
        let quota = UnitGrade.allCases.map { grade in
            "单位\(grade.chinese)\(r.excellentPercentByUnitGrade[grade.rawValue] ?? Percentage(uncheckedValue: 0))"
        }.joined(separator: "、")
        var staff = "工作人员优秀比例:\(quota)"
        if r.awardBonusPercent > 0 { staff += ";获省级以上集体奖励的加\(r.awardBonusPercent)%" }
        for limit in r.tierLimits {
            if let max = limit.maxPercent { staff += ";\(limit.name)不超过\(max)" }
            if let min = limit.minPercent { staff += ";\(limit.name)不低于\(min)" }
        }
        for category in r.categoryLimits ?? [] {
            let limits = category.limits.flatMap { limit in
                [limit.maxPercent.map { "\(limit.name)不超过\($0)" }, limit.minPercent.map { "\(limit.name)不低于\($0)" }].compactMap { $0 }
            }
            staff += ";\(category.name)单独计算,\(limits.joined(separator: "、"))"
        }
        let b = r.bounds
        let tiers = b.goodMinScore == nil ? "优秀、合格、基本合格、不合格四个等次" : "优秀、良好、合格、基本合格、不合格五个等次"
        let scoreLines = [
            ("优秀", Optional(b.excellentMinScore)), ("良好", b.goodMinScore), ("合格", Optional(b.competentMinScore)),
            ("基本合格", Optional(b.basicMinScore)),
        ]
        staff +=
            ";设\(tiers)(测评分"
            + scoreLines.compactMap { name, score in score.map { "\(name)≥\($0.compactDescription)" } }.joined(separator: "、") + ")"
        staff += ";领导班子成员和主要负责人由主管部门考核,不占单位名额"
        let strata = policy.spotCheck.defaultStrata == .committee ? "按专业考核委员会分层" : "全县统一抽取"
        lines = [
            Line(label: "分数段", text: bands + ",其余为较差", part: .grading),
            Line(label: "等次比例", text: ratios, part: .grading),
            Line(label: "部门挂钩", text: ceilings.isEmpty ? "不设" : ceilings.joined(separator: ";"), part: .grading),
            Line(label: "核验替换", text: recheck, part: .grading),
            Line(
                label: "公示与复核",
                text: "公示不少于\(policy.publicityWorkingDays)个工作日;工作人员可在\(policy.staffReviewWorkingDays)个工作日内申请复核",
                part: .grading
            ),
            Line(label: "工作人员名额", text: staff, part: .roster),
            Line(label: "考核指标", text: Self.scheme(policy), part: .weighting),
            Line(
                label: "指标权重",
                text: Self.weightings(policy.committeeWeightings, scheme: try? policy.indicatorScheme(), committeeNames: committeeNames),
                part: .weighting
            ),
            Line(
                label: "随机抽查",
                text:
                    "抽取不低于\(policy.spotCheck.minimumPercent)的单位(默认\(policy.spotCheck.defaultPercent)),\(strata),每个单位\(policy.spotCheck.reviewersPerUnit)名核验人员",
                part: .spotCheck
            ),
        ]
    }
}

extension PolicyWords {
    /// `县自定指标体系“…”:3个一级指标、12个二级指标,总分100分` or the built-in scheme's title.
    static func scheme(_ policy: CyclePolicy) -> String {
        guard let scheme = try? policy.indicatorScheme() else { return "指标体系“\(policy.defaultScheme)”无法读取" }
        let shape = "\(scheme.groups.count)个一级指标、\(scheme.indicators.count)个二级指标,总分\(scheme.totalPoints.compactDescription)分"
        let ranges = scheme.committeeWeighted ? ",各专考委可在范围内细化权重" : ""
        return (policy.scheme == nil ? "“\(scheme.title)”" : "县自定指标体系“\(scheme.title)”") + ":" + shape + ranges
    }

    /// Per committee its groups' weights (`教育专考委:履行职责70分、创新创优15分、综合测评15分`), or that
    /// the scheme's own maxima apply.
    static func weightings(_ weightings: [String: SchemeWeighting]?, scheme: IndicatorScheme?, committeeNames: [String: String]) -> String {
        guard let weightings, !weightings.isEmpty else { return "各专考委按指标体系的分值评分" }
        return weightings.keys.sorted().map { committee in
            let name = committeeNames[committee] ?? "专考委(\(committee))"
            guard let weighted = try? scheme?.weighted(weightings[committee]!) else { return "\(name):权重不符合指标体系" }
            return name + ":" + weighted.groups.map { "\($0.name)\($0.max.compactDescription)分" }.joined(separator: "、")
        }.joined(separator: ";")
    }
}

extension CyclePolicy {
    /// The parts of a policy, each changeable until the step that uses it.
    public enum Part: String, Sendable, Hashable, Codable, CaseIterable {
        /// Bands, unit ratios and their scope, department ties, the re-check override and the day
        /// counts: until the grading proposal.
        case grading
        /// The staff quota table, award bonus, tier limits and bounds: until rosters open.
        case roster
        /// The spot-check rates, strata and reviewers: until the population is frozen.
        case spotCheck
        /// The indicator scheme (built-in or the county's own) and the committees' indicator weights:
        /// until committees may score (the assessment step opens).
        case weighting

        /// 单位等次 / 工作人员名额 / 随机抽查.
        public var chinese: String {
            switch self {
            case .grading: "单位等次"
            case .roster: "工作人员名额"
            case .spotCheck: "随机抽查"
            case .weighting: "考核指标与权重"
            }
        }
    }

    /// The parts in which `other` differs from this policy (the preset's title and source aside).
    public func changedParts(to other: CyclePolicy) -> [Part] {
        var parts: [Part] = []
        if grading != other.grading || recheck != other.recheck || defaultCohortScope != other.defaultCohortScope
            || publicityWorkingDays != other.publicityWorkingDays || staffReviewWorkingDays != other.staffReviewWorkingDays
        {
            parts.append(.grading)
        }
        if roster != other.roster { parts.append(.roster) }
        if spotCheck != other.spotCheck { parts.append(.spotCheck) }
        if (committeeWeightings ?? [:]) != (other.committeeWeightings ?? [:]) || defaultScheme != other.defaultScheme
            || scheme != other.scheme
        {
            parts.append(.weighting)
        }
        return parts
    }
}
