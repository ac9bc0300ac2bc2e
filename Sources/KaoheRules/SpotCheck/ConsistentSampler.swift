/// 一致抽样 (Rivest's consistent sampling without replacement), as the public
/// `consistent_sampler` package computes it, so any observer can recompute a draw:
/// ticket(id) = `"0." + reverse(D)`, D the decimal of `H(H(seed) + id)`; ids are taken in
/// ascending ticket order.
public struct ConsistentSampler: Sendable {
    /// The algorithm recorded with every draw.
    public static let algorithm = "consistent_sampler (Rivest consistent sampling without replacement, SHA-256)"
    /// The version of the public tool whose output this reproduces.
    public static let version = "1.0.10"

    /// The seed as given.
    public let seed: String
    /// `H(seed)`, lowercase hex.
    public let seedHash: String

    /// A sampler for `seed`.
    public init(seed: String) {
        self.seed = seed
        self.seedHash = sha256Hex(seed)
    }

    /// The ticket of `id`: `"0." + reverse(D(H(H(seed) + id)))`.
    public func ticket(for id: String) -> SamplingTicket {
        SamplingTicket(digest: sha256Bytes(seedHash + id))
    }

    /// `"0." + reverse(D(H(text)))`: the ticket of a text hashed directly (`sha256_uniform`).
    public static func uniform(_ text: String) -> SamplingTicket {
        SamplingTicket(digest: sha256Bytes(text))
    }

    /// Every id with its ticket, in ascending ticket order (equal tickets by id).
    public func order(_ ids: [String]) -> [(id: String, ticket: SamplingTicket)] {
        ids.map { (id: $0, ticket: ticket(for: $0)) }.sorted {
            $0.ticket != $1.ticket ? $0.ticket < $1.ticket : $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
        }
    }
}
