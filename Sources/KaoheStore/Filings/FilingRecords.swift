public import Foundation
public import KaoheRules
public import Postgres

/// One version of a filing (报送材料的一个版本): who filed it, when, whether late, and what.
public struct FilingVersion: Sendable, CycleScoped {
    /// The county.
    public var county: CountyCode
    /// The cycle id.
    public var cycle: CycleID
    /// The unit the filing is about (统一社会信用代码).
    public var unitCode: UnitCode
    /// Which filing.
    public var step: FilingStep
    /// 1, 2, … in filing order.
    public var version: Int
    /// The account that filed it.
    public var filedBy: String
    /// When (the database clock of the filing's transaction).
    public var filedAt: Date
    /// The step's deadline in force at the time.
    public var deadline: Date
    /// Filed after the deadline (while the step was still open).
    public var late: Bool
    /// The content as stored (see ``SelfAssessmentContent``, ``AssessmentContent``, ``RosterSummary``).
    public var content: PostgresJSON

    /// Decodes the content.
    public func decodeContent<T: Decodable>(_ type: T.Type) throws -> T { try content.decode(type) }
}

/// 自评报告: the report text and the PDF attachments this version carries.
public struct SelfAssessmentContent: Sendable, Hashable, Codable {
    /// The report, as the unit wrote it; nil while only attachments were uploaded.
    public var report: String?
    /// Attachments by name, ascending.
    public var attachments: [AttachmentRef]

    /// Makes the content.
    public init(report: String?, attachments: [AttachmentRef]) {
        self.report = report
        self.attachments = attachments
    }
}

/// A PDF attached to a self-assessment, by name and content hash.
public struct AttachmentRef: Sendable, Hashable, Codable {
    /// The file name the unit chose (`述职报告.pdf`).
    public var name: String
    /// Lowercase hex SHA-256 of the bytes.
    public var sha256: String
    /// Size in bytes.
    public var size: Int
    /// Always `application/pdf` for now.
    public var contentType: String

    /// Makes a reference.
    public init(name: String, sha256: String, size: Int, contentType: String = "application/pdf") {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
    }
}

/// 专考委考核评分: the score sheet as filed and its totals, under the cycle's scheme.
public struct AssessmentContent: Sendable, Hashable, Codable {
    /// The scheme the sheet was checked against.
    public var scheme: String
    /// The sheet.
    public var sheet: UnitScoreSheet
    /// Its totals.
    public var assessed: AssessedScores

    /// Makes the content.
    public init(scheme: String, sheet: UnitScoreSheet, assessed: AssessedScores) {
        self.scheme = scheme
        self.sheet = sheet
        self.assessed = assessed
    }
}

/// One staff line of a roster (工作人员年度考核登记), as filed.
public struct RosterLine: Sendable, Hashable, Codable {
    /// 1-based position in the roster (the CSV data row's line for CSV uploads).
    public var line: Int
    /// The facts and proposed grade the rules check.
    public var staff: StaffRecord
    /// 姓名.
    public var name: String
    /// 岗位类别 as filed (one of `PostCategory.terms`: 管理 / 专业技术 / 工勤技能).
    public var postCategory: String
    /// 层级 as filed (one of `StaffLevel.terms`: 领导班子成员 / 中层 / 一般 …).
    public var level: String

    /// Makes a line. The text is what is stored and what the rules read back, so the record's level
    /// and category follow it: a term on the lists sets `staff.level` / `staff.post`, and blank text
    /// takes the record's own (its Chinese term), so a line reads back as it was checked.
    public init(line: Int, staff: StaffRecord, name: String = "", postCategory: String = "", level: String = "") {
        var staff = staff
        var (postCategory, level) = (postCategory, level)
        if level.isEmpty {
            if staff.level != .general { level = staff.level.chinese }
        } else if let named = StaffLevel(term: level) {
            staff.level = named
        }
        if postCategory.isEmpty {
            postCategory = staff.post?.chinese ?? ""
        } else if let named = PostCategory(term: postCategory) {
            staff.post = named
        }
        self.line = line
        self.staff = staff
        self.name = name
        self.postCategory = postCategory
        self.level = level
    }
}

/// 名册审核结果: what is stored with every roster version — its counts, its excellent quota and
/// every violation (by staff number and rule). Nothing is lost: a roster that breaks a bound or
/// exceeds its quota is stored with its violations and cannot be confirmed until corrected.
///
/// The quota depends on the unit's own grade, which is not known before grading. Choice: when the
/// unit's committee has filed an assessment, the quota is **provisional**, from the grade that
/// assessment earns by itself (band and qualitative veto, before cohort ratios and the spot
/// check); otherwise it is **unknown** (`quota` nil) and only the bounds, duplicates and
/// grade-independent tier limits are checked. Either way the roster is re-checked at grading.
public struct RosterSummary: Sendable, Hashable, Codable {
    /// `provisional` or `unknown`.
    public enum QuotaStatus: String, Sendable, Hashable, Codable {
        /// From the proposed grade of the committee's latest assessment.
        case provisional
        /// No assessment yet: the quota cannot be computed.
        case unknown
    }

    /// The roster policy applied (`tied-2023`).
    public var policy: String
    /// Lines filed.
    public var rows: Int
    /// P: staff who receive a grade.
    public var participants: Int
    /// Staff proposed 优秀.
    public var excellent: Int
    /// Whether the unit claimed a provincial-or-higher collective award (+5 points).
    public var collectiveAward: Bool
    /// Provisional or unknown.
    public var quotaStatus: QuotaStatus
    /// Why the quota is what it is, for the unit's clerk.
    public var quotaBasis: String
    /// The quota, when a grade was available.
    public var quota: ExcellentQuota?
    /// How many 优秀 the unit must give up (nil while the quota is unknown).
    public var mustGiveUp: Int?
    /// Every violation.
    public var violations: [RosterViolation]
    /// How many lines hold each grade, by `StaffGrade` raw value (grades no line holds left out);
    /// nil in summaries filed before it was kept. The grading checks the roster from these and the
    /// violations without reading its lines again (`GradingStore.filedRosterChecks`).
    public var gradeCounts: [String: Int]?
    /// How many lines hold each grade at each level (`StaffCounts.keyed`: `general.excellent`);
    /// nil in summaries filed before levels were read — those rosters are checked from their lines.
    public var staffCounts: [String: Int]?
    /// 领导班子成员 and 主要负责人 on the roster: assessed by the supervising department, outside
    /// the quota (nil in summaries filed before levels were read).
    public var leaders: Int?

    /// Makes a summary.
    public init(
        policy: String,
        rows: Int,
        participants: Int,
        excellent: Int,
        collectiveAward: Bool,
        quotaStatus: QuotaStatus,
        quotaBasis: String,
        quota: ExcellentQuota?,
        mustGiveUp: Int?,
        violations: [RosterViolation],
        gradeCounts: [String: Int]? = nil,
        staffCounts: [String: Int]? = nil,
        leaders: Int? = nil
    ) {
        self.policy = policy
        self.rows = rows
        self.participants = participants
        self.excellent = excellent
        self.collectiveAward = collectiveAward
        self.quotaStatus = quotaStatus
        self.quotaBasis = quotaBasis
        self.quota = quota
        self.mustGiveUp = mustGiveUp
        self.violations = violations
        self.gradeCounts = gradeCounts
        self.staffCounts = staffCounts
        self.leaders = leaders
    }
}

extension FilingVersion {
    /// `envelope` encoded as a JSON object with this version's stored content spliced in, as it is,
    /// as its first member `content` — instead of decoding the content and encoding it again (for a
    /// roster that round trip cost more than reading its CSV). Keys are sorted and slashes left
    /// unescaped, as in every JSON kaohe writes; `content` sorts before every key of the envelopes
    /// used, so the bytes are what encoding the whole value would give.
    public func json<Envelope: Encodable>(envelopedIn envelope: Envelope) throws -> [UInt8] {
        try PostgresJSON(encoding: envelope, prepending: "content", content).bytes
    }
}
