/// 政策边界: what the seed documents let a county change when it saves a cycle's policy. A policy
/// is always based on a preset (its `id`) and a built-in roster policy (`roster.id`); each bound is
/// a named rule, so a refusal says which document's limit was crossed:
///
/// - `policy.preset` / `policy.roster-preset`: the policy names a known preset;
/// - `policy.<rule>` for every check of `CyclePolicy.validated()` (band order, `minimum-rate`:
///   the spot check never below 10 % (篇十(四) 不低于10%), positive thresholds and day counts);
/// - `policy.excellent-cap`: the unit 优秀 cap never above the preset's document (篇十(五) 30 %);
/// - `policy.staff-excellent-cap` / `policy.award-bonus-cap`: the staff 优秀 ratio for each unit
///   grade, and the award bonus, never above the roster preset's (篇十三 第十九条, 000);
/// - `policy.floor`: the 合格 floor and the 优秀 cap fit in 100 % together;
/// - `policy.band-points`: every band's score fits the scheme's points (0 … its total);
/// - `policy.department-share-cap`: a department-tied 优秀 cap never above the county's cap;
/// - `policy.publicity-days`: 公示不少于5个工作日 (篇十(六));
/// - `policy.scheme` / `policy.scheme-id`: the scheme is a built-in one, or the county's own
///   (`scheme`), valid by `IndicatorScheme.validated()` (indicators summing to the total, each
///   group within its range, caps that fit the points) and with an id of its own;
/// - `policy.weights`: a committee's indicator weights only in a committee-weighted scheme, every
///   indicator given, each group within its range (篇十二: 履行职责 50–70, 创新创优 15–25, 综合测评
///   15–25), the whole the scheme's total (100).
public enum PolicyBounds {
    /// 公示 lasts at least this many working days (篇十(六), 000 四.4, 001 4.3).
    public static let minimumPublicityWorkingDays = 5

    /// Every bound `policy` crosses, against its preset and its scheme (`defaultScheme`, whose
    /// points the bands must fit and whose ranges the committees' weights); empty when it may be saved.
    public static func issues(_ policy: CyclePolicy) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        var scheme: IndicatorScheme?
        if let own = policy.scheme {
            // The county's own scheme: whole and valid, named by `defaultScheme`, and not posing as
            // a built-in one.
            do { scheme = try own.validated() } catch {
                issues += error.issues.map { FieldIssue(field: "scheme.\($0.field)", rule: "policy.scheme", message: $0.message) }
            }
            let wellFormed =
                own.id.utf8.count <= 40 && own.id.utf8.first.map { $0 != UInt8(ascii: "-") } == true
                && own.id.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
            if SchemeLoader.builtInIds.contains(own.id) || !wellFormed {
                issues.append(
                    FieldIssue(
                        field: "scheme.id",
                        rule: "policy.scheme-id",
                        message:
                            "自定指标体系须有自己的编号(小写字母、数字和连字符,不超过40个字符,如 county-990101-2027),不能与内置体系(\(SchemeLoader.builtInIds.joined(separator: "、")))同名 / a county scheme has an id of its own"
                    )
                )
            }
            if own.id != policy.defaultScheme {
                issues.append(
                    FieldIssue(
                        field: "defaultScheme",
                        rule: "policy.scheme-id",
                        message: "使用自定指标体系时,defaultScheme 须为其编号“\(own.id)” / defaultScheme names the county's scheme"
                    )
                )
            }
        } else {
            do { scheme = try SchemeLoader.builtIn(policy.defaultScheme) } catch {
                issues.append(
                    FieldIssue(
                        field: "defaultScheme",
                        rule: "policy.scheme",
                        message:
                            "没有名为“\(policy.defaultScheme)”的考核指标体系(可选:\(SchemeLoader.builtInIds.joined(separator: "、"))) / unknown scheme"
                    )
                )
            }
        }
        let schemeTotalPoints = scheme?.totalPoints ?? Score(points: 100)
        do { _ = try policy.validated() } catch {
            issues += error.issues.map {
                FieldIssue(field: $0.field, rule: RuleID(rawValue: "policy.\($0.rule.rawValue)"), message: $0.message)
            }
        }
        let preset: CyclePolicy
        do { preset = try PolicyLoader.cyclePreset(policy.id) } catch {
            issues.append(
                FieldIssue(
                    field: "id",
                    rule: "policy.preset",
                    message:
                        "考核政策须基于预设之一(\(PolicyLoader.cyclePresetIds.joined(separator: "、"))),“\(policy.id)”不是 / a policy is based on a preset"
                )
            )
            return issues
        }
        let grading = policy.grading
        if grading.excellentMaxPercent > preset.grading.excellentMaxPercent {
            issues.append(
                FieldIssue(
                    field: "grading.excellentMaxPercent",
                    rule: "policy.excellent-cap",
                    message:
                        "单位优秀等次占比上限\(grading.excellentMaxPercent)高于文件规定的\(preset.grading.excellentMaxPercent)(\(preset.title)) / above the document's cap"
                )
            )
        }
        if grading.excellentMaxPercent.value + grading.qualifiedMinPercent.value > 100 {
            issues.append(
                FieldIssue(
                    field: "grading.qualifiedMinPercent",
                    rule: "policy.floor",
                    message:
                        "合格等次下限\(grading.qualifiedMinPercent)与优秀上限\(grading.excellentMaxPercent)之和超过100% / the floor and the cap exceed 100 %"
                )
            )
        }
        for (index, band) in grading.bands.enumerated() where band.atLeast.isNegative || band.atLeast > schemeTotalPoints {
            issues.append(
                FieldIssue(
                    field: "grading.bands[\(index)].atLeast",
                    rule: "policy.band-points",
                    message: "\(band.grade.chinese)分数线\(band.atLeast)应在0至满分\(schemeTotalPoints)之间 / the band must fit the scheme's points"
                )
            )
        }
        for key in (grading.departmentShareCaps ?? [:]).keys.sorted() {
            if let cap = grading.departmentShareCaps?[key]?.excellentMaxPercent, cap > grading.excellentMaxPercent {
                issues.append(
                    FieldIssue(
                        field: "grading.departmentShareCaps.\(key).excellentMaxPercent",
                        rule: "policy.department-share-cap",
                        message: "部门挂钩的优秀占比\(cap)高于全县上限\(grading.excellentMaxPercent) / above the county's cap"
                    )
                )
            }
        }
        if policy.publicityWorkingDays < minimumPublicityWorkingDays {
            issues.append(
                FieldIssue(
                    field: "publicityWorkingDays",
                    rule: "policy.publicity-days",
                    message: "公示期不少于\(minimumPublicityWorkingDays)个工作日(篇十(六)),不能设为\(policy.publicityWorkingDays) / at least 5 working days"
                )
            )
        }
        for committee in (policy.committeeWeightings ?? [:]).keys.sorted() {
            guard let scheme else { break }
            do { _ = try scheme.weighted(policy.committeeWeightings![committee]!) } catch {
                issues += error.issues.map { issue in
                    FieldIssue(
                        field: "committeeWeightings.\(committee).\(issue.field)",
                        rule: "policy.weights",
                        message: "专考委“\(committee)”的指标权重:\(issue.message)"
                    )
                }
            }
        }
        let roster = policy.roster
        guard let rosterPreset = try? PolicyLoader.rosterPolicy(roster.id) else {
            issues.append(
                FieldIssue(
                    field: "roster.id",
                    rule: "policy.roster-preset",
                    message:
                        "工作人员考核政策须基于预设之一(\(PolicyLoader.rosterPolicyIds.joined(separator: "、"))),“\(roster.id)”不是 / a roster policy is based on a preset"
                )
            )
            return issues
        }
        for grade in UnitGrade.allCases {
            let key = grade.rawValue
            if let mine = roster.excellentPercentByUnitGrade[key], let theirs = rosterPreset.excellentPercentByUnitGrade[key], mine > theirs
            {
                issues.append(
                    FieldIssue(
                        field: "roster.excellentPercentByUnitGrade.\(key)",
                        rule: "policy.staff-excellent-cap",
                        message:
                            "单位为\(grade.chinese)时工作人员优秀比例\(mine)高于文件规定的\(theirs)(\(rosterPreset.title)) / above the document's ratio"
                    )
                )
            }
        }
        if roster.awardBonusPercent > rosterPreset.awardBonusPercent {
            issues.append(
                FieldIssue(
                    field: "roster.awardBonusPercent",
                    rule: "policy.award-bonus-cap",
                    message:
                        "集体奖励加成\(roster.awardBonusPercent)%高于文件规定的\(rosterPreset.awardBonusPercent)% / above the document's bonus"
                )
            )
        }
        return issues
    }
}
