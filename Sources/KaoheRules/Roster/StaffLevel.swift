/// 层级: where a staff member stands in the unit, a closed list (SPEC "Staff rosters"; 篇五 and 篇八
/// assess 科级干部、中层干部 and 一般工作人员 apart; 篇十三 and the SPEC leave 领导班子成员 and
/// 主要负责人 to the supervising department).
///
/// - 领导班子成员 and 主要负责人 are assessed by the supervising department (主管部门 / 组织部):
///   their lines are checked against the grade bounds, but they never count in the unit's staff
///   quota, its tier limits or its participants P.
/// - 科级干部 and 中层干部 may have quotas of their own (`RosterPolicy.categoryLimits`).
///
/// In JSON: `principal` 主要负责人, `leader` 领导班子成员, `section` 科级干部, `middle` 中层干部,
/// `general` 一般工作人员. A roster cell may hold any of the terms in `terms` (the short forms clerks
/// write, such as 中层 or 一般); a blank cell is 一般工作人员.
public enum StaffLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// 主要负责人
    case principal
    /// 领导班子成员
    case leader
    /// 科级干部
    case section
    /// 中层干部
    case middle
    /// 一般工作人员
    case general

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .principal: "主要负责人"
        case .leader: "领导班子成员"
        case .section: "科级干部"
        case .middle: "中层干部"
        case .general: "一般工作人员"
        }
    }

    /// 领导班子成员 or 主要负责人: assessed by the supervising department, outside the unit's quota.
    public var isLeadership: Bool { self == .principal || self == .leader }

    /// Position in `allCases`, for counting without hashing.
    public var index: Int {
        switch self {
        case .principal: 0
        case .leader: 1
        case .section: 2
        case .middle: 3
        case .general: 4
        }
    }

    /// Every term a roster may use, with what it means: the JSON values, the Chinese terms and the
    /// short forms of the seed documents' tables.
    public static let terms: [(String, StaffLevel)] =
        allCases.flatMap { [($0.rawValue, $0), ($0.chinese, $0)] } + [
            ("主要领导", .principal), ("单位主要负责人", .principal), ("正职", .principal),
            ("领导班子", .leader), ("班子成员", .leader), ("领导", .leader),
            ("科级", .section), ("科级领导", .section),
            ("中层", .middle), ("中层领导", .middle),
            ("一般", .general), ("一般人员", .general), ("职工", .general), ("工作人员", .general),
        ]

    /// The level a stored or typed term names (blank → 一般工作人员); nil for a term not on the list.
    public init?(term: String) {
        if term.isEmpty {
            self = .general
            return
        }
        guard let found = Self.byTerm[term] else { return nil }
        self = found
    }

    private static let byTerm = Dictionary(terms, uniquingKeysWith: { first, _ in first })

    /// The terms a clerk may type, for messages: `主要负责人/领导班子成员/科级干部/中层干部/一般工作人员`.
    public static var choices: String { allCases.map(\.chinese).joined(separator: "/") }
}

/// 岗位类别 (SPEC "Staff rosters"): 管理 / 专业技术 / 工勤技能, a closed list. 工勤技能人员 have
/// their own consequences across years (篇十三 第四十二条(五)).
///
/// In JSON: `management` 管理, `professional` 专业技术, `worker` 工勤技能.
public enum PostCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// 管理岗位
    case management
    /// 专业技术岗位
    case professional
    /// 工勤技能岗位
    case worker

    /// The Chinese term.
    public var chinese: String {
        switch self {
        case .management: "管理"
        case .professional: "专业技术"
        case .worker: "工勤技能"
        }
    }

    /// Every term a roster may use, with what it means.
    public static let terms: [(String, PostCategory)] =
        allCases.flatMap { [($0.rawValue, $0), ($0.chinese, $0), ($0.chinese + "岗位", $0), ($0.chinese + "人员", $0)] } + [
            ("管理岗", .management), ("专技", .professional), ("专技岗", .professional), ("工勤", .worker), ("工勤岗", .worker),
        ]

    /// The category a stored or typed term names; nil for blank or a term not on the list.
    public init?(term: String) {
        guard let found = Self.byTerm[term] else { return nil }
        self = found
    }

    private static let byTerm = Dictionary(terms, uniquingKeysWith: { first, _ in first })

    /// `管理/专业技术/工勤技能`.
    public static var choices: String { allCases.map(\.chinese).joined(separator: "/") }
}
