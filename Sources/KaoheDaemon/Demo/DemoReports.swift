import KaoheRules
import KaoheStore

/// 自评报告: the text of a unit's self-assessment, assembled from the unit's name, headcount and
/// seeded phrases, in the shape such reports take (总体情况, 主要工作, 存在问题, 下一步打算).
enum DemoReports {
    static let achievements = [
        "圆满完成年度重点任务,重点项目按期推进", "服务群众满意度稳步提升", "规范化建设取得新进展,制度体系进一步健全",
        "信息化建设持续推进,业务办理时限明显压缩", "干部队伍结构持续优化,专业技术人才占比提高", "安全生产零事故,未发生重大舆情",
        "预算执行率达到序时进度要求", "党建与业务深度融合,打造特色品牌一个",
    ]
    static let problems = [
        "专业技术人才仍显不足", "基础设施较为陈旧", "工作创新力度有待加强", "服务对象评价渠道较少", "档案管理规范化程度不高",
    ]

    /// The report of `unit` for cycle `year`.
    static func selfAssessment(_ unit: UnitRecord, year: String, random: inout SeededRandom) -> String {
        var done = achievements
        var lines: [String] = []
        for _ in 0..<3 { lines.append(done.remove(at: random.below(done.count))) }
        return """
            \(unit.name)\(year)年度自评报告

            一、总体情况
            本单位现有在编人员\(unit.headcount)人。\(year)年,在县委、县政府的坚强领导和主管部门的具体指导下,\
            认真履行职责,全面完成各项工作任务。

            二、主要工作
            1. \(lines[0])。
            2. \(lines[1])。
            3. \(lines[2])。

            三、存在问题
            \(random.pick(problems)),与高质量发展要求相比仍有差距。

            四、下一步打算
            对照考核指标查漏补缺,抓好问题整改,确保下一年度各项工作再上新台阶。
            """
    }
}
