/// 抽样总体摘要: published before the seed exists, so the population cannot be changed after.
///
/// `H` of the enrolled units' codes sorted ascending (byte order) and joined with `"\n"`, no
/// trailing newline; lowercase hex SHA-256.
public enum PopulationHash {
    /// The hash of a population of unit codes.
    public static func of(_ codes: [UnitCode]) -> String {
        let sorted = codes.map(\.rawValue).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return sha256Hex(sorted.joined(separator: "\n"))
    }
}
