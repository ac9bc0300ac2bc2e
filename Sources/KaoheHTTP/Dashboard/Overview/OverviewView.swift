import Foundation
import KaoheRules
import KaoheStore

/// What `overview.mustache` shows: per step a progress bar (filed, draft, late, missing) with its
/// deadline and the days left, the late units, open roster violations, ratio conflicts and
/// objections awaiting review — all limited to the account's units.
struct OverviewView {
    struct Segment {
        var kind: String
        var x: String
        var width: String
    }
    struct Step {
        var name: String
        var deadline: String
        /// The deadline as the downloads hold it (`2026-12-06 18:00`).
        var deadlineAt: String
        var daysLeft: String
        var passed: Bool
        var filed = 0, draft = 0, late = 0, missing = 0, total = 0
        var segments: [Segment] = []
    }
    struct OtherDeadline {
        var what: String
        var at: String
        var daysLeft: String
    }
    struct LateUnit {
        var code: UnitCode
        var name: String
        var href: String
        var committee: String
        var steps: String
    }
    struct Violation {
        var unitName: String
        var href: String
        var staffNo: String
        /// The rule's id (a tooltip, and the CSV) and its Chinese name (what the table shows).
        var rule: String
        var ruleName: String
        var message: String
    }
    struct Conflict {
        var scope: String
        var message: String
        var units: String?
    }
    struct FailingJob {
        var what: String
        var dueAt: String
        var attempts: Int
        var state: String
        var error: String
    }
    struct Objection {
        var id: String
        var unitName: String
        var href: String
        var filedAt: String
        /// When it was filed, as the downloads hold it.
        var filedAtExport: String
    }

    var scopeNote: String?
    /// Set for the office and the auditor when a year's holiday notice the county needs is missing.
    var calendarWarning: String?
    /// `…/overview`: each table downloads as `.csv?table=id` and `.xlsx?table=id`.
    var downloadBase: String
    var steps: [Step]
    var otherDeadlines: [OtherDeadline]
    var hasOtherDeadlines = false
    var lateUnits: [LateUnit]
    var lateCount = 0
    var hasLate = false
    var violations: [Violation]
    var violationCount = 0
    var hasViolations = false
    /// Set when the page lists only the first of the late units or violations (`shortenLists`).
    var lateMore: String?
    var violationsMore: String?
    var gradingState: String?
    var conflicts: [Conflict]
    var conflictCount = 0
    var hasConflicts = false
    var objections: [Objection]
    var objectionCount = 0
    var hasObjections = false
    /// Scheduled work that failed: shown to the county-wide accounts only.
    var failingJobs: [FailingJob] = []
    var hasFailingJobs = false

    init(page: CyclePage, monitor: CycleMonitor, visibility: UnitVisibility) {
        let now = page.cycle.now
        let committeeNames = visibility.committeeNames
        scopeNote = visibility.scopeNote
        downloadBase = page.base + "/overview"
        let names = Dictionary(monitor.units.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        steps = page.cycle.steps.map { cycleStep in
            var step = Step(
                name: cycleStep.step.chinese,
                deadline: ChineseTime.dateTime(cycleStep.times.deadline),
                deadlineAt: ChineseTime.spreadsheetText(cycleStep.times.deadline),
                daysLeft: ChineseTime.daysLeft(until: cycleStep.times.deadline, now: now),
                passed: cycleStep.times.deadline <= now
            )
            for unit in monitor.units {
                switch unit.steps.status(of: cycleStep.step) {
                case "filed": step.filed += 1
                case "draft": step.draft += 1
                case "late": step.late += 1
                default: step.missing += 1
                }
            }
            step.total = monitor.units.count
            var x = 0.0
            for (kind, count) in [("filed", step.filed), ("draft", step.draft), ("late", step.late), ("missing", step.missing)]
            where count > 0 {
                let width = Double(count) * 100 / Double(max(step.total, 1))
                step.segments.append(Segment(kind: kind, x: Self.number(x), width: Self.number(width)))
                x += width
            }
            return step
        }
        otherDeadlines = monitor.deadlines.compactMap { deadline in
            guard !deadline.what.hasPrefix("deadline."), let at = ShanghaiTime.parse(deadline.at, dateMeansEndOfDay: false) else {
                return nil
            }
            return OtherDeadline(
                what: Self.deadlineName(deadline.what),
                at: ChineseTime.dateTime(at),
                daysLeft: ChineseTime.daysLeft(until: at, now: now)
            )
        }
        lateUnits = monitor.units.compactMap { unit in
            let late = FilingStep.allCases.filter { unit.steps.status(of: $0) == "late" }
            guard !late.isEmpty else { return nil }
            return LateUnit(
                code: unit.code,
                name: unit.name,
                href: page.unitHref(unit.code),
                committee: committeeNames[unit.committee] ?? unit.committee,
                steps: late.map(\.chinese).joined(separator: "、")
            )
        }
        violations = monitor.violations.map {
            Violation(
                unitName: names[$0.unit] ?? $0.unit.rawValue,
                href: page.unitHref($0.unit),
                staffNo: $0.staffNo ?? "",
                rule: $0.rule ?? "",
                ruleName: $0.rule.flatMap(RosterRule.init(rawValue:))?.chinese ?? ($0.rule ?? ""),
                message: $0.message ?? ""
            )
        }
        gradingState = monitor.grading?.state.map(Self.gradingStateName)
        conflicts = (monitor.grading?.conflicts ?? []).map { conflict in
            Conflict(
                scope: conflict.scope.map { committeeNames[$0] ?? ($0 == "county" ? "全县" : $0) } ?? "",
                message: conflict.message ?? "等次比例超出规定，须由县事考办处理。",
                units: conflict.units.map { $0.map { names[$0] ?? $0.rawValue }.joined(separator: "、") }
            )
        }
        objections = monitor.objections.map {
            let filedAt = $0.filedAt.flatMap { ShanghaiTime.parse($0, dateMeansEndOfDay: false) }
            return Objection(
                id: $0.id.description,
                unitName: names[$0.unit] ?? $0.unit.rawValue,
                href: page.unitHref($0.unit),
                filedAt: filedAt.map(ChineseTime.dateTime) ?? "",
                filedAtExport: filedAt.map(ChineseTime.spreadsheetText) ?? ""
            )
        }
        if page.countyWide {
            failingJobs = (monitor.jobs ?? []).map { job in
                FailingJob(
                    what: Self.jobName(job.kind),
                    dueAt: job.dueAt.flatMap { ShanghaiTime.parse($0, dateMeansEndOfDay: false) }.map(ChineseTime.dateTime) ?? "",
                    attempts: job.attempts,
                    state: job.givenUp ? "已停止重试，请处理后由县事考办手动执行" : "将自动重试",
                    // The rule id stays in the monitor's JSON; a person reads the sentence.
                    error: (job.lastError ?? "").replacing(#/ \[[^\]]*\]$/#, with: "")
                )
            }
        }
        // Stored, not computed: the template engine reads a view's stored properties only.
        hasOtherDeadlines = !otherDeadlines.isEmpty
        lateCount = lateUnits.count
        hasLate = lateCount > 0
        violationCount = violations.count
        hasViolations = violationCount > 0
        conflictCount = conflicts.count
        hasConflicts = conflictCount > 0
        objectionCount = objections.count
        hasObjections = objectionCount > 0
        hasFailingJobs = !failingJobs.isEmpty
    }

    /// A scheduled run's kind in words.
    static func jobName(_ kind: String) -> String {
        if kind.hasPrefix("step.close.") { return (FilingStep(rawValue: String(kind.dropFirst(11)))?.chinese ?? kind) + "截止" }
        switch kind {
        case "spot_check.freeze": return "冻结抽样总体"
        case "spot_check.draw": return "随机抽签"
        case "publicity.close": return "公示期满确定结果"
        default: return kind
        }
    }

    static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    static func deadlineName(_ what: String) -> String {
        if what.hasPrefix("close.") { return (FilingStep(rawValue: String(what.dropFirst(6)))?.chinese ?? what) + "关闭" }
        switch what {
        case "publicity.close": return "公示结束"
        case "job.spot_check.freeze", "job.spot-check.freeze": return "抽查名单冻结"
        case "job.spot_check.draw", "job.spot-check.draw": return "随机抽查"
        default: return what
        }
    }

    static func gradingStateName(_ state: String) -> String {
        switch state {
        case "proposed": "已提出定等建议"
        case "confirmed": "等次已确认"
        case "published", "publicity": "公示中"
        case "final", "finalised", "finalized": "结果已确定"
        default: state
        }
    }
}

extension CycleMonitor.Steps {
    /// The status of one step (`filed`, `draft`, `late`, `not_started`).
    func status(of step: FilingStep) -> String {
        switch step {
        case .selfAssessment: self_assessment
        case .assessment: assessment
        case .roster: roster
        }
    }
}

extension OverviewView {
    /// The overview's warning for holiday notices not loaded (nil when none is missing).
    static func calendarWarning(missing: [Int]) -> String? {
        guard !missing.isEmpty else { return nil }
        let years = missing.map { "\($0)年" }.joined(separator: "、")
        return "尚未导入\(years)的节假日安排（国务院办公厅通知）。公示期、复核申请期限跨入该年时将无法计算工作日；"
            + "通知发布后，请县事考办在“节假日安排”页导入（粘贴通知正文即可）。"
    }
}

extension OverviewView {
    /// Rows of the late units and of the violations listed on the page; the downloads hold all.
    static let listedOnPage = 100

    /// Lists only the first `limit` late units and violations, saying how many there are and
    /// where to see all (an overview of 2,000 units must not be a table of 2,000 violations).
    mutating func shortenLists(to limit: Int) {
        if lateUnits.count > limit {
            lateUnits = Array(lateUnits.prefix(limit))
            lateMore = "仅列出前 \(limit) 个,共 \(lateCount) 个;全部请下载 Excel 或 CSV,或在单位一览中按报送状态筛选。"
        }
        if violations.count > limit {
            violations = Array(violations.prefix(limit))
            violationsMore = "仅列出前 \(limit) 条,共 \(violationCount) 条;全部请下载 Excel 或 CSV,或在单位一览中按违规数排序。"
        }
    }
}
