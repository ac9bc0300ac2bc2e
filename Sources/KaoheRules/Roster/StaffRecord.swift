/// 工作人员年度考核登记: one line of a unit's roster, with the facts that bound the grade.
public struct StaffRecord: Sendable, Hashable, Codable {
    /// Unit-internal staff number (工号).
    public var staffNo: String
    /// 综合量化测评分 (0–100), when the unit scores numerically.
    public var score: Score?
    /// The proposed annual grade.
    public var grade: StaffGrade
    /// Sanction in force this year / in its period.
    public var sanction: Sanction
    /// 涉嫌违法违纪被立案调查尚未结案.
    public var underInvestigation: Bool
    /// 首次就业,在试用期内.
    public var probation: Bool
    /// 病假(因工负伤除外)、事假、非单位派出外出学习 in the year, whole months.
    public var leaveMonths: Int
    /// 未聘时间 in the year, whole months (第三十七条).
    public var unassignedMonths: Int
    /// 无正当理由拒不参加年度考核.
    public var refused: Bool
    /// Quarterly results, when the unit runs quarterly assessment.
    public var quarters: [QuarterResult]
    /// 层级: leaders are outside the unit's quota; 科级/中层 may have quotas of their own.
    public var level: StaffLevel
    /// 岗位类别, when given.
    public var post: PostCategory?

    /// Creates a record; facts default to none.
    public init(
        staffNo: String,
        score: Score? = nil,
        grade: StaffGrade,
        sanction: Sanction = .none,
        underInvestigation: Bool = false,
        probation: Bool = false,
        leaveMonths: Int = 0,
        unassignedMonths: Int = 0,
        refused: Bool = false,
        quarters: [QuarterResult] = [],
        level: StaffLevel = .general,
        post: PostCategory? = nil
    ) {
        self.staffNo = staffNo
        self.score = score
        self.grade = grade
        self.sanction = sanction
        self.underInvestigation = underInvestigation
        self.probation = probation
        self.leaveMonths = leaveMonths
        self.unassignedMonths = unassignedMonths
        self.refused = refused
        self.quarters = quarters
        self.level = level
        self.post = post
    }

    private enum CodingKeys: String, CodingKey {
        case staffNo, score, grade, sanction, underInvestigation, probation, leaveMonths, unassignedMonths, refused, quarters
        case level, post
    }

    /// Reads a roster line; every fact but `staffNo` and `grade` may be left out. `level` and
    /// `post` take any of their terms (`中层`, `middle`); a level left out is 一般工作人员.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            staffNo: try container.decode(String.self, forKey: .staffNo),
            score: try container.decodeIfPresent(Score.self, forKey: .score),
            grade: try container.decode(StaffGrade.self, forKey: .grade),
            sanction: try container.decodeIfPresent(Sanction.self, forKey: .sanction) ?? .none,
            underInvestigation: try container.decodeIfPresent(Bool.self, forKey: .underInvestigation) ?? false,
            probation: try container.decodeIfPresent(Bool.self, forKey: .probation) ?? false,
            leaveMonths: try container.decodeIfPresent(Int.self, forKey: .leaveMonths) ?? 0,
            unassignedMonths: try container.decodeIfPresent(Int.self, forKey: .unassignedMonths) ?? 0,
            refused: try container.decodeIfPresent(Bool.self, forKey: .refused) ?? false,
            quarters: try container.decodeIfPresent([QuarterResult].self, forKey: .quarters) ?? [],
            level: try Self.term(container, .level, StaffLevel.init(term:), choices: StaffLevel.choices) ?? .general,
            post: try Self.term(container, .post, PostCategory.init(term:), choices: PostCategory.choices)
        )
    }

    private static func term<Value>(
        _ container: KeyedDecodingContainer<CodingKeys>,
        _ key: CodingKeys,
        _ read: (String) -> Value?,
        choices: String
    ) throws -> Value? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = read(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "“\(text)”不在可选范围内(\(choices)) / not a known term"
            )
        }
        return value
    }
}
