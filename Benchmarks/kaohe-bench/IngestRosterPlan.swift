import ArgumentParser
import Foundation
import KaoheRules
import KaoheStore

/// The staff rows of every unit, generated on demand from (unit, line) so that the HTTP clients
/// and the COPY file see identical values without holding a million rows in memory.
///
/// Lines follow their grade as a clerk's roster does (a score within the grade's band, the grade a
/// sanction, leave or probation requires), except `violatingPercent` of them, which are given a
/// score below their grade's threshold on purpose: each of those breaks exactly one rule, so a
/// roster's stored violations are known in advance (``violations``).
struct RosterPlan: Sendable {
    let units: Int
    let staff: Int
    /// Lines per unit: about staff/units, ±60% in pairs so the total is exact.
    let sizes: [Int]
    /// Percent of lines that break the score threshold of their grade.
    let violatingPercent: Int
    /// The roster policy's bounds (the bench cycle's policy, tied-2023).
    let bounds: StaffBoundThresholds

    init(units: Int, staff: Int, violatingPercent: Int, bounds: StaffBoundThresholds) {
        self.units = units
        self.staff = staff
        self.violatingPercent = violatingPercent
        self.bounds = bounds
        let base = staff / units
        let spread = base * 3 / 5
        var sizes = [Int](repeating: base, count: units)
        if spread > 0 {
            for pair in 0..<(units / 2) {
                let delta = (pair &* 7_919) % (2 * spread + 1) - spread
                sizes[2 * pair] += delta
                sizes[2 * pair + 1] -= delta
            }
        }
        for index in 0..<(staff % units) { sizes[index] += 1 }
        self.sizes = sizes
    }

    func size(of unit: Int) -> Int { sizes[unit] }
    var smallest: Int { sizes.min() ?? 0 }
    var largest: Int { sizes.max() ?? 0 }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈").map(String.init)
    static let givenNames = [
        "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
        "平", "刚", "桂英", "建华", "文", "华", "红梅", "志强", "海燕", "晓东", "丽娟", "国平", "春梅", "振华", "玉兰",
    ]
    static let postCategories = ["专业技术", "管理", "工勤技能", "专业技术", "专业技术"]
    static let levels = ["初级", "中级", "副高级", "正高级", "八级职员", "九级职员", "技术工二级", "中级", "初级"]
    static let quarterPatterns: [[QuarterResult]] = [
        [], [], [], [.good, .competent, .competent, .good], [.excellent, .good, .good, .competent],
        [.competent, .competent, .competent, .competent],
    ]

    /// Data line `line` (1-based) of unit `unit` — numbered as the API stores it, by its line in
    /// the CSV, whose header is line 1 — and whether it breaks a rule.
    func line(unit: Int, line: Int) -> (line: RosterLine, violating: Bool) {
        var hash = UInt64(truncatingIfNeeded: unit &* 1_000_003 &+ line) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        func pick(_ bound: Int) -> Int {
            let value = Int(hash % UInt64(bound))
            hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            hash ^= hash >> 31
            return value
        }
        let number = String(1_000_000 + line).dropFirst()
        var record = StaffRecord(
            staffNo: "GH" + number,
            grade: .competent,
            sanction: pick(200) == 0 ? .warning : .none,
            underInvestigation: pick(500) == 0,
            probation: pick(30) == 0,
            leaveMonths: pick(25) == 0 ? 2 : 0,
            unassignedMonths: pick(100) == 0 ? 1 : 0,
            refused: pick(1_000) == 0,
            quarters: Self.quarterPatterns[pick(Self.quarterPatterns.count)]
        )
        // The grade the rules require (no score rule applies to it), else the clerk's choice
        // (within what a warning allows), with a score from its threshold up to 100 — or, for
        // `violatingPercent` of the lines, up to 5 points short of it.
        var score = Score(hundredths: 6_000 + Int64(pick(4_001)))
        var violating = false
        if let (required, _) = GradeBound.required(for: record, bounds) {
            record.grade = required
        } else {
            let threshold: Score
            (record.grade, threshold) =
                switch pick(100) {
                case 0..<12 where record.sanction == .none: (.excellent, bounds.excellentMinScore)
                case 0..<97: (.competent, bounds.competentMinScore)
                default: (.basic, bounds.basicMinScore)
                }
            violating = pick(100) < violatingPercent
            score =
                violating
                ? Score(hundredths: threshold.hundredths - 1 - Int64(pick(500)))
                : Score(hundredths: threshold.hundredths + Int64(pick(Int(10_000 - threshold.hundredths) + 1)))
        }
        record.score = score
        let made = RosterLine(
            line: line + 1,
            staff: record,
            name: Self.surnames[pick(Self.surnames.count)] + Self.givenNames[pick(Self.givenNames.count)],
            postCategory: Self.postCategories[pick(Self.postCategories.count)],
            level: Self.levels[pick(Self.levels.count)]
        )
        return (made, violating)
    }

    /// How many lines of all rosters break a rule: the violations the API must store.
    var violations: Int {
        var count = 0
        for unit in 0..<units {
            for number in 1...sizes[unit] where line(unit: unit, line: number).violating { count += 1 }
        }
        return count
    }

    static let csvHeader = Array("\u{FEFF}工号,姓名,岗位类别,层级,测评分,拟定等次,处分,立案调查,试用期,病事假月数,未聘月数,拒不参加,季度结果\r\n".utf8)

    /// The unit's roster as a county office uploads it: Excel's "CSV UTF-8" (BOM, CRLF), terms in Chinese.
    func csv(unit: Int, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: Self.csvHeader)
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: ","))
        }
        for number in 1...sizes[unit] {
            let line = self.line(unit: unit, line: number).line
            let staff = line.staff
            field(staff.staffNo)
            field(line.name)
            field(line.postCategory)
            field(line.level)
            field(staff.score.map(\.description) ?? "")
            field(staff.grade.chinese)
            field(staff.sanction == .none ? "" : staff.sanction.chinese)
            field(staff.underInvestigation ? "是" : "否")
            field(staff.probation ? "是" : "否")
            field(String(staff.leaveMonths))
            field(String(staff.unassignedMonths))
            field(staff.refused ? "是" : "否")
            bytes.append(contentsOf: staff.quarters.map(Self.quarterChinese).joined(separator: "、").utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
    }

    static func quarterChinese(_ result: QuarterResult) -> String {
        switch result {
        case .excellent: "优秀"
        case .good: "良好"
        case .competent: "称职"
        case .incompetent: "不称职"
        }
    }

    /// Every unit's rows as `roster_rows` stores them, in COPY text format, streamed to `path`.
    /// (No generated value holds a tab, newline or backslash, so nothing needs escaping.)
    static func writeCopyFile(_ path: String, plan: RosterPlan, codes: [String], cycle ref: CycleRef, version: Int) throws {
        let (county, cycle) = (ref.county, ref.cycle)
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 21)
        let prefix = Array("\(county)\t\(cycle)\t".utf8)
        let kindAndVersion = Array("\troster\t\(version)\t".utf8)
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\t"))
        }
        func flag(_ value: Bool) {
            bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
            bytes.append(UInt8(ascii: "\t"))
        }
        for unit in 0..<plan.units {
            for number in 1...plan.sizes[unit] {
                let line = plan.line(unit: unit, line: number).line
                let staff = line.staff
                bytes.append(contentsOf: prefix)
                bytes.append(contentsOf: codes[unit].utf8)
                bytes.append(contentsOf: kindAndVersion)
                field(String(line.line))
                field(staff.staffNo)
                field(line.name)
                field(line.postCategory)
                field(line.level)
                field(staff.score.map(\.description) ?? "\\N")
                field(staff.grade.rawValue)
                field(staff.sanction.rawValue)
                flag(staff.underInvestigation)
                flag(staff.probation)
                field(String(staff.leaveMonths))
                field(String(staff.unassignedMonths))
                flag(staff.refused)
                bytes.append(contentsOf: staff.quarters.map(\.rawValue).joined(separator: ",").utf8)
                bytes.append(UInt8(ascii: "\n"))
            }
            if bytes.count >= 1 << 20 {
                try handle.write(contentsOf: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: bytes)
    }
}
