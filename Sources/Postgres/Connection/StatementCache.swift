/// The statements a connection has prepared, keyed by SQL text and parameter types, bounded,
/// least recently used evicted first. Lives on the connection's thread.
struct StatementCache {
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    private struct Entry {
        var name: String
        var lastUse: UInt64
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private var counter = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func lookup(_ key: Key) -> String? {
        guard let entry = entries[key] else { return nil }
        clock &+= 1
        entries[key]?.lastUse = clock
        return entry.name
    }

    /// A fresh statement name, unique on this connection.
    mutating func nextName() -> String {
        counter += 1
        return "kaohe_\(counter)"
    }

    /// Records a prepared statement; returns the name of one to deallocate when full.
    mutating func insert(_ key: Key, name: String) -> String? {
        var evicted: String?
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            evicted = oldest.value.name
        }
        clock &+= 1
        entries[key] = Entry(name: name, lastUse: clock)
        return evicted
    }

    mutating func remove(_ key: Key) { entries[key] = nil }

    mutating func removeAll() { entries.removeAll() }
}
