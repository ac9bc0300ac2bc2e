/// A cycle's id within its county: an annual cycle by its year (`2026`), a quarterly one
/// `2026-Q1`.
public struct CycleID: StringIdentifier {
    /// `2026` or `2026-Q1`.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// `YYYY` or `YYYY-Qn` with n in 1…4.
    public var isWellFormed: Bool { isAnnual || quarter != nil }

    /// An annual cycle's id: four digits.
    public var isAnnual: Bool { Self.isDigits(rawValue[...].utf8, count: 4) }

    /// The quarter (1…4) of a quarterly id, nil otherwise.
    public var quarter: Int? {
        let bytes = Array(rawValue.utf8)
        guard bytes.count == 7, Self.isDigits(rawValue.prefix(4).utf8, count: 4), bytes[4] == UInt8(ascii: "-"),
            bytes[5] == UInt8(ascii: "Q"), (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(bytes[6])
        else { return nil }
        return Int(bytes[6] - UInt8(ascii: "0"))
    }

    /// The year of a well-formed id.
    public var year: Int? { isWellFormed ? Int(rawValue.prefix(4)) : nil }
}

/// One cycle of one county: what every cycle-wide route, store call, scheduled run and page is
/// about (`990101/2026`).
public struct CycleRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The county.
    public var county: CountyCode
    /// The cycle within it.
    public var cycle: CycleID

    /// The cycle `cycle` of `county`.
    public init(county: CountyCode, cycle: CycleID) {
        self.county = county
        self.cycle = cycle
    }

    /// `990101/2026`, as logs and run names show it.
    public var description: String { "\(county)/\(cycle)" }
}
