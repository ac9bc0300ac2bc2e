/// What an audit entry records was done: the `action` of `audit_log`, from a closed list here, so
/// that every kind of entry is greppable by its name and a typo is a compile error. Entries written
/// by the database itself (`file_versions`: `filing.<step>`) use the same names.
public struct AuditAction: Sendable, Hashable, CustomStringConvertible {
    /// The dotted name stored in `audit_log.action`.
    public let name: String
    /// What a clerk reads for it (报送考核名册, 确认考核等次, …).
    public let chineseName: String

    init(_ name: String, _ chineseName: String) {
        self.name = name
        self.chineseName = chineseName
    }

    /// An action by name, for tests.
    package static func named(_ name: String) -> AuditAction { AuditAction(name, name) }

    /// `filing.<step>`: a filing of the step (written by `file_versions` for batches).
    public static func filing(_ step: FilingStep) -> AuditAction {
        let what =
            switch step {
            case .selfAssessment: "报送自评报告"
            case .assessment: "报送专考委考核评分"
            case .roster: "报送考核名册"
            }
        return AuditAction("filing." + step.rawValue, what)
    }

    /// Every action of the list, the filings of each step included.
    public static var all: [AuditAction] {
        FilingStep.allCases.map(filing) + listed
    }

    /// What a clerk reads for the action stored as `name`: its Chinese name, or nil for a name not
    /// on the list (an entry written by an older or newer kaohe).
    public static func chineseName(of name: String) -> String? {
        all.first { $0.name == name }?.chineseName
    }

    public var description: String { name }

    /// `account.create`.
    public static let accountCreate = AuditAction("account.create", "创建账号")
    /// `account.password.set`.
    public static let accountPasswordSet = AuditAction("account.password.set", "设置密码")
    /// `appeal.decide`.
    public static let appealDecide = AuditAction("appeal.decide", "申诉处理")
    /// `appeal.file`.
    public static let appealFile = AuditAction("appeal.file", "提出申诉")
    /// `staff.transfer`: a staff member's move to another unit or number, from a cycle on.
    public static let staffTransfer = AuditAction("staff.transfer", "记录人员调动")
    /// `calendar.load`: a year's holiday notice loaded for the county.
    public static let calendarLoad = AuditAction("calendar.load", "导入节假日安排")
    /// `committee.add`.
    public static let committeeAdd = AuditAction("committee.add", "新增专考委")
    /// `county.create`.
    public static let countyCreate = AuditAction("county.create", "登记县(市、区)")
    /// `county.enrol`.
    public static let countyEnrol = AuditAction("county.enrol", "登记县考核名录")
    /// `cycle.create`.
    public static let cycleCreate = AuditAction("cycle.create", "创建考核周期")
    /// `cycle.enrol`.
    public static let cycleEnrol = AuditAction("cycle.enrol", "确定参加考核的单位")
    /// `cycle.step.close`.
    public static let cycleStepClose = AuditAction("cycle.step.close", "提前截止报送")
    /// `cycle.step.closed`.
    public static let cycleStepClosed = AuditAction("cycle.step.closed", "报送按期截止")
    /// `cycle.deadline.extend`.
    public static let cycleDeadlineExtend = AuditAction("cycle.deadline.extend", "延长报送截止时间")
    /// `cycle.update`.
    public static let cycleUpdate = AuditAction("cycle.update", "修改考核周期")
    /// `cycle.policy`.
    public static let cyclePolicy = AuditAction("cycle.policy", "修改考核政策")
    /// `department.add`.
    public static let departmentAdd = AuditAction("department.add", "新增主管部门")
    /// `grading.confirm`.
    public static let gradingConfirm = AuditAction("grading.confirm", "确认考核等次")
    /// `grading.decide`.
    public static let gradingDecide = AuditAction("grading.decide", "记录并列研判")
    /// `grading.department-result`.
    public static let gradingDepartmentResult = AuditAction("grading.department-result", "记录主管部门考核结果")
    /// `grading.event.record`.
    public static let gradingEventRecord = AuditAction("grading.event.record", "记录影响等次的情形")
    /// `grading.event.withdraw`.
    public static let gradingEventWithdraw = AuditAction("grading.event.withdraw", "撤销影响等次的情形")
    /// `grading.regrade`: the standing proposal re-run because a filing it counts changed.
    public static let gradingRegrade = AuditAction("grading.regrade", "重新计算等次")
    /// `grading.propose`.
    public static let gradingPropose = AuditAction("grading.propose", "拟定考核等次")
    /// `grading.ratio-rulings`.
    public static let gradingRatioRulings = AuditAction("grading.ratio-rulings", "记录比例冲突研判")
    /// `objection.file`.
    public static let objectionFile = AuditAction("objection.file", "提出异议")
    /// `objection.review`.
    public static let objectionReview = AuditAction("objection.review", "异议复议")
    /// `publicity.finalise`.
    public static let publicityFinalise = AuditAction("publicity.finalise", "确定最终结果")
    /// `publicity.open`.
    public static let publicityOpen = AuditAction("publicity.open", "发布公示")
    /// `recheck.file`.
    public static let recheckFile = AuditAction("recheck.file", "报送核验结果")
    /// `reviewer.add`.
    public static let reviewerAdd = AuditAction("reviewer.add", "新增核验人员")
    /// `session.locked`.
    public static let sessionLocked = AuditAction("session.locked", "账号临时锁定")
    /// `session.login`.
    public static let sessionLogin = AuditAction("session.login", "登录")
    /// `session.login_failed`.
    public static let sessionLoginFailed = AuditAction("session.login_failed", "登录失败")
    /// `session.logout`.
    public static let sessionLogout = AuditAction("session.logout", "退出登录")
    /// `spot_check.draw`.
    public static let spotCheckDraw = AuditAction("spot_check.draw", "抽签")
    /// `spot_check.freeze`.
    public static let spotCheckFreeze = AuditAction("spot_check.freeze", "冻结抽样总体")
    /// `spot_check.supersede`.
    public static let spotCheckSupersede = AuditAction("spot_check.supersede", "作废并重新抽签")
    /// `token.issue`.
    public static let tokenIssue = AuditAction("token.issue", "签发令牌")
    /// `token.revoke`.
    public static let tokenRevoke = AuditAction("token.revoke", "吊销令牌")
    /// `unit.import`.
    public static let unitImport = AuditAction("unit.import", "导入单位名录")

    static let listed: [AuditAction] = [
        .accountCreate,
        .accountPasswordSet,
        .appealDecide,
        .appealFile,
        .calendarLoad,
        .staffTransfer,
        .committeeAdd,
        .countyCreate,
        .countyEnrol,
        .cycleCreate,
        .cycleEnrol,
        .cycleStepClose,
        .cycleStepClosed,
        .cycleDeadlineExtend,
        .cycleUpdate,
        .cyclePolicy,
        .departmentAdd,
        .gradingConfirm,
        .gradingDecide,
        .gradingDepartmentResult,
        .gradingEventRecord,
        .gradingEventWithdraw,
        .gradingRegrade,
        .gradingPropose,
        .gradingRatioRulings,
        .objectionFile,
        .objectionReview,
        .publicityFinalise,
        .publicityOpen,
        .recheckFile,
        .reviewerAdd,
        .sessionLocked,
        .sessionLogin,
        .sessionLoginFailed,
        .sessionLogout,
        .spotCheckDraw,
        .spotCheckFreeze,
        .spotCheckSupersede,
        .tokenIssue,
        .tokenRevoke,
        .unitImport,
    ]
}
