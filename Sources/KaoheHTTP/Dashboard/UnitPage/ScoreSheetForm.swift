import Foundation
import KaoheRules
import KaoheStore

/// 专考委考核评分表 on the unit page: the cycle's scheme as a form for the unit's committee —
/// 定性 points rated 好/中/差, each 定量 indicator with its maximum (未承担 where the scheme allows
/// it), 创先争优 itemised by award (where the scheme caps awards by level), and 加分/减分 with their
/// reasons — filled with the latest filed sheet, or with what was
/// typed when the server refused it, each refusal beside its field. The field names are the score
/// sheet's own paths (`scores.key_tasks`, `qualitative.political`, `awards[0].level`,
/// `additions[0].points`), which are
/// also the `field` of the scheme's refusals.
struct ScoreSheetForm: Sendable {
    /// Whose sheet: the unit's committee (专考委考核) or an assigned reviewer (核验, the spot check's
    /// second evaluation).
    enum Kind: String, Sendable {
        case assessment
        case recheck

        /// The section's heading.
        var heading: String { self == .assessment ? "专考委考核评分表" : "核验评分表(实地二次评价)" }
        /// The form's button.
        var submitLabel: String { self == .assessment ? "报送评分" : "报送核验评分" }
        /// The path below the unit.
        var path: String { rawValue }
    }

    var kind: String
    var heading: String
    var submitLabel: String
    /// What the sheet is for, in a sentence.
    var intro: String
    var action: String
    var csrf: String
    /// This rendering's `_once` token (``FormOnce``).
    var once: String
    var schemeTitle: String
    var qualitative: [Point]
    var groups: [Group]
    /// 创先争优获奖明细, when the scheme counts awards by level.
    var awards: Awards?
    var additions: [Adjustment]
    var deductions: [Adjustment]
    var additionsMax: String
    var deductionsMax: String
    /// Every refusal, for the summary above the form.
    var errors: [String]
    var hasErrors: Bool
    /// The totals the server computed for 计算合计 (nothing filed), shown above the 报送 button.
    var preview: String?

    /// How many 加分 and 减分 rows the form offers.
    static let adjustmentRows = 3
    /// How many award rows the form offers.
    static let awardRows = 4

    /// 创先争优 itemised: each award's achievement, level and points; the indicator's score is
    /// their sum (filled in by the server when left blank).
    struct Awards: Sendable {
        var indicatorName: String
        /// `国家级不超过 10 分、省级不超过 6 分…`.
        var caps: String
        var rows: [Award]
    }

    struct Award: Sendable {
        var achievementField: String
        var levelField: String
        var pointsField: String
        var achievement: String
        var levels: [SelectOption]
        var points: String
        var error: String?
    }

    struct Point: Sendable {
        var field: String
        var name: String
        var options: [SelectOption]
        var error: String?
    }

    struct Group: Sendable {
        var name: String
        var max: String
        var indicators: [Row]
    }

    struct Row: Sendable {
        var field: String
        var name: String
        var max: String
        var value: String
        var error: String?
        /// The 未承担 checkbox, where the scheme lets the indicator's points move elsewhere.
        var notAssigned: NotAssigned?
    }

    struct NotAssigned: Sendable {
        var field: String
        var checked: Bool
        var movesTo: String
    }

    struct Adjustment: Sendable {
        var pointsField: String
        var reasonField: String
        var points: String
        var reason: String
        var error: String?
    }

    /// The form's values by field name: a filed sheet as the form shows it.
    static func values(of sheet: UnitScoreSheet) -> [String: String] {
        var values: [String: String] = [:]
        for (id, score) in sheet.scores { values["scores.\(id)"] = points(score) }
        for (id, rating) in sheet.qualitative { values["qualitative.\(id)"] = rating.rawValue }
        for id in sheet.notAssigned { values["notAssigned.\(id)"] = "on" }
        for (index, award) in (sheet.awards ?? []).enumerated() {
            values["awards[\(index)].achievement"] = award.achievement
            values["awards[\(index)].level"] = award.level.rawValue
            values["awards[\(index)].points"] = points(award.points)
        }
        for (kind, items) in [("additions", sheet.additions), ("deductions", sheet.deductions)] {
            for (index, item) in items.enumerated() {
                values["\(kind)[\(index)].points"] = points(item.points)
                values["\(kind)[\(index)].reason"] = item.reason
            }
        }
        return values
    }

    /// The sheet the form's `values` describe, or the fields that cannot be read (a score that is
    /// no number) with their messages. What the scheme says of the sheet is for `assess`.
    static func sheet(from values: [String: String], scheme: IndicatorScheme) -> (UnitScoreSheet?, [String: String]) {
        var errors: [String: String] = [:]
        func score(_ field: String, _ text: String) -> Score? {
            do { return try Score(parsing: text.trimmingBlanks()) } catch {
                errors[field] = "“\(text)”不是有效的分数(最多两位小数,如 18.5)"
                return nil
            }
        }
        var scores: [String: Score] = [:]
        var notAssigned: Set<String> = []
        for indicator in scheme.indicators {
            if values["notAssigned.\(indicator.id)"] == "on" { notAssigned.insert(indicator.id) }
            let field = "scores.\(indicator.id)"
            if let text = values[field], !text.trimmingBlanks().isEmpty, let parsed = score(field, text) { scores[indicator.id] = parsed }
        }
        var qualitative: [String: QualitativeRating] = [:]
        for point in scheme.qualitative {
            if let rating = values["qualitative.\(point.id)"].flatMap(QualitativeRating.init(rawValue:)) { qualitative[point.id] = rating }
        }
        func adjustments(_ kind: String) -> [ScoreAdjustment] {
            (0..<adjustmentRows).compactMap { index in
                let points = values["\(kind)[\(index)].points"]?.trimmingBlanks() ?? ""
                let reason = values["\(kind)[\(index)].reason"]?.trimmingBlanks() ?? ""
                guard !points.isEmpty || !reason.isEmpty else { return nil }
                let field = "\(kind)[\(index)].points"
                guard let parsed = points.isEmpty ? Score.zero : score(field, points) else { return nil }
                return ScoreAdjustment(points: parsed, reason: reason)
            }
        }
        // 创先争优: the rows filled in (any of their three fields); the indicator's score, when left
        // blank, is their sum — the scheme then checks each level's cap and the achievements.
        var awards: [AwardClaim]?
        if let caps = scheme.awards {
            let claims = (0..<awardRows).compactMap { index -> AwardClaim? in
                let (achievementField, levelField, pointsField) = (
                    "awards[\(index)].achievement", "awards[\(index)].level", "awards[\(index)].points"
                )
                let achievement = values[achievementField]?.trimmingBlanks() ?? ""
                let levelText = values[levelField]?.trimmingBlanks() ?? ""
                let pointsText = values[pointsField]?.trimmingBlanks() ?? ""
                guard !achievement.isEmpty || !levelText.isEmpty || !pointsText.isEmpty else { return nil }
                let level = AwardLevel(rawValue: levelText) ?? AwardLevel.allCases.first { $0.chinese == levelText }
                if level == nil { errors[levelField] = "请选择奖励级别(国家级、省级、市级或县级)" }
                if pointsText.isEmpty { errors[pointsField] = "请填写该项奖励的分值" }
                guard let level, !pointsText.isEmpty, let parsed = score(pointsField, pointsText) else { return nil }
                return AwardClaim(achievement: achievement, level: level, points: parsed)
            }
            if !claims.isEmpty {
                awards = claims
                if scores[caps.indicator] == nil, values["notAssigned.\(caps.indicator)"] != "on" {
                    scores[caps.indicator] = claims.reduce(Score.zero) { $0 + $1.points }
                }
            }
        }
        let sheet = UnitScoreSheet(
            scores: scores,
            qualitative: qualitative,
            notAssigned: notAssigned,
            awards: awards,
            additions: adjustments("additions"),
            deductions: adjustments("deductions")
        )
        return (errors.isEmpty ? sheet : nil, errors)
    }

    /// The form for `scheme`, filled with `values`, each of `errors` (by field) beside its field.
    static func make(
        scheme: IndicatorScheme,
        values: [String: String],
        errors: [String: String],
        kind: Kind,
        unitBase: String,
        csrf: String
    ) -> ScoreSheetForm {
        let ratings: [(QualitativeRating, String)] = [(.good, "好"), (.fair, "中"), (.poor, "差")]
        func adjustmentRows(_ kind: String) -> [Adjustment] {
            (0..<Self.adjustmentRows).map { index in
                let points = "\(kind)[\(index)].points"
                let reason = "\(kind)[\(index)].reason"
                return Adjustment(
                    pointsField: points,
                    reasonField: reason,
                    points: values[points] ?? "",
                    reason: values[reason] ?? "",
                    error: errors[points] ?? errors[reason]
                )
            }
        }
        var additions = adjustmentRows("additions")
        var deductions = adjustmentRows("deductions")
        // A cap refusal names the list, not a row: shown on its first row.
        if let cap = errors["additions"] { additions[0].error = cap }
        if let cap = errors["deductions"] { deductions[0].error = cap }
        let awards = scheme.awards.map { caps in
            var rows = (0..<Self.awardRows).map { index in
                let (achievement, level, points) = ("awards[\(index)].achievement", "awards[\(index)].level", "awards[\(index)].points")
                return Award(
                    achievementField: achievement,
                    levelField: level,
                    pointsField: points,
                    achievement: values[achievement] ?? "",
                    levels: AwardLevel.allCases.filter { caps.cap(for: $0) != nil }.map {
                        SelectOption(
                            value: $0.rawValue,
                            label: $0.chinese,
                            selected: values[level] == $0.rawValue || values[level] == $0.chinese
                        )
                    },
                    points: values[points] ?? "",
                    error: errors[achievement] ?? errors[level] ?? errors[points]
                )
            }
            // A level's cap names the level: shown on the first row of that level (or the first row).
            for level in AwardLevel.allCases {
                guard let message = errors["awards.\(level.rawValue)"] else { continue }
                let row = rows.firstIndex { $0.levels.contains { $0.value == level.rawValue && $0.selected } } ?? 0
                rows[row].error = rows[row].error.map { $0 + ";" + message } ?? message
            }
            if let message = errors["awards"] { rows[0].error = message }
            return Awards(
                indicatorName: scheme.indicator(caps.indicator)?.name ?? caps.indicator,
                caps: AwardLevel.allCases.compactMap { level in caps.cap(for: level).map { "\(level.chinese)不超过 \(points($0)) 分" } }
                    .joined(separator: "、"),
                rows: rows
            )
        }
        return ScoreSheetForm(
            kind: kind.rawValue,
            heading: kind.heading,
            submitLabel: kind.submitLabel,
            intro: kind == .assessment
                ? "指标体系:\(scheme.title)。各项得分由系统按指标体系核对并计算综合得分,报送后显示在上方和“专考委评分”表中。"
                : "本单位被抽中核验。请按同一指标体系(\(scheme.title))实地评价后报送;系统核算综合得分并与专考委评分比较,相差达到规定分值时按核验结果计分。",
            action: unitBase + "/" + kind.path,
            csrf: csrf,
            once: FormOnce.newToken(),
            schemeTitle: scheme.title,
            qualitative: scheme.qualitative.map { point in
                let field = "qualitative.\(point.id)"
                return Point(
                    field: field,
                    name: point.name,
                    options: ratings.map { SelectOption(value: $0.0.rawValue, label: $0.1, selected: values[field] == $0.0.rawValue) },
                    error: errors[field]
                )
            },
            groups: scheme.groups.map { group in
                Group(
                    name: group.name,
                    max: points(group.max),
                    indicators: scheme.indicators.filter { $0.group == group.id }.map { indicator in
                        let field = "scores.\(indicator.id)"
                        let notAssigned = indicator.whenNotAssigned.map { target in
                            NotAssigned(
                                field: "notAssigned.\(indicator.id)",
                                checked: values["notAssigned.\(indicator.id)"] == "on",
                                movesTo: scheme.indicator(target)?.name ?? target
                            )
                        }
                        return Row(
                            field: field,
                            name: indicator.name,
                            max: points(indicator.max),
                            value: values[field] ?? "",
                            error: errors[field] ?? errors["notAssigned.\(indicator.id)"],
                            notAssigned: notAssigned
                        )
                    }
                )
            },
            awards: awards,
            additions: additions,
            deductions: deductions,
            additionsMax: points(scheme.adjustments.additionsMax),
            deductionsMax: points(scheme.adjustments.deductionsMax),
            errors: errors.sorted { $0.key < $1.key }.map { field, message in
                label(of: field, in: scheme).map { "\($0):\(message)" } ?? message
            },
            hasErrors: !errors.isEmpty
        )
    }

    /// What a clerk calls the field: the indicator's or point's name, `加分第 2 项`; nil for the form.
    static func label(of field: String, in scheme: IndicatorScheme) -> String? {
        let parts = field.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            if field.hasPrefix("additions") { return "加分事项" }
            if field.hasPrefix("deductions") { return "减分事项" }
            if field.hasPrefix("awards") { return "创先争优获奖明细" }
            return nil
        }
        switch parts[0] {
        case "scores", "notAssigned": return scheme.indicator(parts[1])?.name ?? parts[1]
        case "qualitative": return scheme.qualitative.first { $0.id == parts[1] }?.name ?? parts[1]
        case "awards": return "创先争优获奖明细"  // a level's cap: its message names the level
        default:
            for (prefix, name) in [("additions[", "加分"), ("deductions[", "减分"), ("awards[", "创先争优获奖")] where parts[0].hasPrefix(prefix) {
                let index = Int(parts[0].dropFirst(prefix.count).prefix { $0.isNumber }) ?? 0
                return "\(name)第 \(index + 1) 项"
            }
            return nil
        }
    }

    /// A scheme's message as a clerk reads it beside the field: `指标“key_tasks”(重点任务)得分25.00…`
    /// becomes `指标“重点任务”得分25.00…` — the id is for the API, the name for people.
    static func plain(_ message: String) -> String {
        var text = message
        while let open = text.range(of: "“"), let close = text.range(of: "”(", range: open.upperBound..<text.endIndex),
            let end = text.range(of: ")", range: close.upperBound..<text.endIndex),
            text[open.upperBound..<close.lowerBound].allSatisfy({ $0.isASCII })
        {
            let name = text[close.upperBound..<end.lowerBound]
            text.replaceSubrange(open.lowerBound..<end.upperBound, with: "“\(name)”")
        }
        return text
    }

    /// A score as a form shows it: `20`, `7.5`, `18.25`.
    static func points(_ score: Score) -> String {
        var text = score.description
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
