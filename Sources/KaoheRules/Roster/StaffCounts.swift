/// How many lines of a roster hold each grade at each level: what the unit-wide rules (the 优秀
/// quota, the tier limits, the categories counted apart) read, so a unit whose grade moves is
/// re-checked without reading its lines again.
///
/// Stored as `{"general.excellent": 3, "leader.competent": 1, …}` (`keyed`); a key that is a grade
/// alone counts as 一般工作人员 (counts kept before levels were read).
public struct StaffCounts: Sendable, Hashable {
    /// By `level.index * StaffCounts.grades + grade.index`.
    public private(set) var cells: [Int]

    static let grades = StaffGrade.allCases.count
    static let gradedGrades = StaffGrade.allCases.filter(\.isGraded)

    /// No line.
    public init() {
        cells = [Int](repeating: 0, count: StaffLevel.allCases.count * Self.grades)
    }

    /// The counts stored as `keyed`; unknown keys are ignored.
    public init(keyed: [String: Int]) {
        self.init()
        for (key, count) in keyed {
            if let cell = Self.cellByKey[key] { cells[cell] += count }
        }
    }

    /// Every stored key with its cell, in key order (the order `sortedCells` writes them).
    public static let sortedCells: [(key: String, cell: Int)] = keys.map { ($0.key, $0.level.index * grades + $0.grade.index) }
        .sorted { $0.key < $1.key }

    /// The cell of each stored key, a grade alone (counts kept before levels were read) as 一般.
    static let cellByKey: [String: Int] = {
        var cells = Dictionary(uniqueKeysWithValues: sortedCells.map { ($0.key, $0.cell) })
        for grade in StaffGrade.allCases { cells[grade.rawValue] = StaffLevel.general.index * grades + grade.index }
        return cells
    }()

    /// The count of a cell of `sortedCells`.
    public func count(cell: Int) -> Int { cells[cell] }

    /// The counts of a stored JSON object `{"general.excellent": 12, …}` (`keyed`), read without a
    /// JSON decoder (a province's proposal reads 50,000 of them); nil when the text is not a flat
    /// object of keys and whole numbers.
    public init?(json text: String) {
        self.init()
        var bytes = text.utf8[...]
        func skipBlanks() {
            while let byte = bytes.first, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { bytes.removeFirst() }
        }
        skipBlanks()
        guard bytes.popFirst() == UInt8(ascii: "{") else { return nil }
        skipBlanks()
        if bytes.first == UInt8(ascii: "}") { return }
        while true {
            skipBlanks()
            guard bytes.popFirst() == UInt8(ascii: "\""), let end = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let cell = Self.cellByKey[String(decoding: bytes[..<end], as: UTF8.self)]
            bytes = bytes[bytes.index(after: end)...]
            skipBlanks()
            guard bytes.popFirst() == UInt8(ascii: ":") else { return nil }
            skipBlanks()
            var value = 0
            var digits = 0
            while let byte = bytes.first, (0x30...0x39).contains(byte), digits < 12 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                bytes.removeFirst()
            }
            guard digits > 0 else { return nil }
            if let cell { cells[cell] += value }
            skipBlanks()
            switch bytes.popFirst() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return
            default: return nil
            }
        }
    }

    /// Lines at `level` holding `grade`.
    public subscript(level: StaffLevel, grade: StaffGrade) -> Int {
        get { cells[level.index * Self.grades + grade.index] }
        set { cells[level.index * Self.grades + grade.index] = newValue }
    }

    /// Counts one line.
    public mutating func add(_ staff: StaffRecord) {
        cells[staff.level.index * Self.grades + staff.grade.index] += 1
    }

    /// Lines at any of `levels` holding any of `grades`.
    public func count(levels: some Sequence<StaffLevel>, grades: some Sequence<StaffGrade>) -> Int {
        var total = 0
        for level in levels {
            for grade in grades { total += self[level, grade] }
        }
        return total
    }

    /// Lines at any of `levels` that receive a grade (neither 不定等次 nor 不参加).
    public func participants(levels: some Sequence<StaffLevel>) -> Int {
        count(levels: levels, grades: Self.gradedGrades)
    }

    /// Lines holding each grade, whatever the level (grades no line holds left out).
    public var byGrade: [StaffGrade: Int] {
        var counts: [StaffGrade: Int] = [:]
        for grade in StaffGrade.allCases {
            let n = count(levels: StaffLevel.allCases, grades: [grade])
            if n > 0 { counts[grade] = n }
        }
        return counts
    }

    /// `{"general.excellent": 3, …}`: the non-zero cells, to store.
    public var keyed: [String: Int] {
        var keyed: [String: Int] = [:]
        for level in StaffLevel.allCases {
            for grade in StaffGrade.allCases where self[level, grade] > 0 {
                keyed["\(level.rawValue).\(grade.rawValue)"] = self[level, grade]
            }
        }
        return keyed
    }

    /// Every key `keyed` may hold, for reading the counts column by column.
    public static var keys: [(key: String, level: StaffLevel, grade: StaffGrade)] {
        StaffLevel.allCases.flatMap { level in StaffGrade.allCases.map { ("\(level.rawValue).\($0.rawValue)", level, $0) } }
    }
}
