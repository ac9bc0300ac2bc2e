import Foundation
import KaoheRules
import KaoheStore

/// 考核政策: the cycle's policy in words with what can still change, its versions, and for the
/// office the form that tries a change on the filings (试算) and saves it.
struct PolicyView: Sendable, FormPageView {
    var notice: FormNotice?
    var version: Int
    var title: String
    var source: String
    var setLine: String
    var words: DataTable
    var versions: DataTable
    var edit: Edit?
    var preview: Preview?
    /// The committee's own weights (专考委细化权重), for a committee account under a scheme whose
    /// committees set them.
    var weights: Weights?
    /// The county's own scheme (office): upload, download, go back to the built-in one.
    var schemeForm: SchemeForm?

    var tables: [DataTable] { [words, versions] + (preview.map { [$0.distribution, $0.changed] } ?? []) }

    static let doneMessages = [
        "save": "已保存为新版本,并记入审计记录;本周期此后按新政策计算。",
        "weights": "本专考委的指标权重已保存为政策新版本,并记入审计记录;评分时按此权重。",
        "scheme": "本县指标体系已保存为政策新版本,并记入审计记录;各专考委按此体系评分。",
    ]

    /// 专考委细化权重: each group with its range and its indicators' maxima.
    struct Weights: Sendable {
        var action: String
        var once: String
        var csrf: String
        var version: Int
        var committeeName: String
        var locked: String?
        var groups: [WeightGroup]
    }

    struct WeightGroup: Sendable {
        var name: String
        /// `50–70分` (or the fixed points).
        var range: String
        var fields: [WeightField]
    }

    struct WeightField: Sendable {
        /// `w_key_tasks`.
        var name: String
        var label: String
        var value: String
        var error: String?
    }

    /// 本县指标体系 (office).
    struct SchemeForm: Sendable {
        var action: String
        var download: String
        var once: String
        var csrf: String
        var version: Int
        var current: String
        var custom: Bool
        var locked: String?
    }

    /// The form: a preset, or the numbers; a locked part's fields are shown but not sent.
    struct Edit: Sendable {
        var tryAction: String
        var saveAction: String
        var once: String
        var csrf: String
        var version: Int
        var presets: [SelectOption]
        var gradingLocked: String?
        var rosterLocked: String?
        var spotCheckLocked: String?
        var scopes: [SelectOption]
        /// The built-in staff rules (`PolicyLoader.rosterPolicyIds`), the one in force selected.
        var rosterPresets: [SelectOption]
        /// Field → the value shown (the policy in force, or what was typed).
        var values: [String: String]
    }

    /// 试算: the grades under the policy tried beside those under the policy in force.
    struct Preview: Sendable {
        var summary: String
        var distribution: DataTable
        var changed: DataTable
        var bounds: [String]
    }

    /// The form's fields with the policy's values.
    static func values(_ policy: CyclePolicy) -> [String: String] {
        var values = [
            "excellentMax": String(policy.grading.excellentMaxPercent.value),
            "qualifiedMin": String(policy.grading.qualifiedMinPercent.value),
            "scope": policy.defaultCohortScope.rawValue,
            "recheckPoints": policy.recheck.pointsThreshold.compactDescription,
            "publicityDays": String(policy.publicityWorkingDays),
            "reviewDays": String(policy.staffReviewWorkingDays),
            "awardBonus": String(policy.roster.awardBonusPercent),
            "spotDefault": String(policy.spotCheck.defaultPercent.value),
        ]
        for grade in UnitGrade.allCases {
            values["staff_" + grade.rawValue] = String(policy.roster.excellentPercentByUnitGrade[grade.rawValue]?.value ?? 0)
        }
        return values
    }

    mutating func place(_ notice: FormNotice) {
        self.notice = notice
        if notice.refused, notice.form == "weights", var weights {
            weights.groups = weights.groups.map { group in
                var group = group
                group.fields = group.fields.map { field in
                    var field = field
                    field.value = notice.values[field.name] ?? field.value
                    field.error = notice.errors[field.name]
                    return field
                }
                return group
            }
            self.weights = weights
        }
        guard notice.refused, notice.form == "save", var form = edit else { return }
        for (key, value) in notice.values where form.values[key] != nil || key == "reason" {
            form.values[key] = value
        }
        let preset = notice.values["preset"] ?? ""
        let scope = notice.values["scope"] ?? form.values["scope"] ?? ""
        form.presets = form.presets.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == preset) }
        form.scopes = form.scopes.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == scope) }
        if let roster = notice.values["rosterPreset"] {
            form.rosterPresets = form.rosterPresets.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == roster) }
        }
        edit = form
    }

    static func build(
        page: CyclePage,
        current: CyclePolicyStore.Current,
        history: [CyclePolicyStore.Version],
        committeeNames: [String: String]
    ) -> PolicyView {
        let base = page.base
        let cycle = page.cycle.definition.cycle
        let v = current.current
        let policy = v.policy
        let words = DataTable(
            id: "policy",
            title: "政策内容",
            fileName: "考核政策-\(cycle)",
            header: ["项目", "内容", "能否修改"],
            rows: PolicyWords(policy, committeeNames: committeeNames).lines.map { line in
                DataRow([DataCell(line.label), DataCell(line.text), DataCell(current.locked[line.part] ?? "可修改(\(lockStep(line.part))之前)")])
            },
            downloadBase: base + "/policy"
        )
        let versions = DataTable(
            id: "versions",
            title: "政策版本",
            fileName: "考核政策版本-\(cycle)",
            header: ["版本", "预设", "修改人", "时间", "理由"],
            rows: history.map { h in
                DataRow([
                    .number(h.version), DataCell(h.policy.title), DataCell(h.setBy ?? ""), h.setAt.map(DataCell.time) ?? DataCell(""),
                    DataCell(h.reason),
                ])
            },
            downloadBase: base + "/policy",
            emptyText: "本周期按内置默认政策执行,尚未保存过政策。"
        )
        var edit: Edit?
        if page.policy.actAsOffice(county: page.county.code) == .allowed {
            edit = Edit(
                tryAction: base + "/policy/try",
                saveAction: base + "/policy/save",
                once: FormOnce.newToken(),
                csrf: page.session.csrfToken,
                version: v.version,
                presets: [SelectOption(value: "", label: "保持现行政策,按下面填写的数字调整", selected: true)]
                    + PolicyLoader.cyclePresetIds.compactMap { id in
                        (try? PolicyLoader.cyclePreset(id)).map { SelectOption(value: id, label: "改用预设:\($0.title)") }
                    },
                gradingLocked: current.locked[.grading],
                rosterLocked: current.locked[.roster],
                spotCheckLocked: current.locked[.spotCheck],
                scopes: [
                    SelectOption(value: "county", label: "全县统一计算", selected: policy.defaultCohortScope == .county),
                    SelectOption(value: "committee", label: "按专业考核委员会分别计算", selected: policy.defaultCohortScope == .committee),
                ],
                rosterPresets: PolicyLoader.rosterPolicyIds.compactMap { id in
                    (try? PolicyLoader.rosterPolicy(id)).map { SelectOption(value: id, label: $0.title, selected: id == policy.roster.id) }
                },
                values: values(policy)
            )
        }
        var weights: Weights?
        if page.principal.role == .committee, let committee = page.principal.committee,
            let scheme = try? policy.indicatorScheme(), scheme.committeeWeighted
        {
            let chosen = policy.committeeWeightings?[committee]?.indicatorMax ?? [:]
            weights = Weights(
                action: base + "/policy/weights",
                once: FormOnce.newToken(),
                csrf: page.session.csrfToken,
                version: v.version,
                committeeName: committeeNames[committee] ?? committee,
                locked: current.locked[.weighting],
                groups: scheme.groups.map { group in
                    WeightGroup(
                        name: group.name,
                        range: group.range.map { "\($0.min.compactDescription)–\($0.max.compactDescription)分" }
                            ?? "\(group.max.compactDescription)分",
                        fields: scheme.indicators.filter { $0.group == group.id }.map { indicator in
                            WeightField(
                                name: "w_" + indicator.id,
                                label: indicator.name,
                                value: (chosen[indicator.id] ?? indicator.max).compactDescription
                            )
                        }
                    )
                }
            )
        }
        var schemeForm: SchemeForm?
        if page.policy.actAsOffice(county: page.county.code) == .allowed {
            let scheme = try? policy.indicatorScheme()
            schemeForm = SchemeForm(
                action: base + "/policy/scheme",
                download: base + "/policy/scheme.json",
                once: FormOnce.newToken(),
                csrf: page.session.csrfToken,
                version: v.version,
                current: scheme.map { "“\($0.title)”(\($0.id))" } ?? policy.defaultScheme,
                custom: policy.scheme != nil,
                locked: current.locked[.weighting]
            )
        }
        let set = v.setAt.map {
            "第\(v.version)版由\(v.setBy ?? "")于\(ChineseTime.dateTime($0))保存" + (v.reason.isEmpty ? "。" : ",理由:\(v.reason)。")
        }
        return PolicyView(
            version: v.version,
            title: policy.title,
            source: policy.source,
            setLine: set ?? "本周期按内置默认政策执行。",
            words: words,
            versions: versions,
            edit: edit,
            weights: weights,
            schemeForm: schemeForm
        )
    }

    /// The step before which a part may change.
    static func lockStep(_ part: CyclePolicy.Part) -> String {
        switch part {
        case .grading: "拟定考核等次"
        case .roster: "名册开始报送"
        case .spotCheck: "冻结抽样总体"
        case .weighting: "专考委开始评分"
        }
    }

    /// The dry run as the page shows it.
    static func preview(_ result: PolicyDryRun, base: String, cycle: CycleID) -> Preview {
        let (before, after) = result.distribution
        let distribution = DataTable(
            id: "try-distribution",
            title: "试算:各等次单位数",
            fileName: "政策试算-等次分布-\(cycle)",
            header: ["等次", "现行政策", "试算政策"],
            rows: UnitGrade.allCases.map { DataRow([DataCell($0.chinese), .number(before[$0] ?? 0), .number(after[$0] ?? 0)]) },
            downloadBase: nil
        )
        let changed = DataTable(
            id: "try-changed",
            title: "试算:等次会变化的单位",
            fileName: "政策试算-变化单位-\(cycle)",
            header: ["单位", "专考委", "综合得分", "现行政策", "试算政策"],
            rows: result.changed.map { unit in
                DataRow([
                    DataCell(unit.code.rawValue, href: base + "/units/" + unit.code.rawValue, kind: "code"), DataCell(unit.committee),
                    .number(unit.total.description), DataCell(unit.inForce?.chinese ?? "—"), DataCell(unit.tried.chinese),
                ])
            },
            downloadBase: nil,
            emptyText: "按试算政策,没有单位的等次会变化。"
        )
        var summary = "按本周期现有的评分,\(result.units.count)个单位参与试算,\(result.changed.count)个单位的等次会变化"
        if result.conflictsTried > 0 || result.conflictsInForce > 0 {
            summary += ";需要研判的并列:现行政策下\(result.conflictsInForce)处,试算政策下\(result.conflictsTried)处"
        }
        if !result.ungraded.isEmpty { summary += ";另有\(result.ungraded.count)个单位尚无评分" }
        return Preview(
            summary: summary + "。试算不保存任何内容。",
            distribution: distribution,
            changed: changed,
            bounds: result.bounds.map { ChineseText.of($0.message) }
        )
    }
}
