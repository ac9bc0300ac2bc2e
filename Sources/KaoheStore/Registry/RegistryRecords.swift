public import KaoheRules

/// 县: a county, by its 6-digit administrative division code.
public struct County: Sendable, Hashable, Codable {
    /// 行政区划代码, 6 digits.
    public var code: CountyCode
    /// 县名.
    public var name: String
    /// Makes a county record.
    public init(code: CountyCode, name: String) {
        self.code = code
        self.name = name
    }
}

/// 专业考核委员会 (专考委): scores the units of one sector.
public struct Committee: Sendable, Hashable, Codable {
    /// The county it belongs to.
    public var county: CountyCode
    /// Short id within the county (`education`).
    public var id: String
    /// 名称.
    public var name: String
    /// Makes a committee record.
    public init(county: CountyCode, id: String, name: String) {
        self.county = county
        self.id = id
        self.name = name
    }
}

/// 主管部门 / 举办单位: a unit's supervising department.
public struct Department: Sendable, Hashable, Codable {
    /// The county it belongs to.
    public var county: CountyCode
    /// Short id within the county.
    public var id: String
    /// 名称.
    public var name: String
    /// Makes a department record.
    public init(county: CountyCode, id: String, name: String) {
        self.county = county
        self.id = id
        self.name = name
    }
}

/// 事业单位: a public institution enrolled in the county's assessment.
public struct UnitRecord: Sendable, Hashable, Codable {
    /// The county it belongs to.
    public var county: CountyCode
    /// 统一社会信用代码 (18 characters, checksum already verified by KaoheRules).
    public var code: UnitCode
    /// 单位名称.
    public var name: String
    /// The committee that assesses it.
    public var committee: String
    /// Its supervising department.
    public var department: String
    /// 在编人数.
    public var headcount: Int
    /// Makes a unit record.
    public init(county: CountyCode, code: UnitCode, name: String, committee: String, department: String, headcount: Int) {
        self.county = county
        self.code = code
        self.name = name
        self.committee = committee
        self.department = department
        self.headcount = headcount
    }
}

/// 核验人员: someone the office can send to re-evaluate a sampled unit (实地二次评价). Their own
/// committee and supervising department are kept for 回避: a reviewer is never drawn for a unit of
/// either.
public struct ReviewerRecord: Sendable, Hashable, Codable {
    /// The county whose register holds them.
    public var county: CountyCode
    /// Short id within the county (`wang.li`).
    public var id: String
    /// 姓名.
    public var name: String
    /// The committee they belong to, if any (回避).
    public var committee: String?
    /// The supervising department they work in, if any (回避).
    public var department: String?
    /// Whether they can be drawn.
    public var active: Bool
    /// Makes a reviewer record.
    public init(county: CountyCode, id: String, name: String, committee: String? = nil, department: String? = nil, active: Bool = true) {
        self.county = county
        self.id = id
        self.name = name
        self.committee = committee
        self.department = department
        self.active = active
    }
}
