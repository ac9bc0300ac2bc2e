extension IndicatorScheme {
    /// Checks the scheme's own consistency and returns it, or throws every issue found:
    /// unique ids, indicators in known groups with positive maxima summing to their group,
    /// groups summing to the total, weights within ranges, a known transfer target,
    /// award caps no higher than their indicator, adjustment caps not negative,
    /// veto rules with counts in 1…(number of points).
    public func validated() throws(SchemeError) -> IndicatorScheme {
        var issues: [SchemeError.Issue] = []
        func issue(_ field: String, _ rule: RuleID, _ message: String) {
            issues.append(.init(field: field, rule: rule, message: message))
        }
        if id.isEmpty { issue("id", "required", "缺少体系编号 / id is required") }
        guard totalPoints > .zero else {
            issue("totalPoints", "positive", "总分必须大于0 / total must be positive")
            throw SchemeError(scheme: id, issues: issues)
        }

        var seen = Set<String>()
        for (index, point) in qualitative.enumerated() where !seen.insert(point.id).inserted {
            issue("qualitative[\(index)].id", "unique-id", "定性要点编号“\(point.id)”重复 / duplicate id")
        }
        if qualitative.isEmpty { issue("qualitative", "required", "至少需要一个定性要点 / at least one point") }
        for (index, rule) in qualitativeVeto.enumerated() where rule.atLeast < 1 || rule.atLeast > qualitative.count {
            issue(
                "qualitativeVeto[\(index)].atLeast",
                "veto-count",
                "否决条件个数应在1–\(qualitative.count)之间 / count must be 1…\(qualitative.count)"
            )
        }

        var groupIds = Set<String>()
        for (index, group) in groups.enumerated() {
            if !groupIds.insert(group.id).inserted {
                issue("groups[\(index)].id", "unique-id", "一级指标编号“\(group.id)”重复 / duplicate id")
            }
            if let range = group.range {
                if range.min > range.max {
                    issue("groups[\(index)].range", "range-order", "分值范围下限大于上限 / min above max")
                } else if !range.contains(group.max) {
                    issue(
                        "groups[\(index)].max",
                        "group-range",
                        "“\(group.name)”分值\(group.max)不在\(range)范围内 / weight outside its range"
                    )
                }
            }
        }
        let groupSum = groups.map(\.max).sum()
        if groupSum != totalPoints {
            issue("groups", "total-sum", "一级指标分值合计\(groupSum),应为\(totalPoints) / groups must sum to the total")
        }

        for (index, indicator) in indicators.enumerated() {
            if seen.contains(indicator.id) || !seen.insert(indicator.id).inserted {
                issue("indicators[\(index)].id", "unique-id", "指标编号“\(indicator.id)”重复 / duplicate id")
            }
            if !groupIds.contains(indicator.group) {
                issue(
                    "indicators[\(index)].group",
                    "known-group",
                    "指标“\(indicator.id)”所属一级指标“\(indicator.group)”不存在 / unknown group"
                )
            }
            if indicator.max <= .zero {
                issue("indicators[\(index)].max", "positive", "指标“\(indicator.id)”分值必须大于0 / max must be positive")
            }
        }
        for (index, indicator) in indicators.enumerated() {
            guard let target = indicator.whenNotAssigned else { continue }
            if target == indicator.id || !indicators.contains(where: { $0.id == target }) {
                issue(
                    "indicators[\(index)].whenNotAssigned",
                    "known-indicator",
                    "未承担时分值转入的指标“\(target)”不存在 / unknown target indicator"
                )
            }
        }
        for group in groups {
            let sum = indicators.filter { $0.group == group.id }.map(\.max).sum()
            if sum != group.max {
                issue(
                    "groups.\(group.id)",
                    "group-sum",
                    "“\(group.name)”下二级指标分值合计\(sum),应为\(group.max) / indicators must sum to the group"
                )
            }
        }

        if let awards {
            if let indicator = indicators.first(where: { $0.id == awards.indicator }) {
                for (key, cap) in awards.caps.sorted(by: { $0.key < $1.key }) {
                    if AwardLevel(rawValue: key) == nil {
                        issue(
                            "awards.caps.\(key)",
                            "known-level",
                            "奖励级别“\(key)”未知(应为 national/provincial/city/county) / unknown level"
                        )
                    } else if cap <= .zero || cap > indicator.max {
                        issue(
                            "awards.caps.\(key)",
                            "award-cap",
                            "级别上限\(cap)应大于0且不超过指标分值\(indicator.max) / cap must be within the indicator's max"
                        )
                    }
                }
            } else {
                issue("awards.indicator", "known-indicator", "奖励计分指标“\(awards.indicator)”不存在 / unknown indicator")
            }
        }
        if adjustments.additionsMax.isNegative {
            issue("adjustments.additionsMax", "not-negative", "加分上限不能为负 / must not be negative")
        }
        if adjustments.deductionsMax.isNegative {
            issue("adjustments.deductionsMax", "not-negative", "减分上限不能为负 / must not be negative")
        }
        if committeeWeighted, groups.contains(where: { $0.range == nil }) {
            issue("groups", "range-required", "由专考委确定权重的体系,每个一级指标须给出分值范围 / every group needs a range")
        }
        guard issues.isEmpty else { throw SchemeError(scheme: id, issues: issues) }
        return self
    }
}
