import Foundation
import HTTPTypes
import KaoheRules
import KaoheStore

/// `PUT …/self-assessment`: the report text.
struct SelfAssessmentInput: Decodable {
    var report: String
}

/// `PUT …/assessment`: a committee's score sheet. Qualitative ratings are text here (好/中/差 or
/// good/fair/poor) so that a bad value is answered naming the point, not as a JSON type error.
struct AssessmentInput: Decodable {
    var scores: [String: Score]
    var qualitative: [String: String]
    var notAssigned: [String]?
    var awards: [AwardClaim]?
    var additions: [ScoreAdjustment]?
    var deductions: [ScoreAdjustment]?

    /// The sheet, or a 422 naming the qualitative point whose value is not a rating.
    func sheet() throws -> UnitScoreSheet {
        var ratings: [String: QualitativeRating] = [:]
        for (point, text) in qualitative.sorted(by: { $0.key < $1.key }) {
            let rating = QualitativeRating(rawValue: text) ?? QualitativeRating.allCases.first { $0.chinese == text }
            guard let rating else {
                throw ProblemDetails.invalid(
                    "/qualitative/\(point)",
                    rule: "qualitative-value",
                    "定性要点“\(point)”的评价“\(text)”无效,应为 好/中/差(good/fair/poor) / qualitative point \(point): “\(text)” is not good, fair or poor"
                )
            }
            ratings[point] = rating
        }
        return UnitScoreSheet(
            scores: scores,
            qualitative: ratings,
            notAssigned: Set(notAssigned ?? []),
            awards: awards,
            additions: additions ?? [],
            deductions: deductions ?? []
        )
    }
}

/// One version of a filing as the API shows it: the head, its content, and a roster's lines when
/// asked for.
struct FilingBody<Content: Encodable>: Encodable {
    var head: FilingHead
    var content: Content
    /// Roster lines, when asked for (`?include=staff`).
    var staff: [RosterLine]?

    init(_ filing: FilingVersion, content: Content, staff: [RosterLine]? = nil) {
        self.head = FilingHead(filing)
        self.content = content
        self.staff = staff
    }

    enum CodingKeys: String, CodingKey {
        case content, staff
    }

    /// The head's members, then `content` and `staff`, in one object.
    func encode(to encoder: any Encoder) throws {
        try head.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(staff, forKey: .staff)
    }
}

/// Which version of which filing, who filed it and when.
struct FilingHead: Encodable {
    var county: CountyCode
    var cycle: CycleID
    var unit: UnitCode
    var kind: String
    var version: Int
    var filedAt: String
    var filedBy: String
    var deadline: String
    var late: Bool

    init(_ filing: FilingVersion) {
        self.county = filing.county
        self.cycle = filing.cycle
        self.unit = filing.unitCode
        self.kind = filing.step.rawValue
        self.version = filing.version
        self.filedAt = ShanghaiTime.format(filing.filedAt)
        self.filedBy = filing.filedBy
        self.deadline = ShanghaiTime.format(filing.deadline)
        self.late = filing.late
    }
}

/// `…/history`: every version, oldest first, with who filed it and when.
struct HistoryBody: Encodable {
    struct Entry: Encodable {
        var version: Int
        var filedAt: String
        var filedBy: String
        var late: Bool
        var deadline: String
    }

    var county: CountyCode
    var cycle: CycleID
    var unit: UnitCode
    var kind: String
    var versions: [Entry]
}

/// The answer to a roster filing: the version's head and content, and `notices` when staff numbers
/// were restored (`StaffNumberRepair`).
struct RosterFiled: Encodable {
    var head: FilingHead
    var notices: [StaffNumberNotice]

    enum CodingKeys: String, CodingKey {
        case notices
    }

    func encode(to encoder: any Encoder) throws {
        try head.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !notices.isEmpty { try container.encode(notices, forKey: .notices) }
    }
}
