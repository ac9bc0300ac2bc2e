import Foundation
import KaoheRules
import KaoheStore
public import Logging
public import Postgres

/// The demo county the embedded default seeds into an empty database, so a newcomer who runs
/// `kaohed` sees real-looking data at once: 示例县 (division code 990101, not a real county),
/// four committees, their supervising departments and 48 units whose unified social credit codes
/// carry valid organisation-code and GB 32100 check symbols.
public enum DemoCounty {
    static let county = County(code: "990101", name: "示例县")

    /// (committee id, committee name, [(department id, department name, [unit names])])
    static let sectors: [(String, String, [(String, String, [String])])] = [
        (
            "education", "教育专业考核委员会",
            [
                (
                    "edu-bureau", "县教育局",
                    [
                        "示例县第一中学", "示例县第二中学", "示例县实验小学", "示例县城关小学", "示例县职业技术学校",
                        "示例县幼儿园", "示例县教师进修学校", "示例县青少年活动中心", "示例县特殊教育学校",
                        "示例县东关中学", "示例县西关小学", "示例县教育考试中心",
                    ]
                )
            ]
        ),
        (
            "health", "卫生健康专业考核委员会",
            [
                (
                    "health-bureau", "县卫生健康局",
                    [
                        "示例县人民医院", "示例县中医院", "示例县妇幼保健院", "示例县疾病预防控制中心",
                        "示例县卫生健康综合监督执法大队", "示例县急救中心", "示例县城关镇卫生院", "示例县东坝镇卫生院",
                        "示例县西河乡卫生院", "示例县南山镇卫生院",
                    ]
                ),
                ("medical-security", "县医疗保障局", ["示例县医疗保障服务中心", "示例县医疗保险基金管理中心"]),
            ]
        ),
        (
            "agriculture", "农业农村专业考核委员会",
            [
                (
                    "agri-bureau", "县农业农村局",
                    [
                        "示例县农业技术推广中心", "示例县畜牧兽医服务中心", "示例县农村经营管理站",
                        "示例县植保植检站", "示例县农产品质量安全检测中心", "示例县种子管理站",
                    ]
                ),
                ("water-bureau", "县水利局", ["示例县水利工作站", "示例县水库管理所", "示例县水土保持站"]),
                ("forest-bureau", "县林业局", ["示例县林业技术推广站", "示例县国有林场", "示例县森林病虫害防治站"]),
            ]
        ),
        (
            "general", "综合专业考核委员会",
            [
                ("party-office", "县委办公室", ["示例县档案馆", "示例县机关事务服务中心", "示例县融媒体中心"]),
                ("culture-bureau", "县文化和旅游局", ["示例县图书馆", "示例县文化馆", "示例县博物馆", "示例县旅游服务中心"]),
                ("hrss-bureau", "县人力资源和社会保障局", ["示例县就业服务中心", "示例县社会保险服务中心", "示例县劳动人事争议仲裁院"]),
                ("admin-service", "县行政审批服务局", ["示例县政务服务中心", "示例县公共资源交易中心"]),
            ]
        ),
    ]

    /// 核验人员: the reviewer register the spot check draws from — (id, name, committee, department);
    /// the draw never sends one to a unit of their own committee or supervising department (回避).
    static let reviewers: [(String, String, String?, String?)] = [
        ("wang.lihua", "王丽华", "education", "edu-bureau"),
        ("chen.zhiqiang", "陈志强", "education", nil),
        ("li.jianguo", "李建国", "health", "health-bureau"),
        ("zhao.min", "赵敏", "health", "medical-security"),
        ("liu.yang", "刘洋", "agriculture", "agri-bureau"),
        ("huang.haitao", "黄海涛", "agriculture", "water-bureau"),
        ("zhou.jing", "周静", "general", "culture-bureau"),
        ("wu.guoping", "吴国平", "general", "hrss-bureau"),
        ("sun.yawen", "孙雅雯", nil, nil),
        ("ma.dewei", "马德伟", nil, nil),
    ]

    /// Seeds the demo county unless some county is already registered: the registry, the reviewer
    /// register and the accounts, the finished previous cycle and the current cycle mid-way — all
    /// through the stores the API uses, so the audit chain holds every step and verifies.
    public static func seedIfEmpty(client: PostgresClient, logger: Logger) async throws {
        let store = RegistryStore(client: client)
        guard try await store.counties().isEmpty else { return }
        logger.info("seeding the demo county", metadata: ["county": "\(county.code)"])
        let started = ContinuousClock.now
        let registry = try await seedRegistry(store: store)
        try Task.checkCancellation()
        let accounts = try await DemoAccounts.create(
            store: AccountStore(client: client),
            county: county.code,
            committees: sectors.map { (id: $0.0, name: $0.1) },
            units: registry.units,
            reviewers: registry.reviewers
        )
        let context = DemoContext(client: client, county: county.code, units: registry.units, accounts: accounts, logger: logger)
        // The current cycle's on-time filings first, so its deadlines pass while the previous
        // cycle is seeded rather than in a sleep.
        let current = try await DemoCurrentCycle.start(context)
        try Task.checkCancellation()
        try await DemoPreviousCycle.seed(context)
        try Task.checkCancellation()
        let draw = try await DemoCurrentCycle.finish(context, current)
        let reviewer = draw.reviewerAssignments?.first?.reviewers.first?.id ?? reviewers[0].0
        try await DemoLogins.set(context, reviewer: reviewer)
        logger.info(
            "seeded the demo county",
            metadata: [
                "county": "\(county.code)", "units": "\(registry.units.count)", "seconds": "\(ContinuousClock.now - started)",
            ]
        )
    }

    /// Committees, departments, units (valid USCCs) and reviewers.
    static func seedRegistry(store: RegistryStore) async throws -> (units: [UnitRecord], reviewers: [ReviewerRecord]) {
        var committees: [Committee] = []
        var departments: [Department] = []
        var units: [UnitRecord] = []
        var serial = 0
        for (committeeID, committeeName, depts) in sectors {
            committees.append(Committee(county: county.code, id: committeeID, name: committeeName))
            for (departmentID, departmentName, names) in depts {
                departments.append(Department(county: county.code, id: departmentID, name: departmentName))
                for name in names {
                    serial += 1
                    units.append(
                        UnitRecord(
                            county: county.code,
                            code: UnitCode(code(serial: serial)),
                            name: name,
                            committee: committeeID,
                            department: departmentID,
                            headcount: 12 + (serial * 37) % 180
                        )
                    )
                }
            }
        }
        try await store.enrol(county: county, committees: committees, departments: departments, units: units)
        var register: [ReviewerRecord] = []
        for (id, name, committee, department) in reviewers {
            let reviewer = ReviewerRecord(county: county.code, id: id, name: name, committee: committee, department: department)
            try await store.addReviewer(reviewer, actor: "system")
            register.append(reviewer)
        }
        return (units, register)
    }

    /// A public institution's code: `12` (staffing office, 事业单位) + division code + organisation
    /// code (8 characters and its GB 11714 check) + the GB 32100 check symbol.
    static func code(serial: Int) -> String {
        let body = String(format: "%08d", 45_000_000 + serial * 7_919 % 1_000_000)
        let first17 = "12" + county.code.rawValue + body + organisationCheck(body)
        return first17 + String(UnifiedSocialCreditCode.checkSymbol(forFirst17: first17)!)
    }

    /// GB 11714 check character of an 8-digit organisation code body.
    static func organisationCheck(_ body: String) -> String {
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let digit: return String(digit)
        }
    }
}
