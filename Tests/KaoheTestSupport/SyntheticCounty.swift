import Foundation
public import KaoheRules

/// One unit of a synthetic county: its committee's total, 差 points, the re-check if sampled, and
/// its roster (50 staff, the first `excellentStaff` of them 优秀; a collective award or not).
public struct SyntheticUnit: Sendable {
    public var code: String
    public var committee: String
    public var department: String
    /// The committee's total in hundredths of a point.
    public var hundredths: Int
    /// Qualitative points rated 差 in the committee's sheet.
    public var poor: Int
    /// The re-check's total and 差 points, once filed.
    public var recheck: (hundredths: Int, poor: Int)?
    public var excellentStaff: Int
    public var award: Bool

    /// SPEC.md "The spot check": the re-check counts when it differs by ≥ 5.00 points or in its 差 count.
    public var overridden: Bool {
        guard let r = recheck else { return false }
        return abs(r.hundredths - hundredths) >= 500 || r.poor != poor
    }
}

/// The synthetic county of the whole-cycle tests (60 units, 4 committees, 3,000 staff, a fixed seed)
/// and what SPEC.md says its grades must be, computed here without KaoheRules.
public enum SyntheticCounty {
    /// The four committees; unit `i` belongs to `committees[i % 4]`.
    public static let committees = ["agriculture", "culture", "education", "health"]

    /// A valid 统一社会信用代码 (SPEC.md "Units") for a serial number in `division`.
    public static func code(_ serial: Int, division: CountyCode) -> String {
        UnifiedSocialCreditCode.publicInstitution(division: division, serial: serial).rawValue
    }

    /// One unit per total, the totals shuffled by `random`; unit `i` gets code serial `i + 1`, the
    /// committee `i % 4`, the department `departments[i % count]`, 5–13 优秀 staff and a one-in-five
    /// collective award, all drawn from `random` (which goes on for the caller's own choices).
    public static func units(county: CountyCode, totals: [Int], departments: [String], random: inout SeededRandom) -> [SyntheticUnit] {
        var totals = totals
        for index in totals.indices.reversed() { totals.swapAt(index, random.below(index + 1)) }
        return totals.indices.map { index in
            SyntheticUnit(
                code: code(index + 1, division: county),
                committee: committees[index % committees.count],
                department: departments[index % departments.count],
                hundredths: totals[index],
                poor: 0,
                recheck: nil,
                excellentStaff: 5 + random.below(9),
                award: random.below(5) == 0
            )
        }
    }

    /// A county-2021 sheet totalling `hundredths` / 100 with `poor` qualitative points rated 差
    /// (and, for a re-check, its reviewer).
    public static func sheet(_ hundredths: Int, poor: Int, reviewer: String? = nil) -> String {
        let rest = hundredths - 4300  // the fixed indicators below sum to 43.00
        let key = min(rest, 2000)
        let main = rest - key
        func points(_ h: Int) -> String { String(format: "%d.%02d", h / 100, h % 100) }
        let ratings = ["political", "cadre", "organisation", "conduct"].enumerated()
            .map { #""\#($1)": "\#($0 < poor ? "poor" : "good")""# }.joined(separator: ", ")
        return """
            {"scores": {"key_tasks": \(points(key)), "main_duties": \(points(main)), "registration": 9, "innovation": 4, "excellence": 6,
                        "staff_eval": 3, "client_eval": 4, "leader_eval": 9, "dept_organisation": 2, "dept_staffing": 2,
                        "dept_hrss": 2, "dept_finance": 2},
             "qualitative": {\(ratings)}\(reviewer.map { #", "reviewer": "\#($0)""# } ?? "")}
            """
    }

    /// The unit's roster as the API's JSON body: 50 staff, the first `excellentStaff` 优秀 (95), the rest 称职 (80).
    public static func roster(_ unit: SyntheticUnit) -> String {
        let staff = (1...50).map { n in
            n <= unit.excellentStaff
                ? #"{"staffNo": "\#(n)", "score": 95, "grade": "excellent"}"# : #"{"staffNo": "\#(n)", "score": 80, "grade": "competent"}"#
        }
        return #"{"collectiveAward": \#(unit.award), "staff": [\#(staff.joined(separator: ","))]}"#
    }

    /// SPEC.md "Grading a unit", independently of KaoheRules (county scope): band, qualitative veto,
    /// 优秀 ≤ ⌊30 % N⌋ by total with a tie across the cut reported (and settled by `favoured`),
    /// 合格 ≥ ⌈10 % N⌉ by lowering the lowest 良好.
    public static func expected(_ units: [SyntheticUnit], favoured: Set<String> = []) -> (grades: [String: String], tie: [String]) {
        let ranks = ["excellent": 0, "good": 1, "qualified": 2, "poor": 3]
        var counting: [String: (total: Int, poor: Int)] = [:]
        for unit in units {
            counting[unit.code] = unit.overridden ? unit.recheck! : (unit.hundredths, unit.poor)
        }
        var grade: [String: String] = [:]
        for (code, c) in counting {
            var g = c.total >= 9000 ? "excellent" : c.total >= 7000 ? "good" : c.total >= 6000 ? "qualified" : "poor"
            let ceiling = c.poor >= 3 ? "poor" : c.poor == 2 ? "qualified" : c.poor == 1 ? "good" : "excellent"
            if ranks[ceiling]! > ranks[g]! { g = ceiling }
            grade[code] = g
        }
        let n = units.count
        let cap = 30 * n / 100
        var tie: [String] = []
        let excellent = grade.filter { $0.value == "excellent" }.keys.sorted { counting[$0]!.total > counting[$1]!.total }
        if excellent.count > cap {
            let cut = counting[excellent[cap - 1]]!.total
            let tied = excellent.filter { counting[$0]!.total == cut }
            if counting[excellent[cap]]!.total == cut {
                tie = tied.sorted()
                let seats = cap - excellent.prefix(cap).count { counting[$0]!.total > cut }
                for code in excellent where counting[code]!.total < cut { grade[code] = "good" }
                let keep = favoured.count == seats ? favoured : []
                for code in tied where !keep.contains(code) { grade[code] = "good" }
            } else {
                for code in excellent.dropFirst(cap) { grade[code] = "good" }
            }
        }
        let floor = (10 * n + 99) / 100
        let qualified = grade.values.count { $0 == "qualified" }
        if qualified < floor {
            let goods = grade.filter { $0.value == "good" }.keys.sorted { counting[$0]!.total < counting[$1]!.total }
            for code in goods.prefix(floor - qualified) { grade[code] = "qualified" }
        }
        return (grade, tie)
    }

    /// tied-2023's final quota (SPEC.md "Staff rosters and the excellent quota") for a unit of 50:
    /// ⌊(ratio + 5 with an award, if the ratio is above 0) × 50 / 100⌋.
    public static func finalQuota(grade: String, award: Bool) -> Int {
        let policyRatio = ["excellent": 25, "good": 20, "qualified": 15, "poor": 0]
        return (policyRatio[grade]! + (award && policyRatio[grade]! > 0 ? 5 : 0)) * 50 / 100
    }
}
