public import Foundation
public import KaoheRules

/// 考核步骤: a step of the cycle that takes filings (SPEC.md "The cycle", steps 2 and 3, and the
/// staff rosters filed during the cycle). The raw value is the id in URLs' JSON and the database.
public enum FilingStep: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 自评: each unit files its self-assessment report (default deadline 31 Dec).
    case selfAssessment = "self_assessment"
    /// 专考委考核: each committee files a scored assessment of each of its units (31 Jan).
    case assessment
    /// 工作人员考核名册: each unit files its staff roster (31 Jan).
    case roster

    /// The step's path segment in URLs (`self-assessment`).
    public var pathSegment: String { rawValue.replacingOccurrences(of: "_", with: "-") }

    /// Reads a raw value or a path segment.
    public init?(name: String) {
        self.init(rawValue: name.replacingOccurrences(of: "-", with: "_"))
    }

    /// The Chinese name.
    public var chinese: String {
        switch self {
        case .selfAssessment: "自评"
        case .assessment: "专考委考核"
        case .roster: "工作人员考核名册"
        }
    }

    public static func < (a: FilingStep, b: FilingStep) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// 年度 or 季度: an annual cycle is named by its year (`2026`), a quarterly one `2026-Q1`.
public enum CycleKind: String, Sendable, Hashable, Codable {
    /// 年度考核.
    case annual
    /// 季度考核.
    case quarterly
}

/// When a step takes filings: from `opensAt`; on time until `deadline`; late until `closesAt`;
/// refused from `closesAt` on.
public struct StepTimes: Sendable, Hashable {
    /// Filings are accepted from this instant.
    public var opensAt: Date
    /// Filings after this instant are marked late.
    public var deadline: Date
    /// From this instant on, filings are refused.
    public var closesAt: Date

    /// Makes step times.
    public init(opensAt: Date, deadline: Date, closesAt: Date) {
        self.opensAt = opensAt
        self.deadline = deadline
        self.closesAt = closesAt
    }
}

/// What the office sets when it creates or updates a cycle (实施方案).
public struct CycleDefinition: Sendable, Hashable {
    /// `2026` or `2026-Q1`.
    public var cycle: CycleID
    /// Annual or quarterly (follows from the id).
    public var kind: CycleKind
    /// A title, e.g. 2026年度事业单位绩效考核.
    public var title: String
    /// The indicator scheme id (`county-2021`).
    public var scheme: String
    /// The staff roster policy id (`tied-2023`).
    public var policy: String
    /// Every filing step's times.
    public var steps: [FilingStep: StepTimes]
    /// 抽查比例: the cycle's spot-check rate in percent (10…100); nil takes the built-in policy's.
    public var spotCheckPercent: Int?
    /// 抽查分层: `committee` or `county`; nil takes the built-in policy's.
    public var spotCheckStrata: Stratification?
    /// 考核政策预设 (`county-default`, `municipal-2019`, …) the cycle's policy starts from; nil
    /// takes `county-default` when the cycle is created and keeps the policy when it is updated.
    public var preset: String?

    /// Makes a definition.
    public init(cycle: CycleID, kind: CycleKind, title: String, scheme: String, policy: String, steps: [FilingStep: StepTimes]) {
        self.cycle = cycle
        self.kind = kind
        self.title = title
        self.scheme = scheme
        self.policy = policy
        self.steps = steps
    }
}

/// Where a step stands at the database's `now()`.
public enum StepState: String, Sendable, Hashable, Codable {
    /// Not open yet.
    case pending
    /// Open, before the deadline.
    case open
    /// Open, after the deadline: filings are marked late.
    case late
    /// Closed: filings are refused.
    case closed
}

/// One step of a stored cycle, with its state now.
public struct CycleStep: Sendable, Hashable {
    /// Which step.
    public var step: FilingStep
    /// Its times.
    public var times: StepTimes
    /// Where it stands now (database clock).
    public var state: StepState
    /// Who closed it by hand, if someone did.
    public var closedBy: String?
    /// When it was closed by hand.
    public var closedAt: Date?
}

/// A stored cycle.
public struct Cycle: Sendable, Hashable {
    /// The county.
    public var county: CountyCode
    /// The definition as stored.
    public var definition: CycleDefinition
    /// Its steps in order, with their state.
    public var steps: [CycleStep]
    /// Codes of the enrolled units, ascending.
    public var units: [UnitCode]
    /// When it was created and last changed.
    public var createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date
    /// The database clock when this was read.
    public var now: Date
}

/// Which units a cycle enrols: the three ways the desk, the API and the CLI offer.
public enum EnrolmentChoice: Sendable, Hashable {
    /// These units, by code.
    case units([UnitCode])
    /// Every unit of the county's register.
    case everyRegisteredUnit
    /// The units of these committees (each must be registered).
    case committees([String])
}

/// What an enrolment did: the units now enrolled, those added and those removed (each by code).
public struct EnrolmentOutcome: Sendable, Hashable {
    /// Every unit enrolled now.
    public var units: [UnitCode]
    /// Units that were not enrolled before.
    public var added: [UnitCode]
    /// Units enrolled before and no longer.
    public var removed: [UnitCode]
}
