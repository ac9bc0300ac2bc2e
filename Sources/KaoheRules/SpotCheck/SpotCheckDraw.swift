/// 随机抽查核验抽样: the stratified, verifiable draw of the units the office re-evaluates.
///
/// Per stratum, sample size = ⌈p·size/100⌉ in integers; units are taken in ascending
/// ``SamplingTicket`` order. A unit's ticket does not depend on its stratum, so each stratum's
/// sample is the county-wide ticket order filtered to the stratum, and a higher rate keeps the
/// lower rate's sample as a prefix.
public enum SpotCheckDraw {
    /// 抽查比例不低于10%: no policy goes below this.
    public static let hardFloorPercent = 10

    /// Draws the sample. Throws on an empty population, a duplicate or empty code, or a rate
    /// outside max(`policy.minimumPercent`, 10)…100.
    public static func draw(
        population: [DrawUnit],
        seed: DrawSeed,
        percent: Percentage,
        strata: Stratification,
        policy: SpotCheckPolicy
    ) throws(SpotCheckError) -> SpotCheckSelection {
        // 不低于10%: the documents' floor holds whatever a policy says.
        let floor = max(policy.minimumPercent.value, Self.hardFloorPercent)
        guard percent.value >= floor else {
            throw SpotCheckError(
                field: "percent",
                rule: "minimum-rate",
                message:
                    "抽查比例\(percent)低于下限\(floor)%,请设为\(floor)%至100% / rate \(percent) is below the minimum \(floor)%; choose \(floor)–100%"
            )
        }
        guard !population.isEmpty else {
            throw SpotCheckError(field: "units", rule: "empty-population", message: "抽样总体为空 / the population is empty")
        }
        var seen = Set<UnitCode>()
        for (index, unit) in population.enumerated() {
            if unit.code.rawValue.isEmpty {
                throw SpotCheckError(field: "units[\(index)].code", rule: "required", message: "缺少单位代码 / code required")
            }
            if !seen.insert(unit.code).inserted {
                throw SpotCheckError(
                    field: "units[\(index)].code",
                    rule: "duplicate-unit",
                    message: "单位“\(unit.code)”重复出现在抽样总体中 / duplicate unit"
                )
            }
        }
        let sampler = ConsistentSampler(seed: seed.text)
        var byStratum: [String: [SelectedUnit]] = [:]
        for unit in population {
            let key = strata == .county ? "county" : unit.committee
            byStratum[key, default: []].append(
                SelectedUnit(code: unit.code, committee: unit.committee, ticket: sampler.ticket(for: unit.code.rawValue))
            )
        }
        var samples: [StratumSample] = []
        for name in byStratum.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let members = byStratum[name]!.sorted(by: SelectedUnit.ticketOrder)
            let size = percent.atLeast(of: members.count)
            samples.append(
                StratumSample(
                    name: name,
                    size: members.count,
                    sampleSize: size,
                    selected: Array(members.prefix(size))
                )
            )
        }
        return SpotCheckSelection(
            populationHash: PopulationHash.of(population.map(\.code)),
            populationSize: population.count,
            seed: seed.text,
            algorithm: ConsistentSampler.algorithm,
            algorithmVersion: ConsistentSampler.version,
            percent: percent,
            stratification: strata,
            strata: samples
        )
    }
}

/// A unit of the population: its code and its committee (the default stratum).
public struct DrawUnit: Sendable, Hashable, Codable {
    /// 统一社会信用代码 (any id works for the algorithm).
    public var code: UnitCode
    /// 专考委.
    public var committee: String

    /// Creates a unit.
    public init(code: UnitCode, committee: String) {
        self.code = code
        self.committee = committee
    }
}

/// A sampled unit with its ticket.
public struct SelectedUnit: Sendable, Hashable, Codable {
    /// The unit's code.
    public var code: UnitCode
    /// Its committee.
    public var committee: String
    /// Its ticket.
    public var ticket: SamplingTicket

    /// Creates a selected unit.
    public init(code: UnitCode, committee: String, ticket: SamplingTicket) {
        self.code = code
        self.committee = committee
        self.ticket = ticket
    }

    /// Ascending ticket, equal tickets by code.
    public static func ticketOrder(_ lhs: SelectedUnit, _ rhs: SelectedUnit) -> Bool {
        lhs.ticket != rhs.ticket ? lhs.ticket < rhs.ticket : lhs.code.rawValue.utf8.lexicographicallyPrecedes(rhs.code.rawValue.utf8)
    }
}

/// One stratum's sample.
public struct StratumSample: Sendable, Hashable, Codable {
    /// The committee's name, or `county`.
    public var name: String
    /// Units in the stratum.
    public var size: Int
    /// ⌈p·size/100⌉.
    public var sampleSize: Int
    /// The sample, in ticket order.
    public var selected: [SelectedUnit]

    /// Creates a stratum sample.
    public init(name: String, size: Int, sampleSize: Int, selected: [SelectedUnit]) {
        self.name = name
        self.size = size
        self.sampleSize = sampleSize
        self.selected = selected
    }
}

/// 抽样记录: everything a draw record keeps, so anyone can recompute it.
public struct SpotCheckSelection: Sendable, Hashable, Codable {
    /// ``PopulationHash`` of the enrolled units.
    public var populationHash: String
    /// How many units were enrolled.
    public var populationSize: Int
    /// The seed.
    public var seed: String
    /// ``ConsistentSampler/algorithm``.
    public var algorithm: String
    /// ``ConsistentSampler/version``.
    public var algorithmVersion: String
    /// The rate.
    public var percent: Percentage
    /// The strata.
    public var stratification: Stratification
    /// Per stratum, by name.
    public var strata: [StratumSample]

    /// Creates a selection record.
    public init(
        populationHash: String,
        populationSize: Int,
        seed: String,
        algorithm: String,
        algorithmVersion: String,
        percent: Percentage,
        stratification: Stratification,
        strata: [StratumSample]
    ) {
        self.populationHash = populationHash
        self.populationSize = populationSize
        self.seed = seed
        self.algorithm = algorithm
        self.algorithmVersion = algorithmVersion
        self.percent = percent
        self.stratification = stratification
        self.strata = strata
    }

    /// Every selected unit: strata by name, ticket order within each.
    public var selected: [SelectedUnit] { strata.flatMap(\.selected) }

    private enum CodingKeys: String, CodingKey {
        case populationHash, populationSize, seed, algorithm, algorithmVersion, percent, stratification, strata, selected
    }

    /// Reads a draw record (`selected` is derived from `strata`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            populationHash: try container.decode(String.self, forKey: .populationHash),
            populationSize: try container.decode(Int.self, forKey: .populationSize),
            seed: try container.decode(String.self, forKey: .seed),
            algorithm: try container.decode(String.self, forKey: .algorithm),
            algorithmVersion: try container.decode(String.self, forKey: .algorithmVersion),
            percent: try container.decode(Percentage.self, forKey: .percent),
            stratification: try container.decode(Stratification.self, forKey: .stratification),
            strata: try container.decode([StratumSample].self, forKey: .strata)
        )
    }

    /// Writes the record with `selected` flattened, as `kaohe rules draw` prints it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(populationHash, forKey: .populationHash)
        try container.encode(populationSize, forKey: .populationSize)
        try container.encode(seed, forKey: .seed)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(algorithmVersion, forKey: .algorithmVersion)
        try container.encode(percent, forKey: .percent)
        try container.encode(stratification, forKey: .stratification)
        try container.encode(strata, forKey: .strata)
        try container.encode(selected, forKey: .selected)
    }
}

/// Why a draw could not be made.
public struct SpotCheckError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field.
    public var field: String
    /// A stable rule id.
    public var rule: RuleID
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(field: String, rule: RuleID, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    /// `field: message [rule]`.
    public var description: String { "\(field): \(message) [\(rule)]" }
}
