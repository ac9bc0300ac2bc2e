/// 考核结果的使用 across years (篇十三 第四十二–四十七条; SPEC "Staff across cycles"): what a staff
/// member's annual results mean for the office, as flags with their article — never an automatic
/// personnel action.
public enum StaffConsequence: String, Sendable, Hashable, Codable, CaseIterable {
    /// 第四十三条(三): 连续两年基本合格 → 组织调整其工作岗位,或安排其离岗接受必要的培训后调整工作岗位
    /// (向较低等级调整岗位).
    case basicTwoYears = "basic-two-years"
    /// 第四十四条: 不合格 → 调整岗位或离岗培训,本考核年度不计算为……任职年限.
    case incompetent
    /// 第四十二条(五): 工勤技能人员连续两年优秀 → 在同等条件下优先聘用到上一级岗位.
    case workerExcellentTwoYears = "worker-excellent-two-years"
    /// 第四十六条: 试用期满考核不合格 → 不予正式聘用 (a line in probation last year, 不合格 this year).
    case probationIncompetent = "probation-incompetent"
    /// 第四十七条: 不定等次 or 不参加 → 不增加薪级工资 for the year.
    case noSalaryStep = "no-salary-step"

    /// The article.
    public var article: String {
        switch self {
        case .basicTwoYears: "篇十三 第四十三条(三)"
        case .incompetent: "篇十三 第四十四条"
        case .workerExcellentTwoYears: "篇十三 第四十二条(五)"
        case .probationIncompetent: "篇十三 第四十六条"
        case .noSalaryStep: "篇十三 第四十七条"
        }
    }

    /// What the office reads.
    public var chinese: String {
        switch self {
        case .basicTwoYears: "连续两年基本合格,应向较低等级调整岗位"
        case .incompetent: "本年度不合格,应调整岗位,本年度不计算任职年限"
        case .workerExcellentTwoYears: "工勤技能人员连续两年优秀,同等条件下优先聘用到上一级岗位"
        case .probationIncompetent: "试用期满考核不合格,不予正式聘用"
        case .noSalaryStep: "本年度不定等次或不参加考核,不增加薪级工资"
        }
    }

    /// One year's result of a person, as the flags read it.
    public struct Year: Sendable, Hashable, Codable {
        /// The cycle (`2026`).
        public var cycle: String
        public var grade: StaffGrade
        public var post: PostCategory?
        public var probation: Bool

        /// A year's result.
        public init(cycle: String, grade: StaffGrade, post: PostCategory? = nil, probation: Bool = false) {
            self.cycle = cycle
            self.grade = grade
            self.post = post
            self.probation = probation
        }
    }

    /// The flags of `year` given the person's result of the annual cycle before it (`previous`, nil
    /// when there is none on record), in the order of `allCases`.
    public static func flags(year: Year, previous: Year?) -> [StaffConsequence] {
        var flags: [StaffConsequence] = []
        if year.grade == .basic, previous?.grade == .basic { flags.append(.basicTwoYears) }
        if year.grade == .incompetent { flags.append(.incompetent) }
        if year.grade == .excellent, previous?.grade == .excellent, year.post == .worker {
            flags.append(.workerExcellentTwoYears)
        }
        if year.grade == .incompetent, previous?.probation == true { flags.append(.probationIncompetent) }
        if year.grade == .undetermined || year.grade == .excluded { flags.append(.noSalaryStep) }
        return flags
    }
}
