public import Foundation
public import KaoheRules

/// 抽查记录导出: one spot-check draw as exported (`GET …/spot-check/export`) — everything an outside
/// observer needs to recompute it: the frozen population, its hash, the seed, algorithm name and
/// version, rate and strata, every selected unit with its ticket, the reviewer register used and
/// every reviewer drawn with their ticket. `kaohe verify-draw` reads this and recomputes it.
public struct SpotCheckRecord: Sendable, Hashable, Codable, CycleScoped {
    /// `kaohe.spot-check-draw/1`.
    public var format: String
    /// The county.
    public var county: CountyCode
    /// The cycle.
    public var cycle: CycleID
    /// 1 for the first draw of the cycle, 2… for redraws.
    public var drawNo: Int
    /// Why this draw replaced the one before (nil for the first).
    public var redrawReason: String?
    /// When the population was frozen (before the seed existed), and by whom.
    public var frozenAt: Date
    /// Who froze it (`990101/clerk`, `daemon:host/pid`).
    public var frozenBy: String
    /// The frozen population: each enrolled unit with its committee and supervising department.
    public var population: [PopulationUnit]
    /// `H(codes sorted, joined by "\n")`, recorded at the freeze.
    public var populationHash: String
    /// When it was drawn; nil while only frozen.
    public var drawnAt: Date?
    /// Who drew it.
    public var drawnBy: String?
    /// `csprng` (system generator) or `dice` (entered by the office at a public draw).
    public var seedSource: String?
    /// When a redraw replaced it; nil for the current draw.
    public var supersededAt: Date?
    /// The selection (seed, algorithm, version, rate, strata, selected units with tickets); nil while only frozen.
    public var selection: SpotCheckSelection?
    /// 双随机: reviewers drawn per sampled unit.
    public var reviewersPerUnit: Int?
    /// The active reviewer register at the draw (id, committee, department).
    public var reviewerRegister: [Reviewer]?
    /// The reviewers drawn for each selected unit, in the draw's order.
    public var reviewerAssignments: [AssignedReviewers]?

    /// The format name of this record.
    public static let formatName = "kaohe.spot-check-draw/1"

    /// A unit of the frozen population: code, committee (the default stratum) and supervising
    /// department (for 回避) — the same shape the reviewer draw reads (`ReviewedUnit`), so the record
    /// and the rules cannot drift apart (the JSON keys are `code`, `committee`, `department`).
    public typealias PopulationUnit = ReviewedUnit

    /// The reviewers drawn for one selected unit.
    public struct AssignedReviewers: Sendable, Hashable, Codable {
        /// The unit.
        public var unitCode: UnitCode
        /// Reviewer ids with their tickets, ascending ticket.
        public var reviewers: [Ticketed]
        /// How many could not be drawn for lack of eligible reviewers.
        public var shortfall: Int

        /// Creates the record of one unit's reviewers.
        public init(unitCode: UnitCode, reviewers: [Ticketed], shortfall: Int) {
            self.unitCode = unitCode
            self.reviewers = reviewers
            self.shortfall = shortfall
        }

        /// The record of an assignment computed by `ReviewerDraw`.
        public init(_ assignment: ReviewerAssignment) {
            self.init(
                unitCode: assignment.unitCode,
                reviewers: assignment.reviewers.map { Ticketed(id: $0.id, ticket: $0.ticket.value) },
                shortfall: assignment.shortfall
            )
        }
    }

    /// An id and its ticket.
    public struct Ticketed: Sendable, Hashable, Codable {
        /// Reviewer id.
        public var id: String
        /// `0.…` ticket.
        public var ticket: String

        /// Creates one.
        public init(id: String, ticket: String) {
            self.id = id
            self.ticket = ticket
        }
    }
}

/// The outcome of recomputing a draw record.
public struct SpotCheckVerification: Sendable, Hashable {
    /// Empty when everything matches; otherwise one line per discrepancy.
    public var mismatches: [String]
    /// True when the record recomputes exactly.
    public var matches: Bool { mismatches.isEmpty }
}

extension SpotCheckRecord {
    /// Recomputes the record with KaoheRules: the population hash, the selection (from population,
    /// seed, rate and strata) and the reviewer assignment (from the register and the derived seeds).
    public func verify() -> SpotCheckVerification {
        var issues: [String] = []
        if format != Self.formatName { issues.append("format: expected \(Self.formatName), found \(format)") }
        let hash = PopulationHash.of(population.map(\.code))
        if hash != populationHash { issues.append("populationHash: recorded \(populationHash), recomputed \(hash)") }
        guard let selection else {
            issues.append("selection: the record holds no draw (only the frozen population)")
            return SpotCheckVerification(mismatches: issues)
        }
        if selection.populationHash != populationHash {
            issues.append("selection.populationHash: \(selection.populationHash) differs from the frozen hash \(populationHash)")
        }
        if selection.algorithm != ConsistentSampler.algorithm || selection.algorithmVersion != ConsistentSampler.version {
            issues.append(
                "algorithm: recorded \(selection.algorithm) \(selection.algorithmVersion), this kaohe implements \(ConsistentSampler.algorithm) \(ConsistentSampler.version)"
            )
        }
        let seed: DrawSeed
        do { seed = try DrawSeed(selection.seed) } catch {
            issues.append("seed: \(error)")
            return SpotCheckVerification(mismatches: issues)
        }
        let policy = SpotCheckPolicy(
            minimumPercent: Percentage(uncheckedValue: 1),
            defaultPercent: selection.percent,
            defaultStrata: selection.stratification,
            minimumDiceDigits: 20,
            reviewersPerUnit: reviewersPerUnit ?? 0
        )
        do {
            let recomputed = try SpotCheckDraw.draw(
                population: population.map { DrawUnit(code: $0.code, committee: $0.committee) },
                seed: seed,
                percent: selection.percent,
                strata: selection.stratification,
                policy: policy
            )
            if recomputed != selection {
                let recorded = selection.selected.map { "\($0.code)@\($0.ticket)" }
                let again = recomputed.selected.map { "\($0.code)@\($0.ticket)" }
                issues.append("selection: recorded [\(recorded.joined(separator: ", "))], recomputed [\(again.joined(separator: ", "))]")
            }
        } catch {
            issues.append("selection: \(error)")
        }
        if let register = reviewerRegister, let perUnit = reviewersPerUnit, let assignments = reviewerAssignments {
            let recomputed = Self.assignReviewers(
                register: register,
                perUnit: perUnit,
                population: population,
                selected: selection.selected,
                seed: seed
            )
            if recomputed != assignments {
                for (index, recorded) in assignments.enumerated() where index >= recomputed.count || recomputed[index] != recorded {
                    let expected = index < recomputed.count ? recomputed[index].reviewers.map(\.id).joined(separator: ",") : "nothing"
                    issues.append(
                        "reviewers of \(recorded.unitCode): recorded \(recorded.reviewers.map(\.id).joined(separator: ",")), recomputed \(expected)"
                    )
                }
                if recomputed.count != assignments.count {
                    issues.append("reviewerAssignments: recorded \(assignments.count) units, recomputed \(recomputed.count)")
                }
            }
        } else {
            issues.append("reviewerAssignments: missing from the record")
        }
        return SpotCheckVerification(mismatches: issues)
    }

    /// 双随机: the reviewer assignment of a selection (回避 by committee and department), as the draw makes it.
    public static func assignReviewers(
        register: [Reviewer],
        perUnit: Int,
        population: [PopulationUnit],
        selected: [SelectedUnit],
        seed: DrawSeed
    ) -> [AssignedReviewers] {
        let departments = Dictionary(population.map { ($0.code, $0.department) }, uniquingKeysWith: { first, _ in first })
        let units = selected.map { ReviewedUnit(code: $0.code, committee: $0.committee, department: departments[$0.code] ?? nil) }
        return ReviewerDraw.assign(reviewers: register, units: units, seed: seed, perUnit: perUnit).map(AssignedReviewers.init)
    }
}

extension SpotCheckRecord {
    /// The export's JSON: sorted keys, ISO 8601 times, pretty-printed (what `verify-draw` reads).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// Reads an exported record.
    public static func decode(_ data: Data) throws -> SpotCheckRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(SpotCheckRecord.self, from: data)
    }
}

extension SpotCheckRecord {
    /// `PopulationHash` of the recorded population's codes.
    public var recomputedPopulationHash: String { PopulationHash.of(population.map(\.code)) }
}
