/// What an audit entry records was done: the `action` of `audit_log`, from a closed list here, so
/// that every kind of entry is greppable by its name and a typo is a compile error. Entries written
/// by the database itself (`file_versions`: `filing.<step>`) use the same names.
public struct AuditAction: Sendable, Hashable, CustomStringConvertible {
    /// The dotted name stored in `audit_log.action`.
    public let name: String

    init(_ name: String) { self.name = name }

    /// An action by name, for tests and for the filing steps (`filing(_:)`).
    package static func named(_ name: String) -> AuditAction { AuditAction(name) }

    /// `filing.<step>`: a filing of the step (written by `file_versions` for batches).
    public static func filing(_ step: FilingStep) -> AuditAction { AuditAction("filing." + step.rawValue) }

    public var description: String { name }

    /// `account.create`.
    public static let accountCreate = AuditAction("account.create")
    /// `account.password.set`.
    public static let accountPasswordSet = AuditAction("account.password.set")
    /// `appeal.decide`.
    public static let appealDecide = AuditAction("appeal.decide")
    /// `appeal.file`.
    public static let appealFile = AuditAction("appeal.file")
    /// `calendar.load`: a year's holiday notice loaded for the county.
    public static let calendarLoad = AuditAction("calendar.load")
    /// `committee.add`.
    public static let committeeAdd = AuditAction("committee.add")
    /// `county.create`.
    public static let countyCreate = AuditAction("county.create")
    /// `county.enrol`.
    public static let countyEnrol = AuditAction("county.enrol")
    /// `cycle.create`.
    public static let cycleCreate = AuditAction("cycle.create")
    /// `cycle.enrol`.
    public static let cycleEnrol = AuditAction("cycle.enrol")
    /// `cycle.step.close`.
    public static let cycleStepClose = AuditAction("cycle.step.close")
    /// `cycle.step.closed`.
    public static let cycleStepClosed = AuditAction("cycle.step.closed")
    /// `cycle.update`.
    public static let cycleUpdate = AuditAction("cycle.update")
    /// `department.add`.
    public static let departmentAdd = AuditAction("department.add")
    /// `grading.confirm`.
    public static let gradingConfirm = AuditAction("grading.confirm")
    /// `grading.decide`.
    public static let gradingDecide = AuditAction("grading.decide")
    /// `grading.department-result`.
    public static let gradingDepartmentResult = AuditAction("grading.department-result")
    /// `grading.event.record`.
    public static let gradingEventRecord = AuditAction("grading.event.record")
    /// `grading.event.withdraw`.
    public static let gradingEventWithdraw = AuditAction("grading.event.withdraw")
    /// `grading.regrade`: the standing proposal re-run because a filing it counts changed.
    public static let gradingRegrade = AuditAction("grading.regrade")
    /// `grading.propose`.
    public static let gradingPropose = AuditAction("grading.propose")
    /// `grading.ratio-rulings`.
    public static let gradingRatioRulings = AuditAction("grading.ratio-rulings")
    /// `objection.file`.
    public static let objectionFile = AuditAction("objection.file")
    /// `objection.review`.
    public static let objectionReview = AuditAction("objection.review")
    /// `publicity.finalise`.
    public static let publicityFinalise = AuditAction("publicity.finalise")
    /// `publicity.open`.
    public static let publicityOpen = AuditAction("publicity.open")
    /// `recheck.file`.
    public static let recheckFile = AuditAction("recheck.file")
    /// `reviewer.add`.
    public static let reviewerAdd = AuditAction("reviewer.add")
    /// `session.locked`.
    public static let sessionLocked = AuditAction("session.locked")
    /// `session.login`.
    public static let sessionLogin = AuditAction("session.login")
    /// `session.login_failed`.
    public static let sessionLoginFailed = AuditAction("session.login_failed")
    /// `session.logout`.
    public static let sessionLogout = AuditAction("session.logout")
    /// `spot_check.draw`.
    public static let spotCheckDraw = AuditAction("spot_check.draw")
    /// `spot_check.freeze`.
    public static let spotCheckFreeze = AuditAction("spot_check.freeze")
    /// `spot_check.supersede`.
    public static let spotCheckSupersede = AuditAction("spot_check.supersede")
    /// `token.issue`.
    public static let tokenIssue = AuditAction("token.issue")
    /// `token.revoke`.
    public static let tokenRevoke = AuditAction("token.revoke")
    /// `unit.import`.
    public static let unitImport = AuditAction("unit.import")
}
