import Foundation
import KaoheRules
import KaoheStore

/// The demo's staff (工作人员): realistic Chinese names from surname and given-name tables, posts
/// and levels, scores and proposed grades — a roster per unit, generated from a fixed seed.
enum DemoPeople {
    /// Common surnames, the most frequent first (repeated by weight).
    static let surnames = Array(
        "王王王李李李张张张刘刘陈陈杨杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    ).map(String.init)

    /// Characters of given names; a name takes one or two.
    static let givenCharacters = Array(
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏宇浩晨欣怡佳琪雪梅婷慧颖俊峰鑫凯亮波斌宁燕琳晓春海涛玲淑珍永胜利德福荣丹雯倩蕾瑶"
    ).map(String.init)

    /// A name: surname + one or two given characters (two more often, as among younger staff).
    static func name(_ random: inout SeededRandom) -> String {
        var name = random.pick(surnames) + random.pick(givenCharacters)
        if random.chance(70) { name += random.pick(givenCharacters) }
        return name
    }

    /// How a unit's roster should look: `overQuota` rates more 优秀 than its grade allows;
    /// `boundBreaches` adds staff whose facts forbid the proposed grade.
    struct RosterShape {
        /// The unit: its staff keep their names from one cycle to the next (a 工号 is a person).
        var unit: UnitCode
        var staff: Int
        var excellentPercent: Int
        var overQuota: Bool
        var boundBreaches: Int
    }

    /// A unit's roster: leaders, middle managers and staff with scores and proposed grades
    /// consistent with their scores, plus the probation, leave and investigation cases every real
    /// roster has, and the violations `shape` asks for.
    static func roster(_ shape: RosterShape, random: inout SeededRandom) -> [RosterLine] {
        var lines: [RosterLine] = []
        // Names from the unit's own stream, not the cycle's: the same 工号 is the same person every year.
        var people = SeededRandom(
            seed: shape.unit.rawValue.utf8.reduce(UInt64(1_469_598_103_934_665_603)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        )
        let names = (0..<shape.staff).map { _ in name(&people) }
        for index in 0..<shape.staff {
            let level = index < max(1, shape.staff / 25) ? "领导班子" : index < max(2, shape.staff / 6) ? "中层" : "一般"
            let post = index % 5 == 4 ? "工勤技能" : index % 3 == 0 ? "管理" : "专业技术"
            var staff: StaffRecord
            let staffNo = String(format: "%04d", index + 1)
            if index % 41 == 40 {
                staff = StaffRecord(staffNo: staffNo, grade: .undetermined, probation: true)
            } else if index % 53 == 30 {
                // 立案调查未结案: 不定等次, for the office to 补定 once the case closes.
                staff = StaffRecord(staffNo: staffNo, grade: .undetermined, underInvestigation: true)
            } else if index % 67 == 66 {
                staff = StaffRecord(staffNo: staffNo, grade: .excluded, leaveMonths: 8)
            } else if random.chance(3) {
                staff = StaffRecord(staffNo: staffNo, score: Score(hundredths: Int64(random.within(6_000...6_900))), grade: .basic)
            } else {
                staff = StaffRecord(staffNo: staffNo, score: Score(hundredths: Int64(random.within(7_200...8_900))), grade: .competent)
            }
            lines.append(RosterLine(line: index + 1, staff: staff, name: names[index], postCategory: post, level: level))
        }
        // 优秀 (with scores ≥ 90) one under the quota of `excellentPercent` of the graded staff, or
        // well over it when the shape asks; spread over the roster.
        // 领导班子成员 are assessed by the supervising department: outside the quota, never 优秀 here.
        let graded = lines.count { $0.staff.grade.isGraded && !$0.staff.level.isLeadership }
        let quota = graded * shape.excellentPercent / 100
        let excellent = shape.overQuota ? quota + max(2, graded / 10) : max(0, quota - 1)
        let competent = lines.indices.filter { lines[$0].staff.grade == .competent && !lines[$0].staff.level.isLeadership }
        let step = max(1, competent.count / max(1, excellent))
        for index in competent.enumerated().filter({ $0.offset % step == step / 2 }).map(\.element).prefix(excellent) {
            lines[index].staff.grade = .excellent
            lines[index].staff.score = Score(hundredths: Int64(random.within(9_000...9_700)))
        }
        // Breaches of the bounds (篇十三 第三十四条起): a 警告 this year rated 优秀, a score under 90 rated 优秀.
        var breaches = shape.boundBreaches
        for index in lines.indices where breaches > 0 && lines[index].staff.grade == .excellent {
            if breaches % 2 == 1 { lines[index].staff.sanction = .warning } else { lines[index].staff.score = Score(hundredths: 8_650) }
            breaches -= 1
        }
        return lines
    }
}
