import Foundation
import HTTPTypes
import KaoheRules
import KaoheStore

/// The JSON of `PUT /counties/{county}/cycles/{cycle}`. Everything is optional: `kind` follows from
/// the id, `preset` (the 考核政策 the cycle starts from) to `county-default`, `scheme` and `policy`
/// (the staff roster policy) to the preset's (`county-2021`, `tied-2023`), and each step's times to
/// `CycleDefaults` (a given deadline without `closesAt` closes 7 days after it). Times are ISO 8601
/// with an offset (`2026-12-31T23:59:59+08:00`) or a bare date in Asia/Shanghai (`2026-12-31`:
/// start of the day for `opensAt`, 23:59:59 for `deadline` and `closesAt`).
struct CycleInput: Decodable {
    struct Step: Decodable {
        var opensAt: String?
        var deadline: String?
        var closesAt: String?
    }

    var kind: String?
    var title: String?
    var scheme: String?
    var policy: String?
    var preset: String?
    var steps: [String: Step]?
    /// 抽查: `{"percent": 15, "strata": "county"}`; absent fields take the built-in policy's.
    var spotCheck: SpotCheck?

    struct SpotCheck: Decodable {
        var percent: Int?
        var strata: String?
    }
}

/// A cycle as the API shows it.
struct CycleBody: Encodable {
    struct Step: Encodable {
        var step: String
        var opensAt: String
        var deadline: String
        var closesAt: String
        var state: String
        var closedBy: String?
        var closedAt: String?

        init(_ step: CycleStep) {
            self.step = step.step.rawValue
            self.opensAt = ShanghaiTime.format(step.times.opensAt)
            self.deadline = ShanghaiTime.format(step.times.deadline)
            self.closesAt = ShanghaiTime.format(step.times.closesAt)
            self.state = step.state.rawValue
            self.closedBy = step.closedBy
            self.closedAt = step.closedAt.map(ShanghaiTime.format)
        }
    }

    var county: CountyCode
    var cycle: CycleID
    var kind: String
    var title: String
    var scheme: String
    var policy: String
    var timeZone: String
    var now: String
    var steps: [Step]
    var units: [UnitCode]
    /// The cycle's own spot-check rate and strata (absent: the built-in policy's).
    var spotCheck: SpotCheckBody
    var createdAt: String
    var updatedAt: String

    init(_ cycle: Cycle) {
        self.county = cycle.county
        self.cycle = cycle.definition.cycle
        self.kind = cycle.definition.kind.rawValue
        self.title = cycle.definition.title
        self.scheme = cycle.definition.scheme
        self.policy = cycle.definition.policy
        self.timeZone = ShanghaiTime.zoneName
        self.now = ShanghaiTime.format(cycle.now)
        self.steps = cycle.steps.map(Step.init)
        self.units = cycle.units
        self.spotCheck = SpotCheckBody(percent: cycle.definition.spotCheckPercent, strata: cycle.definition.spotCheckStrata?.rawValue)
        self.createdAt = ShanghaiTime.format(cycle.createdAt)
        self.updatedAt = ShanghaiTime.format(cycle.updatedAt)
    }
}

/// A cycle's spot-check settings as shown (nil: the built-in policy's default applies).
struct SpotCheckBody: Encodable {
    var percent: Int?
    var strata: String?
}

/// The JSON of `PUT …/cycles/{cycle}/units`: exactly one of the units by code, `"all": true` (every
/// unit of the county's register) or the units of some committees — the desk's three ways.
struct EnrolmentInput: Decodable {
    var units: [UnitCode]?
    var all: Bool?
    var committees: [String]?
}

/// The answer to an enrolment.
struct EnrolmentBody: Encodable {
    var cycle: CycleID
    var units: [UnitCode]
    var added: [UnitCode]
    var removed: [UnitCode]
}
