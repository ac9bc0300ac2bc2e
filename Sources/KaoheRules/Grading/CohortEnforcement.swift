/// 确定考核等次: grades a cohort of units exactly as SPEC.md "Grading a unit".
///
/// 1. band from the total; 2. qualitative veto ceiling; 3. department ceiling (篇十二 (五));
/// 4. 不得确定为优秀 events cap at 良好, direct 较差 (一票否决) events give 较差; 5. each department's
/// share caps where the policy sets them (``DepartmentShareCap``); 6. per cohort (county or committee) of N graded units:
/// 优秀 at most ⌊p·N/100⌋ by rank of total, the rest 良好; 合格 at least ⌈q·N/100⌉ by lowering
/// the lowest-ranked 良好. A tie across a cut is never broken silently: it is reported as a
/// ``CohortConflict`` and resolved only by a recorded ``TieDecision``.
public struct CohortEnforcement: Sendable {
    /// The grading numbers.
    public var policy: GradingPolicy
    /// Per county or per committee.
    public var scope: CohortScope

    /// Creates the enforcement.
    public init(policy: GradingPolicy, scope: CohortScope) {
        self.policy = policy
        self.scope = scope
    }

    /// The provisional grade of one unit before the cohort ratios.
    public func provisional(_ unit: UnitForGrading) -> GradeProposal {
        let band = policy.band(for: unit.total)
        var grade = band
        var reasons = [GradeReason(rule: "band", grade: band, message: "综合得分\(unit.total)分,分数段为\(band.chinese)")]
        if let veto = unit.qualitativeCeiling, veto.ceiling.rank > grade.rank {
            grade = veto.ceiling
            let counted = veto.rule.counts == .poor ? "“差”\(veto.poorCount)个" : "未达到“好”\(veto.notGoodCount)个"
            let verdict = veto.ceiling == .poor ? "直接确定为较差" : "最高为\(veto.ceiling.chinese)"
            reasons.append(GradeReason(rule: "qualitative-veto", grade: grade, message: "定性指标\(counted),\(verdict)"))
        }
        if let department = unit.departmentGrade, let ceiling = policy.ceiling(for: department), ceiling.rank > grade.rank {
            grade = ceiling
            reasons.append(
                GradeReason(
                    rule: "department-ceiling",
                    grade: grade,
                    message: "主管部门年度综合考核结果为\(department.rawValue),本单位最高为\(ceiling.chinese)"
                )
            )
        }
        if !unit.excellenceBars.isEmpty, grade == .excellent {
            grade = .good
            reasons.append(
                GradeReason(
                    rule: "not-excellent",
                    grade: .good,
                    message: "不得确定为优秀等次的情形:\(unit.excellenceBars.joined(separator: "、")),最高为良好"
                )
            )
        }
        if !unit.vetoEvents.isEmpty {
            grade = .poor
            reasons.append(
                GradeReason(
                    rule: "direct-poor",
                    grade: .poor,
                    message: "一票否决情形:\(unit.vetoEvents.joined(separator: "、")),直接确定为较差"
                )
            )
        }
        return GradeProposal(
            code: unit.code,
            committee: unit.committee,
            total: unit.total,
            band: band,
            grade: grade,
            reasons: reasons
        )
    }

    /// Grades every unit: proposals in input order and the conflicts the office must decide.
    /// Throws when a recorded decision matches no tie or gives the wrong number of places.
    public func propose(_ units: [UnitForGrading], decisions: [TieDecision] = []) throws(TieDecisionError) -> CohortProposal {
        var proposals = units.map(provisional)
        var conflicts: [CohortConflict] = []
        var used = [Bool](repeating: false, count: decisions.count)

        var cohorts: [Cohort] = []
        switch scope {
        case .county:
            cohorts = [Cohort(scope: "county", label: "全县", members: Array(proposals.indices))]
        case .committee:
            var byCommittee: [String: [Int]] = [:]
            for index in proposals.indices { byCommittee[proposals[index].committee, default: []].append(index) }
            cohorts = byCommittee.keys.sorted().map { Cohort(scope: $0, label: "专考委“\($0)”", members: byCommittee[$0]!) }
        }
        // 篇十二 (五): each department's own shares first, where its result has a share cap.
        var byDepartment: [String: (cap: DepartmentShareCap, members: [Int])] = [:]
        for (index, unit) in units.enumerated() {
            guard let department = unit.department, let result = unit.departmentGrade, let cap = policy.shareCap(for: result) else {
                continue
            }
            byDepartment[department, default: (cap, [])].members.append(index)
        }
        for department in byDepartment.keys.sorted() {
            let (cap, members) = byDepartment[department]!
            let cohort = Cohort(scope: "主管部门" + department, label: "主管部门" + department, members: members)
            if let percent = cap.excellentMaxPercent {
                try enforceExcellentCap(cohort, &proposals, &conflicts, decisions, &used, percent: percent)
            }
            if let percent = cap.goodMaxPercent {
                let goods = members.count(where: { proposals[$0].grade == .good })
                let limit = percent.atMost(of: members.count)
                if goods > limit {
                    try lowerLowestGoods(
                        cohort,
                        need: goods - limit,
                        message: "良好不超过\(percent)×\(members.count)=\(limit)个(\(cohort.label))",
                        rule: "department-good-cap",
                        &proposals,
                        &conflicts,
                        decisions,
                        &used
                    )
                }
            }
        }
        for cohort in cohorts {
            try enforceExcellentCap(cohort, &proposals, &conflicts, decisions, &used)
            try enforceQualifiedFloor(cohort, &proposals, &conflicts, decisions, &used)
        }
        if let unused = used.firstIndex(of: false) {
            throw TieDecisionError(
                index: unused,
                rule: "decision-unmatched",
                message: "该决定涉及的单位不构成当前的并列冲突(得分可能已变化),请重新研判 / the decision matches no current tie"
            )
        }
        return CohortProposal(units: proposals, conflicts: conflicts)
    }

    /// The units whose ratios are enforced together: `scope` names it in a conflict (`county`, a
    /// committee's id, 主管部门 + a department's id), `label` in the words a clerk reads.
    private struct Cohort {
        var scope: String
        var label: String
        var members: [Int]
    }

    private func enforceExcellentCap(
        _ cohort: Cohort,
        _ proposals: inout [GradeProposal],
        _ conflicts: inout [CohortConflict],
        _ decisions: [TieDecision],
        _ used: inout [Bool],
        percent: Percentage? = nil
    ) throws(TieDecisionError) {
        let (name, members) = (cohort.label, cohort.members)
        let percent = percent ?? policy.excellentMaxPercent
        let limit = percent.atMost(of: members.count)
        // Best first; equal totals by code only to make the output deterministic.
        let candidates = members.filter { proposals[$0].grade == .excellent }.sorted {
            proposals[$0].total != proposals[$1].total
                ? proposals[$0].total > proposals[$1].total
                : proposals[$0].code < proposals[$1].code
        }
        guard candidates.count > limit else { return }
        let capMessage = "优秀不超过\(percent)×\(members.count)=\(limit)个(\(name))"
        // Positions in `candidates` from which units lose 优秀; tied units are handled apart.
        var firstDemoted = limit
        var skip = Set<Int>()
        if limit > 0, proposals[candidates[limit - 1]].total == proposals[candidates[limit]].total {
            let tiedTotal = proposals[candidates[limit]].total
            let above = candidates.count(where: { proposals[$0].total > tiedTotal })
            let tied = Array(candidates[above...].prefix { proposals[$0].total == tiedTotal })
            let seats = limit - above
            firstDemoted = above
            if let (decision, keep) = try resolve(.excellentCap, tied: tied, seats: seats, proposals, decisions, &used) {
                for index in tied where keep.contains(proposals[index].code) {
                    skip.insert(index)
                    proposals[index].reasons.append(
                        GradeReason(
                            rule: "office-decision",
                            grade: .excellent,
                            message: "并列\(tiedTotal)分,经县事考办决定(\(decision.reference))保留优秀"
                        )
                    )
                }
            } else {
                let codes = tied.map { proposals[$0].code }.sorted()
                conflicts.append(
                    CohortConflict(
                        kind: CohortCut.excellentCap.rawValue,
                        scope: cohort.scope,
                        total: tiedTotal,
                        units: codes,
                        seats: seats,
                        message:
                            "\(name):\(codes.count)个单位并列\(tiedTotal)分,争最后\(seats)个优秀名额(\(capMessage)):\(codes.map(\.rawValue).joined(separator: "、"));请县事考办研究决定"
                    )
                )
                for index in tied {
                    skip.insert(index)
                    proposals[index].grade = .good
                    proposals[index].reasons.append(
                        GradeReason(
                            rule: "tie-conflict",
                            grade: .good,
                            message: "与\(codes.count - 1)个单位并列\(tiedTotal)分,跨越优秀名额线,待县事考办决定;暂定良好"
                        )
                    )
                }
            }
        }
        for position in firstDemoted..<candidates.count where !skip.contains(candidates[position]) {
            let index = candidates[position]
            proposals[index].grade = .good
            proposals[index].reasons.append(
                GradeReason(
                    rule: "excellent-cap",
                    grade: .good,
                    message: "\(capMessage),按总分排第\(position + 1)位,调整为良好"
                )
            )
        }
    }

    private func enforceQualifiedFloor(
        _ cohort: Cohort,
        _ proposals: inout [GradeProposal],
        _ conflicts: inout [CohortConflict],
        _ decisions: [TieDecision],
        _ used: inout [Bool]
    ) throws(TieDecisionError) {
        let (name, members) = (cohort.label, cohort.members)
        let floor = policy.qualifiedMinPercent.atLeast(of: members.count)
        let qualified = members.count(where: { proposals[$0].grade == .qualified })
        let need = floor - qualified
        guard need > 0 else { return }
        let floorMessage = "合格不少于\(policy.qualifiedMinPercent)×\(members.count)=\(floor)个(\(name))"
        let goods = members.count(where: { proposals[$0].grade == .good })
        if goods < need {
            conflicts.append(
                CohortConflict(
                    kind: "qualified-shortfall",
                    scope: cohort.scope,
                    total: .zero,
                    units: [],
                    seats: need - goods,
                    message: "\(name):\(floorMessage),但可调整的良好单位只有\(goods)个,仍差\(need - goods)个;请县事考办研究"
                )
            )
        }
        try lowerLowestGoods(
            cohort,
            need: min(need, goods),
            message: floorMessage,
            rule: "qualified-floor",
            &proposals,
            &conflicts,
            decisions,
            &used
        )
    }

    /// Lowers the `need` lowest-ranked 良好 of `members` to 合格; a tie across the cut is a
    /// `qualified-floor` conflict (or settled by the office's decision).
    private func lowerLowestGoods(
        _ cohort: Cohort,
        need: Int,
        message floorMessage: String,
        rule: RuleID,
        _ proposals: inout [GradeProposal],
        _ conflicts: inout [CohortConflict],
        _ decisions: [TieDecision],
        _ used: inout [Bool]
    ) throws(TieDecisionError) {
        guard need > 0 else { return }
        let (name, members) = (cohort.label, cohort.members)
        // Lowest first.
        let goods = members.filter { proposals[$0].grade == .good }.sorted {
            proposals[$0].total != proposals[$1].total
                ? proposals[$0].total < proposals[$1].total
                : proposals[$0].code > proposals[$1].code
        }
        var lower = Array(goods.prefix(need))
        if goods.count > need, proposals[goods[need - 1]].total == proposals[goods[need]].total {
            let tiedTotal = proposals[goods[need - 1]].total
            let below = goods.count(where: { proposals[$0].total < tiedTotal })
            let tied = Array(goods[below...].prefix { proposals[$0].total == tiedTotal })
            let toLower = need - below
            let seats = tied.count - toLower
            lower = Array(goods[..<(below + tied.count)])
            if let (decision, keep) = try resolve(.qualifiedFloor, tied: tied, seats: seats, proposals, decisions, &used) {
                lower.removeAll { keep.contains(proposals[$0].code) }
                for index in tied where keep.contains(proposals[index].code) {
                    proposals[index].reasons.append(
                        GradeReason(
                            rule: "office-decision",
                            grade: .good,
                            message: "并列\(tiedTotal)分,经县事考办决定(\(decision.reference))保留良好"
                        )
                    )
                }
            } else {
                let codes = tied.map { proposals[$0].code }.sorted()
                conflicts.append(
                    CohortConflict(
                        kind: CohortCut.qualifiedFloor.rawValue,
                        scope: cohort.scope,
                        total: tiedTotal,
                        units: codes,
                        seats: seats,
                        message:
                            "\(name):\(codes.count)个良好单位并列\(tiedTotal)分,其中\(toLower)个须调整为合格(\(floorMessage)):\(codes.map(\.rawValue).joined(separator: "、"));请县事考办研究决定"
                    )
                )
                for index in tied {
                    proposals[index].grade = .qualified
                    proposals[index].reasons.append(
                        GradeReason(
                            rule: "tie-conflict",
                            grade: .qualified,
                            message: "与\(codes.count - 1)个单位并列\(tiedTotal)分,跨越合格比例线,待县事考办决定;暂定合格"
                        )
                    )
                }
                let tiedSet = Set(tied)
                lower.removeAll { tiedSet.contains($0) }
            }
        }
        for index in lower {
            proposals[index].grade = .qualified
            proposals[index].reasons.append(
                GradeReason(
                    rule: rule,
                    grade: .qualified,
                    message: "\(floorMessage),总分在良好单位中居后,调整为合格"
                )
            )
        }
    }

    /// The decision for this tie, if one was recorded: it must name tied units only, exactly `seats` of them.
    private func resolve(
        _ cut: CohortCut,
        tied: [Int],
        seats: Int,
        _ proposals: [GradeProposal],
        _ decisions: [TieDecision],
        _ used: inout [Bool]
    ) throws(TieDecisionError) -> (TieDecision, Set<UnitCode>)? {
        let tiedCodes = Set(tied.map { proposals[$0].code })
        for (index, decision) in decisions.enumerated() where decision.cut == cut && !used[index] {
            let favoured = Set(decision.favoured)
            guard !favoured.isEmpty ? favoured.isSubset(of: tiedCodes) : false else { continue }
            used[index] = true
            guard favoured.count == seats, decision.favoured.count == seats else {
                throw TieDecisionError(
                    index: index,
                    rule: "decision-seats",
                    message:
                        "并列单位中应有\(seats)个获得较好等次,决定中列了\(decision.favoured.count)个 / the decision must name exactly \(seats) of the tied units"
                )
            }
            return (decision, favoured)
        }
        return nil
    }
}

/// 等次建议结果: every unit's proposal, in input order, and the conflicts awaiting a decision.
public struct CohortProposal: Sendable, Hashable, Codable {
    /// One proposal per unit, in the order given.
    public var units: [GradeProposal]
    /// Ties the office must decide.
    public var conflicts: [CohortConflict]

    /// Creates a proposal.
    public init(units: [GradeProposal], conflicts: [CohortConflict]) {
        self.units = units
        self.conflicts = conflicts
    }

    /// How many units have each grade.
    public var distribution: [UnitGrade: Int] {
        var counts: [UnitGrade: Int] = [:]
        for unit in units { counts[unit.grade, default: 0] += 1 }
        return counts
    }
}
