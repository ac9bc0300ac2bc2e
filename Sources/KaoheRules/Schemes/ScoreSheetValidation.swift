extension IndicatorScheme {
    /// The maximum of `indicator` for a unit that did not carry the indicators in `notAssigned`:
    /// its own maximum plus the maxima moved to it (主要职责 30 + 重点任务 20 = 50).
    public func effectiveMax(of indicator: Indicator, notAssigned: Set<String>) -> Score {
        var max = indicator.max
        if !notAssigned.isEmpty {
            for other in indicators where other.whenNotAssigned == indicator.id && notAssigned.contains(other.id) {
                max += other.max
            }
        }
        return max
    }

    /// Checks a score sheet against the scheme and totals it, or throws every issue found:
    /// unknown or missing indicators, a score below 0 or above its maximum (naming the indicator
    /// and the maximum), 未承担 rules, award-level caps and duplicate achievements, adjustment
    /// caps and reasons, unknown or missing qualitative points.
    public func assess(_ sheet: UnitScoreSheet) throws(ScoreSheetError) -> AssessedScores {
        var issues: [FieldIssue] = []
        func issue(_ field: String, _ rule: RuleID, _ message: String) {
            issues.append(FieldIssue(field: field, rule: rule, message: message))
        }

        for key in sheet.notAssigned.sorted() {
            guard let indicator = indicator(key), indicator.whenNotAssigned != nil else {
                issue("notAssigned.\(key)", "not-assignable", "指标“\(key)”不能标为未承担 / this indicator cannot be marked not assigned")
                continue
            }
            if sheet.scores[key] != nil {
                issue(
                    "scores.\(key)",
                    "scored-but-not-assigned",
                    "未承担“\(indicator.name)”的单位不应填写该项得分,其分值已计入“\(indicator.whenNotAssigned!)” / remove this score: its points move to \(indicator.whenNotAssigned!)"
                )
            }
        }

        var quantitative = Score.zero
        var known = 0  // sheet scores that name an indicator of the scheme
        for index in indicators.indices {
            let id = indicators[index].id
            let filed = sheet.scores[id]
            if filed != nil { known += 1 }
            if !sheet.notAssigned.isEmpty, sheet.notAssigned.contains(id) { continue }
            guard let score = filed else {
                issue("scores.\(id)", "missing-score", "缺少指标“\(id)”(\(indicators[index].name))的得分 / score missing")
                continue
            }
            let max =
                sheet.notAssigned.isEmpty ? indicators[index].max : effectiveMax(of: indicators[index], notAssigned: sheet.notAssigned)
            if score.isNegative {
                issue("scores.\(id)", "below-zero", "指标“\(id)”(\(indicators[index].name))得分\(score)不能为负 / score below 0")
            } else if score > max {
                issue(
                    "scores.\(id)",
                    "above-max",
                    "指标“\(id)”(\(indicators[index].name))得分\(score)超过满分\(max) / score above the maximum \(max)"
                )
            }
            quantitative += score
        }

        if known != sheet.scores.count {
            for key in sheet.scores.keys.filter({ indicator($0) == nil }).sorted() {
                issue("scores.\(key)", "unknown-indicator", "指标“\(key)”不在考核指标体系“\(id)”中 / not an indicator of scheme \(id)")
            }
        }

        if let claims = sheet.awards {
            checkAwards(claims, scores: sheet.scores, issue: issue)
        }

        let additions = checkAdjustments(
            sheet.additions,
            field: "additions",
            cap: adjustments.additionsMax,
            label: "加分",
            issue: issue
        )
        let deductions = checkAdjustments(
            sheet.deductions,
            field: "deductions",
            cap: adjustments.deductionsMax,
            label: "减分",
            issue: issue
        )

        var poor = 0
        var notGood = 0
        var rated = 0
        for index in qualitative.indices {
            let id = qualitative[index].id
            guard let rating = sheet.qualitative[id] else {
                issue("qualitative.\(id)", "missing-rating", "缺少定性要点“\(id)”(\(qualitative[index].name))的评价(好/中/差) / rating missing")
                continue
            }
            rated += 1
            if rating == .poor { poor += 1 }
            if rating != .good { notGood += 1 }
        }
        for key
            in (rated == sheet.qualitative.count
            ? [] : sheet.qualitative.keys.filter { key in !qualitative.contains { $0.id == key } }.sorted())
        {
            issue("qualitative.\(key)", "unknown-point", "定性要点“\(key)”不在考核指标体系“\(id)”中 / not a qualitative point of scheme \(id)")
        }

        guard issues.isEmpty else { throw ScoreSheetError(issues: issues) }
        return AssessedScores(
            quantitative: quantitative,
            additions: additions,
            deductions: deductions,
            poorCount: poor,
            notGoodCount: notGood,
            qualitativeCeiling: qualitativeCeiling(poorCount: poor, notGoodCount: notGood)
        )
    }

    private func checkAwards(
        _ claims: [AwardClaim],
        scores: [String: Score],
        issue: (String, RuleID, String) -> Void
    ) {
        guard let awards else {
            issue("awards", "no-award-caps", "考核指标体系“\(id)”不按奖励级别计分,请删除奖励明细 / this scheme does not itemise awards")
            return
        }
        var achievements = Set<String>()
        var perLevel: [AwardLevel: Score] = [:]
        var sum = Score.zero
        for (index, claim) in claims.enumerated() {
            let key = claim.achievement.trimmingSpaces()
            if key.isEmpty {
                issue("awards[\(index)].achievement", "required", "请填写获奖事项 / achievement required")
            } else if !achievements.insert(key).inserted {
                issue(
                    "awards[\(index)].achievement",
                    "duplicate-achievement",
                    "同一事项“\(key)”不得重复计分 / the same achievement counts once"
                )
            }
            if claim.points.isNegative {
                issue("awards[\(index)].points", "below-zero", "奖励分值不能为负 / points below 0")
            }
            perLevel[claim.level, default: .zero] += claim.points
            sum += claim.points
        }
        for level in AwardLevel.allCases {
            guard let points = perLevel[level] else { continue }
            guard let cap = awards.cap(for: level) else {
                issue("awards.\(level.rawValue)", "award-level-cap", "\(level.chinese)奖励不计分 / this level does not count")
                continue
            }
            if points > cap {
                issue(
                    "awards.\(level.rawValue)",
                    "award-level-cap",
                    "\(level.chinese)奖励合计\(points)分,超过上限\(cap)分 / \(level.rawValue) awards above their cap \(cap)"
                )
            }
        }
        if let scored = scores[awards.indicator], scored != sum {
            issue(
                "scores.\(awards.indicator)",
                "awards-sum",
                "“\(awards.indicator)”得分\(scored)与奖励明细合计\(sum)不一致 / score must equal the sum of the awards"
            )
        }
    }

    private func checkAdjustments(
        _ items: [ScoreAdjustment],
        field: String,
        cap: Score,
        label: String,
        issue: (String, RuleID, String) -> Void
    ) -> Score {
        var sum = Score.zero
        for (index, item) in items.enumerated() {
            if item.points.isNegative {
                issue("\(field)[\(index)].points", "below-zero", "\(label)分值不能为负 / points below 0")
            }
            if item.reason.isBlank {
                issue("\(field)[\(index)].reason", "reason-required", "\(label)事项须写明理由 / a reason is required")
            }
            sum += item.points
        }
        if sum > cap {
            issue(field, RuleID("\(field)-cap"), "\(label)合计\(sum)分,超过上限\(cap)分 / \(field) above the cap \(cap)")
        }
        return sum
    }
}

extension String {
    /// Whether the string has nothing but white space (ASCII or ideographic).
    var isBlank: Bool { !unicodeScalars.contains { !$0.properties.isWhitespace } }

    /// The string without leading and trailing ASCII and ideographic spaces.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{3000}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
