import Crypto
public import Foundation
import KaoheRules
import KaoheSchema

/// One numbered SQL migration, `Schema/Migrations/NNNN_name.sql`. Migrations are plain SQL, applied in order
/// of their number, each recorded with a SHA-256 checksum of its text so an edited migration is noticed.
public struct Migration: Sendable, Hashable {
    /// The number in the file name (`0001`).
    public var version: Int
    /// The name after the number (`registry`).
    public var name: String
    /// The SQL text, applied as one multi-statement script.
    public var sql: String
    /// Lowercase hex SHA-256 of the SQL text.
    public var checksum: String

    /// `0001_registry`: how the file is named and how messages name it.
    public var label: String {
        let number = String(version)
        return String(repeating: "0", count: max(0, 4 - number.count)) + number + "_" + name
    }

    /// Parses a migration from its file name (`NNNN_name.sql`) and its text.
    public init(fileName: String, sql: String) throws(StoreError) {
        guard fileName.hasSuffix(".sql") else {
            throw StoreError(.invalidMigration, "migration file \(fileName) does not end in .sql")
        }
        let stem = fileName.dropLast(4)
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
            throw StoreError(.invalidMigration, "migration file \(fileName) is not named NNNN_name.sql")
        }
        self.version = version
        self.name = String(parts[1])
        self.sql = sql
        self.checksum = Hex.sha256(sql)
    }
}

/// Where migrations come from.
public enum MigrationCatalog {
    /// The migrations built into kaohe: `Schema/Migrations/`, bundled as a folder of KaoheSchema.
    public static func bundled() throws(StoreError) -> [Migration] {
        guard let url = KaoheSchema.directory else {
            throw StoreError(.invalidMigration, "the bundled Schema/ migrations are missing from this build")
        }
        return try load(directory: url)
    }

    /// Reads every `NNNN_name.sql` in a directory, in version order; two files with one number are an error.
    public static func load(directory: URL) throws(StoreError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw StoreError(.invalidMigration, "cannot read migrations in \(directory.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for name in names where name.hasSuffix(".sql") {
            let text: String
            do {
                text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                throw StoreError(.invalidMigration, "cannot read migration \(name): \(error.localizedDescription)")
            }
            migrations.append(try Migration(fileName: name, sql: text))
        }
        migrations.sort { $0.version < $1.version }
        for (a, b) in zip(migrations, migrations.dropFirst()) where a.version == b.version {
            throw StoreError(.invalidMigration, "two migrations share the number \(a.version): \(a.name), \(b.name)")
        }
        return migrations
    }
}
