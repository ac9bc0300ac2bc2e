import Foundation
import KaoheRules
import KaoheStore

/// 单位详情 page: the unit's filings and their history (who, when, late or not), its committee
/// assessment and re-checks (with the deviation and whether the re-check overrode), whether the
/// spot check drew it (ticket, reviewers), its grade and why, its excellent quota and its use,
/// the roster's violations, and the audit entries that concern it.
struct UnitView: Sendable {
    var name: String
    var code: UnitCode
    var committee: String
    var department: String
    var headcount: Int
    /// The spot check in words (drawn or not, ticket, rank, stratum).
    var spotCheck: [String]
    /// The grade in words, nil before a proposal.
    var grade: String?
    var gradeReasons: [String]
    /// The quota in words.
    var quota: [String]
    var filings: DataTable
    var scores: DataTable
    var rechecks: DataTable
    var violations: DataTable
    /// The latest roster, line by line, with the importer's column names and terms: its download is
    /// a file the unit can correct and upload again.
    var roster: DataTable
    var audit: DataTable
    /// 本周期日程: each step's opening, deadline and last day for late filings, and days left.
    var schedule: DataTable
    /// Where staff 复核 applications are filed and followed (异议与复核).
    var objectionsHref: String
    /// 自评报告: the latest version, and the form for the unit's own account.
    var selfAssessment: SelfAssessmentSection
    /// 专考委考核评分表, for the unit's committee while the step takes filings.
    var scoreSheet: ScoreSheetForm?
    /// When the assessment step takes filings, in words (for the committee's form).
    var assessmentTiming: String?
    /// What the committee's last submission filed (from the redirect after it).
    var scoreSheetNote: String?
    /// The roster upload form, for the unit's own account.
    var rosterForm: RosterForm?
    /// What the last upload did, shown above the form (from the redirect after it).
    var filedNote: String?
    /// Why the upload just made was refused, shown beside the file field.
    var uploadError: String?
    /// 补定等次, for the office, while the latest roster leaves someone 不定等次 for an investigation.
    var determination: DeterminationForm?
    /// 个别谈话名单, for the assessors (the sets the account may see), once the draw has a seed.
    var interviews: DataTable?
    /// How the list is drawn, in words.
    var interviewsMethod: String?

    /// 补定等次 (篇十三 第三十九条): whom, which grade, the case's outcome and reference.
    struct DeterminationForm: Sendable {
        var action: String
        var csrf: String
        var once: String
        var pending: [SelectOption]
        var grades: [SelectOption]
        var sanctions: [SelectOption]
        var caseReference: String
        var reason: String
        /// Why the last try was refused.
        var error: String?
    }

    /// 上传考核名册: where the form posts, its CSRF token, the template downloads.
    struct RosterForm: Sendable {
        var action: String
        var csrf: String
        /// This rendering's `_once` token (``FormOnce``).
        var once: String
        var templateXLSX: String
        var templateCSV: String
    }

    /// 自评报告 on the page.
    struct SelfAssessmentSection: Sendable {
        /// When the step takes filings, in words (截止 2026年12月31日 23:59,还剩 24 天…).
        var timing: String
        /// The latest version in words, nil before the first.
        var latest: String?
        /// Its report, for the accounts that read it (the unit's own form holds it instead).
        var report: String?
        var reportCharacters: Int
        var attachments: [Attachment]
        /// Stored, not computed: the templates read properties by reflection.
        var hasAttachments: Bool
        /// The form, for the unit's own account while the step takes filings.
        var form: Form?
        /// What the last submission filed (from the redirect after it). (Names no other part of the
        /// page uses: a template looks a missing name up in the enclosing sections.)
        var reportFiledNote: String?
        /// Why the submission just made was refused.
        var reportError: String?

        struct Attachment: Sendable {
            var name: String
            var size: String
            var href: String
        }

        struct Form: Sendable {
            var action: String
            var csrf: String
            /// This rendering's `_once` token (``FormOnce``).
            var once: String
            /// The text in the box: the latest report, or what was typed when refused.
            var report: String
        }
    }

    /// The tables of the page by id, for the download routes.
    var tables: [DataTable] { [schedule, filings, scores, rechecks, violations, roster, audit] + (interviews.map { [$0] } ?? []) }

    struct Inputs: Sendable {
        var unit: UnitRecord
        var committeeName: String
        var departmentName: String
        var history: [FilingVersion]
        var rechecks: [RecheckVersion]
        var draw: SpotCheckRecord?
        var reviewerNames: [String: String]
        var graded: GradedUnit?
        var gradingState: GradingState?
        var quota: UnitQuotaView?
        /// The latest roster's version and lines (nil before the first).
        var roster: (version: Int, lines: [RosterLine])?
        var audit: [AuditEntry]
        /// Set when the account may file for the unit (its roster, its self-assessment): the
        /// session's CSRF token.
        var unitCSRF: String?
        /// The last submission's result, from the redirect's query
        /// (`?filed=roster&version=N&restored=K`, `?filed=self-assessment&version=N`).
        var filed: Filed?
        /// The self-assessment step of the cycle, and the database's now.
        var selfAssessmentStep: CycleStep?
        /// Every step of the cycle, for the schedule, and the unit's own grants of more time (延期).
        var steps: [CycleStep] = []
        var extensions: [DeadlineExtension] = []
        var now: Date
        /// Set when the account is the unit's committee: the session's CSRF token.
        var committeeCSRF: String?
        /// Set when the account is a reviewer (it sees the unit: it is assigned to it): the token,
        /// and the reviewer's id.
        var reviewerCSRF: String?
        var reviewer: String?
        /// The assessment step, and the cycle's indicator scheme.
        var assessmentStep: CycleStep?
        var scheme: IndicatorScheme?
        /// Set when the account is the office: the session's CSRF token.
        var officeCSRF: String? = nil
        /// Whether the cycle's staff rule has 良好 (001's five tiers), for the office's 补定等次.
        var goodTier = false
        /// The interview sets the account may see: both for the office and the auditor, the
        /// committee's for the unit's committee, the re-check's for its reviewers, none for the unit.
        var interviewSets: [InterviewDraw.Set] = []
        /// The flags each staff member's results raise across years (`StaffHistoryStore.flags`), by
        /// staff number, and the link to a person's years; nil for an account that may not see them.
        var staffFlags: [String: [StaffConsequence]]? = nil
        var staffHistoryBase: String? = nil
    }

    /// What the redirect after a form says was filed (`?filed=roster&version=N&restored=K`).
    struct Filed: Sendable {
        /// The form's filing, as the query names it.
        enum Kind: String, Sendable {
            case roster
            case selfAssessment = "self-assessment"
            case assessment
            case recheck
        }
        var kind: Kind
        var version: Int
        var restored: Int
    }

    static func build(_ input: Inputs, base: String, cycle: CycleID) -> UnitView {
        let code = input.unit.code
        let downloadBase = base + "/units/" + code.rawValue + "/tables"

        let filingRows = input.history.sorted { ($0.step, $0.version) < ($1.step, $1.version) }.map { version in
            DataRow(
                [
                    DataCell(version.step.chinese), .number(version.version), DataCell(version.filedBy),
                    .time(version.filedAt), .time(version.deadline),
                    DataCell(version.late ? "逾期" : "按时"),
                ],
                rowClass: version.late ? "late" : nil
            )
        }
        let filings = DataTable(
            id: "filings",
            title: "报送记录",
            fileName: "报送记录-\(code)-\(cycle)",
            header: ["环节", "版本", "报送账号", "报送时间", "截止时间", "是否逾期"],
            rows: filingRows,
            downloadBase: downloadBase,
            emptyText: "尚无报送。"
        )

        let scoreRows = input.history.filter { $0.step == .assessment }.sorted { $0.version < $1.version }.compactMap {
            version -> DataRow? in
            guard let content = try? version.decodeContent(AssessmentContent.self) else { return nil }
            let a = content.assessed
            return DataRow([
                .number(version.version), DataCell(content.scheme), .number(a.quantitative), .number(a.additions), .number(a.deductions),
                .number(a.total), .number(a.poorCount), DataCell(version.filedBy), .time(version.filedAt),
            ])
        }
        let scores = DataTable(
            id: "scores",
            title: "专考委评分",
            fileName: "专考委评分-\(code)-\(cycle)",
            header: ["版本", "指标体系", "定量得分", "加分", "减分", "综合得分", "定性“差”项数", "报送账号", "报送时间"],
            rows: scoreRows,
            downloadBase: downloadBase,
            emptyText: "专考委尚未评分。"
        )

        let recheckRows = input.rechecks.map { recheck in
            let comparison = recheck.comparison
            return DataRow(
                [
                    .number(recheck.version),
                    DataCell(input.reviewerNames[recheck.reviewer].map { "\($0)(\(recheck.reviewer))" } ?? recheck.reviewer),
                    .number(recheck.content.assessed.total), .number(recheck.content.assessed.poorCount),
                    DataCell(comparison.map { $0.committeeTotal.description } ?? ""),
                    DataCell(comparison.map { $0.difference.description } ?? ""),
                    DataCell(comparison.map { $0.overridden ? "按核验结果计分" : "维持专考委评分" } ?? ""),
                    DataCell(comparison?.reasons.joined(separator: ";") ?? ""),
                    DataCell(recheck.filedBy), DataCell(recheck.filedAt),
                ],
                rowClass: comparison?.overridden == true ? "overridden" : nil
            )
        }
        let rechecks = DataTable(
            id: "rechecks",
            title: "核验评分(实地二次评价)",
            fileName: "核验评分-\(code)-\(cycle)",
            header: ["版本", "核验人员", "核验得分", "核验“差”项数", "专考委得分", "差距", "结论", "理由", "报送账号", "报送时间"],
            rows: recheckRows,
            downloadBase: downloadBase,
            emptyText: "无核验评分。"
        )

        var spotCheck: [String] = []
        if let draw = input.draw, let selection = draw.selection {
            if let selected = selection.selected.first(where: { $0.code == code }) {
                let stratum = selection.strata.first { $0.selected.contains(selected) }
                let rank = (stratum?.selected.firstIndex(of: selected)).map { $0 + 1 }
                let stratumName =
                    stratum.map { $0.name == "county" ? "全县" : $0.name == input.unit.committee ? input.committeeName : $0.name } ?? ""
                spotCheck.append(
                    "第 \(draw.drawNo) 次抽查抽中本单位:抽样号 \(selected.ticket.value)"
                        + (rank.map { ",在本层(\(stratumName))中排第 \($0) 位" } ?? "") + "。"
                )
                if let assigned = draw.reviewerAssignments?.first(where: { $0.unitCode == code }) {
                    let names = assigned.reviewers.map { "\(input.reviewerNames[$0.id] ?? $0.id)(\($0.id),抽样号 \($0.ticket))" }
                    spotCheck.append(names.isEmpty ? "未能选派核验人员(回避后无合格人选)。" : "选派核验人员:" + names.joined(separator: "、") + "。")
                    if assigned.shortfall > 0 { spotCheck.append("缺派 \(assigned.shortfall) 名核验人员(回避)。") }
                }
            } else {
                spotCheck.append("第 \(draw.drawNo) 次抽查(比例 \(selection.percent),种子已公开)未抽中本单位。")
            }
        } else {
            spotCheck.append("本周期尚未进行随机抽查。")
        }

        let interviews = interviewTable(input, downloadBase: downloadBase)

        var quotaLines: [String] = []
        var violationRows: [DataRow] = []
        if let quota = input.quota {
            // The store's basis is "中文 / English gist": a clerk reads the Chinese.
            quotaLines.append(String(quota.basis.split(separator: " / ", maxSplits: 1).first ?? ""))
            if let limit = quota.quota { quotaLines.append(limit.summary) }
            if let excellent = quota.excellent {
                quotaLines.append("名册拟定优秀 \(excellent) 人" + (quota.quota.map { ",名额 \($0.limit) 人" } ?? "") + "。")
            }
            if let giveUp = quota.mustGiveUp, giveUp > 0 { quotaLines.append("超出名额,须减少 \(giveUp) 名优秀。") }
            if let leaders = quota.leaders, leaders > 0 {
                quotaLines.append("领导班子成员和主要负责人 \(leaders) 人由主管部门考核,不计入本单位优秀名额和参加人数。")
            }
            if let version = quota.rosterVersion { quotaLines.append("依据名册第 \(version) 版。") }
            violationRows = quota.violations.map { violation in
                DataRow(
                    [DataCell(violation.staffNo ?? "名册"), DataCell(violation.rule.chinese), DataCell(violation.message)],
                    rowClass: "violation"
                )
            }
        } else {
            quotaLines.append("尚无名额信息。")
        }
        let violations = DataTable(
            id: "violations",
            title: "名册问题",
            fileName: "名册问题-\(code)-\(cycle)",
            header: ["工作人员编号", "规则", "说明"],
            rows: violationRows,
            downloadBase: downloadBase,
            emptyText: "名册没有问题。"
        )

        let yes = { (flag: Bool) in flag ? "是" : "否" }
        // Each line's problems beside it (the quota's own, with no staff number, stay in 名册问题).
        var problems: [String: [String]] = [:]
        for violation in input.quota?.violations ?? [] {
            if let staffNo = violation.staffNo { problems[staffNo, default: []].append(violation.message) }
        }
        let rosterRows = (input.roster?.lines ?? []).map { line in
            let staff = line.staff
            let lineProblems = problems[staff.staffNo] ?? []
            return DataRow(
                [
                    .code(
                        staff.staffNo,
                        href: input.staffHistoryBase.map {
                            $0 + (staff.staffNo.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "")
                        }
                    ),
                    DataCell(line.name), DataCell(line.postCategory), DataCell(line.level),
                    staff.score.map { DataCell.number($0) } ?? DataCell(""), DataCell(staff.grade.chinese),
                    DataCell(staff.sanction.chinese),
                    DataCell(yes(staff.underInvestigation)), DataCell(yes(staff.probation)), .number(staff.leaveMonths),
                    .number(staff.unassignedMonths), DataCell(yes(staff.refused)),
                    DataCell(staff.quarters.map(\.chinese).joined(separator: "、")), DataCell(lineProblems.joined(separator: ";")),
                    DataCell(
                        (input.staffFlags?[staff.staffNo] ?? []).map(\.chinese).joined(separator: ";"),
                        title: (input.staffFlags?[staff.staffNo] ?? []).map(\.article).joined(separator: ";")
                    ),
                ],
                rowClass: lineProblems.isEmpty ? nil : "violation"
            )
        }
        let roster = DataTable(
            id: "roster",
            title: input.roster.map { "考核名册(第 \($0.version) 版)" } ?? "考核名册",
            fileName: "考核名册-\(code)-\(cycle)",
            // The importer's column names, then 问题 (which the importer ignores): the download uploads again.
            header: RosterInput.Column.allCases.map { $0.names[0] } + ["问题", "结果使用提示"],
            rows: rosterRows,
            downloadBase: downloadBase,
            emptyText: "尚未报送考核名册。"
        )

        let auditRows = input.audit.map { entry in
            DataRow([
                .number(entry.seq), .time(entry.at), DataCell(entry.actor),
                DataCell(AuditWording.action(entry.action), title: entry.action),
                DataCell(AuditWording.object(entry.object), title: entry.object),
                DataCell(AuditWording.details(entry.details)),
                .code(String(entry.hash.prefix(12))),
            ])
        }
        let audit = DataTable(
            id: "audit",
            title: "审计记录",
            fileName: "审计记录-\(code)-\(cycle)",
            header: ["序号", "时间", "操作者", "操作", "对象", "详情", "哈希(前 12 位)"],
            rows: auditRows,
            downloadBase: downloadBase,
            emptyText: "尚无涉及本单位的审计记录。"
        )

        let schedule = DataTable(
            id: "schedule",
            title: "本周期日程",
            fileName: "日程-\(code)-\(cycle)",
            header: ["环节", "开始", "截止", "逾期报送截止", "状态", "剩余时间"],
            rows: input.steps.map { step in
                // The unit's latest grant for the step: its deadline and close each count where later
                // (as `file_versions` files), and it is said when it gives more time than the step.
                let latest = input.extensions.last { $0.step == step.step }
                let deadline = max(step.times.deadline, latest?.deadline ?? step.times.deadline)
                let closesAt = max(step.times.closesAt, latest?.closesAt ?? step.times.closesAt)
                let granted = (deadline, closesAt) != (step.times.deadline, step.times.closesAt) ? latest : nil
                let state: String
                if let granted, input.now < closesAt {
                    state = input.now <= deadline ? "已为本单位延期:\(granted.reason)" : "已过延期后的截止,可逾期报送"
                } else {
                    switch step.state {
                    case .pending: state = "未开始"
                    case .open: state = "报送中"
                    case .late: state = "已过截止,可逾期报送"
                    case .closed: state = "已结束"
                    }
                }
                let over = input.now >= closesAt
                return DataRow(
                    [
                        DataCell(step.step.chinese), .time(step.times.opensAt), .time(deadline), .time(closesAt),
                        DataCell(state), DataCell(over ? "" : ChineseTime.daysLeft(until: deadline, now: input.now)),
                    ],
                    rowClass: !over && input.now > deadline ? "late" : nil
                )
            },
            downloadBase: downloadBase,
            emptyText: "本周期没有设定日程。"
        )

        var grade: String?
        if let graded = input.graded {
            let state = input.gradingState.map { ResultsView.stateLabel($0) } ?? ""
            grade = "\(graded.grade.chinese)(综合得分 \(graded.total),\(ResultsView.source(graded.source)),\(state))"
        }
        return UnitView(
            name: input.unit.name,
            code: code,
            committee: input.committeeName,
            department: input.departmentName,
            headcount: input.unit.headcount,
            spotCheck: spotCheck,
            grade: grade,
            gradeReasons: input.graded?.reasons.map(\.message) ?? [],
            quota: quotaLines,
            filings: filings,
            scores: scores,
            rechecks: rechecks,
            violations: violations,
            roster: roster,
            audit: audit,
            schedule: schedule,
            objectionsHref: base + "/objections",
            selfAssessment: selfAssessmentSection(input, base: base),
            scoreSheet: scoreSheet(input, base: base),
            assessmentTiming: input.committeeCSRF == nil ? nil : input.assessmentStep.map { timing($0, now: input.now, what: "评分") },
            scoreSheetNote: input.filed.flatMap { filed in
                if filed.kind == .recheck, let recheck = input.rechecks.first(where: { $0.version == filed.version }) {
                    let total = recheck.content.assessed.total
                    return "已报送核验评分第 \(filed.version) 版:综合得分 \(total)"
                        + (recheck.comparison.map { c in
                            ",专考委评分 \(c.committeeTotal),相差 \(c.difference)," + (c.overridden ? "按核验结果计分。" : "维持专考委评分。")
                        } ?? "。")
                }
                guard filed.kind == .assessment,
                    let version = input.history.first(where: { $0.step == .assessment && $0.version == filed.version }),
                    let content = try? version.decodeContent(AssessmentContent.self)
                else { return nil }
                let a = content.assessed
                return "已报送专考委考核评分第 \(filed.version) 版:综合得分 \(a.total)(定量 \(a.quantitative),加分 \(a.additions),减分 \(a.deductions)"
                    + (a.poorCount > 0 ? ",定性“差” \(a.poorCount) 项" : "") + ")。"
            },
            rosterForm: input.unitCSRF.map { csrf in
                RosterForm(
                    action: base + "/units/" + code.rawValue + "/roster",
                    csrf: csrf,
                    once: FormOnce.newToken(),
                    templateXLSX: base + "/units/" + code.rawValue + "/roster-template.xlsx",
                    templateCSV: base + "/units/" + code.rawValue + "/roster-template.csv"
                )
            },
            filedNote: input.filed.flatMap { filed in
                guard filed.kind == .roster else { return nil }
                return "已报送考核名册第 \(filed.version) 版。"
                    + (filed.restored > 0
                        ? "其中 \(filed.restored) 个工号在表格软件中丢失了开头的 0,已按上次报送的工号登记。" : "")
            },
            uploadError: nil,
            determination: determinationForm(input, base: base),
            interviews: interviews,
            interviewsMethod: interviews == nil
                ? nil
                : "从本单位最新名册的参加考核人员中抽取 3–7 人(领导班子成员、中层干部、一般工作人员每类至少 1 人),抽样号按本次抽查公开的种子计算(专考委名单用原种子,核验名单用种子加“recheck”,每人编号为“单位代码/工号”),任何人可用 consistent_sampler 复算。"
        )
    }

    /// 个别谈话名单 (`InterviewDraw`) from the draw's seed and the latest roster, for the sets the
    /// account may see; nil before the draw or the roster, or for an account that sees none.
    static func interviewTable(_ input: Inputs, downloadBase: String) -> DataTable? {
        guard !input.interviewSets.isEmpty, let draw = input.draw, let selection = draw.selection, let roster = input.roster else {
            return nil
        }
        let code = input.unit.code
        let sampled = selection.selected.contains { $0.code == code }
        let names = Dictionary(roster.lines.map { ($0.staff.staffNo, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [DataRow] = []
        for set in input.interviewSets where set == .committee || sampled {
            for person in InterviewDraw.draw(staff: roster.lines.map(\.staff), unit: code, drawSeed: selection.seed, set: set) {
                let line = names[person.staffNo]
                rows.append(
                    DataRow([
                        DataCell(set == .committee ? "专考委现场考核" : "抽查核验"), .code(person.staffNo), DataCell(line?.name ?? ""),
                        DataCell(person.group.chinese), DataCell(person.ticket.value, title: person.id),
                    ])
                )
            }
        }
        return DataTable(
            id: "interviews",
            title: "个别谈话名单(第 \(draw.drawNo) 次抽查的种子,名册第 \(roster.version) 版)",
            fileName: "个别谈话名单-\(code)",
            header: ["名单", "工号", "姓名", "类别", "抽样号"],
            rows: rows,
            downloadBase: downloadBase,
            emptyText: "本单位名册没有参加考核的人员。"
        )
    }

    /// 补定等次 for the office: the lines the latest roster leaves 不定等次 for an investigation.
    static func determinationForm(_ input: Inputs, base: String) -> DeterminationForm? {
        guard let csrf = input.officeCSRF else { return nil }
        let pending = (input.roster?.lines ?? []).filter { $0.staff.grade == .undetermined && $0.staff.underInvestigation }
        guard !pending.isEmpty else { return nil }
        return DeterminationForm(
            action: base + "/units/" + input.unit.code.rawValue + "/determinations",
            csrf: csrf,
            once: FormOnce.newToken(),
            pending: pending.map { SelectOption(value: $0.staff.staffNo, label: "\($0.staff.staffNo) \($0.name)") },
            grades: StaffGrade.allCases.filter { $0.isGraded && ($0 != .good || input.goodTier) }.map {
                SelectOption(value: $0.rawValue, label: $0.chinese)
            },
            sanctions: [SelectOption(value: "none", label: "未予处分"), SelectOption(value: "warning", label: "给予警告处分")],
            caseReference: "",
            reason: ""
        )
    }

    static func selfAssessmentSection(_ input: Inputs, base: String) -> SelfAssessmentSection {
        let unitBase = base + "/units/" + input.unit.code.rawValue
        let latest = input.history.filter { $0.step == .selfAssessment }.max { $0.version < $1.version }
        let content = try? latest?.decodeContent(SelfAssessmentContent.self)
        let report = content?.report ?? ""
        let takesFilings = input.selfAssessmentStep.map { $0.state == .open || $0.state == .late } ?? false
        let form = input.unitCSRF.flatMap { csrf in
            takesFilings
                ? SelfAssessmentSection.Form(action: unitBase + "/self-assessment", csrf: csrf, once: FormOnce.newToken(), report: report)
                : nil
        }
        return SelfAssessmentSection(
            timing: input.selfAssessmentStep.map { timing($0, now: input.now, what: "自评报送") } ?? "",
            latest: latest.map { version in
                "第 \(version.version) 版,\(ChineseTime.dateTime(version.filedAt))由 \(version.filedBy) 报送,\(version.late ? "逾期" : "按时")。"
            },
            report: form == nil && !report.isEmpty ? report : nil,
            reportCharacters: report.count,
            attachments: (content?.attachments ?? []).map { attachment in
                SelfAssessmentSection.Attachment(
                    name: attachment.name,
                    size: byteSize(attachment.size),
                    href: unitBase + "/self-assessment/attachments/"
                        + (attachment.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "")
                )
            },
            hasAttachments: !(content?.attachments ?? []).isEmpty,
            form: form,
            reportFiledNote: input.filed.flatMap { $0.kind == .selfAssessment ? "已报送自评报告第 \($0.version) 版。" : nil },
            reportError: nil
        )
    }

    /// The committee's score sheet while the step takes filings, or the assigned reviewer's
    /// re-check sheet while the grading is not confirmed, each filled with its latest sheet.
    static func scoreSheet(_ input: Inputs, base: String) -> ScoreSheetForm? {
        guard let scheme = input.scheme else { return nil }
        let unitBase = base + "/units/" + input.unit.code.rawValue
        if let csrf = input.committeeCSRF, let step = input.assessmentStep, step.state == .open || step.state == .late {
            let latest = input.history.filter { $0.step == .assessment }.max { $0.version < $1.version }
            let sheet = (try? latest?.decodeContent(AssessmentContent.self))?.sheet
            return ScoreSheetForm.make(
                scheme: scheme,
                values: sheet.map(ScoreSheetForm.values(of:)) ?? [:],
                errors: [:],
                kind: .assessment,
                unitBase: unitBase,
                csrf: csrf
            )
        }
        if let csrf = input.reviewerCSRF, input.gradingState != .confirmed, input.gradingState != .final {
            let latest = input.rechecks.filter { $0.reviewer == input.reviewer }.max { $0.version < $1.version }
            return ScoreSheetForm.make(
                scheme: scheme,
                values: latest.map { ScoreSheetForm.values(of: $0.content.sheet) } ?? [:],
                errors: [:],
                kind: .recheck,
                unitBase: unitBase,
                csrf: csrf
            )
        }
        return nil
    }

    /// When a step takes filings, in words, as of `now`: `what` names it (自评报送, 评分).
    static func timing(_ step: CycleStep, now: Date, what: String) -> String {
        let times = step.times
        switch step.state {
        case .pending:
            return "\(what)将于\(ChineseTime.dateTime(times.opensAt))开始,截止时间为\(ChineseTime.dateTime(times.deadline))。"
        case .open:
            return "报送截止:\(ChineseTime.dateTime(times.deadline))(\(ChineseTime.daysLeft(until: times.deadline, now: now)))。"
                + "截止后至\(ChineseTime.dateTime(times.closesAt))仍可报送,记为逾期。可多次报送,以最后一版为准。"
        case .late:
            return "已过截止时间\(ChineseTime.dateTime(times.deadline)),现在报送记为逾期;\(ChineseTime.dateTime(times.closesAt))后不再接受。"
        case .closed:
            return "\(what)已于\(ChineseTime.dateTime(step.closedAt ?? times.closesAt))截止,不再接受。"
        }
    }

    /// `1.2 MB`, `356 KB`, `812 字节`.
    static func byteSize(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        if bytes >= 1024 { return "\(bytes / 1024) KB" }
        return "\(bytes) 字节"
    }
}
