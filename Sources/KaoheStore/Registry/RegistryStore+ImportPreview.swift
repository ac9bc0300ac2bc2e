public import Foundation
public import KaoheRules
import Postgres

/// What importing a unit register would do, before it is done (the dashboard's 预览).
public struct UnitImportPreview: Sendable {
    /// The file's SHA-256: the draft to apply.
    public var sha256: String
    public var rows: Int
    /// Units the file adds.
    public var added: [UnitRecord]
    /// Units whose name, committee, department or headcount the file changes.
    public var changed: [Change]
    public var unchanged: Int
    /// Registered units the file does not name: they are kept as they are.
    public var absent: [UnitRecord]

    public struct Change: Sendable {
        public var before: UnitRecord
        public var after: UnitRecord
    }
}

extension RegistryStore {
    /// Checks a unit register file as `importUnits` does and compares it with the county's
    /// register, writing nothing but the draft (kept until applied, or a day): the file is refused
    /// with the same `UnitImportError` as an import.
    public func previewUnits(county: CountyCode, file bytes: [UInt8], fileName: String, account: String) async throws -> UnitImportPreview {
        let (units, _) = try await checkedUnits(county: county, file: bytes)
        let registered = Dictionary(try await self.units(county: county).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var preview = UnitImportPreview(sha256: Hex.sha256(bytes), rows: units.count, added: [], changed: [], unchanged: 0, absent: [])
        for unit in units {
            guard let before = registered[unit.code] else {
                preview.added.append(unit)
                continue
            }
            if (before.name, before.committee, before.department, before.headcount) == (
                unit.name, unit.committee, unit.department, unit.headcount
            ) {
                preview.unchanged += 1
            } else {
                preview.changed.append(.init(before: before, after: unit))
            }
        }
        let named = Set(units.map(\.code))
        preview.absent = registered.values.filter { !named.contains($0.code) }.sorted { $0.code < $1.code }
        let sha = preview.sha256
        try await client.execute(
            """
            INSERT INTO unit_import_drafts (county, sha256, file, file_name, uploaded_by) VALUES (\(county), \(sha), \(bytes), \(fileName), \(account))
            ON CONFLICT (county, sha256) DO UPDATE SET uploaded_at = now(), uploaded_by = EXCLUDED.uploaded_by, file_name = EXCLUDED.file_name
            """
        )
        return preview
    }

    /// Imports the draft previewed as `sha256` (`importUnits`, audited `unit.import` with the file's
    /// name as its source), taking it in the import's transaction, so two applies of one preview
    /// import once; `StoreError.notFound` when there is no such draft (applied already, or more than
    /// a day old).
    public func applyImportDraft(county: CountyCode, sha256: String, actor: String) async throws -> UnitImportSummary {
        try await client.withTransaction { connection in
            try await client.joining(connection) {
                guard
                    let row = try await connection.query(
                        """
                        DELETE FROM unit_import_drafts
                        WHERE county = \(county) AND sha256 = \(sha256) AND uploaded_at > now() - \(Self.draftLifetime)::interval
                        RETURNING file, file_name
                        """
                    ).first
                else {
                    throw StoreError(.notFound, "没有待导入的名册(可能已导入或已过期,请重新上传预览) / no such draft", field: "sha256")
                }
                let name = try row.decode(String.self, column: "file_name")
                return try await importUnits(
                    county: county,
                    csv: try row.decode([UInt8].self, column: "file"),
                    actor: actor,
                    source: name.isEmpty ? "dashboard" : "dashboard:" + name
                )
            }
        }
    }

    /// How long a previewed register waits to be applied.
    static let draftLifetime = "1 day"

    /// Deletes the drafts older than `draftLifetime` (housekeeping); returns how many.
    public func purgeExpiredImportDrafts() async throws -> Int {
        try await client.query(
            "WITH gone AS (DELETE FROM unit_import_drafts WHERE uploaded_at <= now() - \(Self.draftLifetime)::interval RETURNING 1) SELECT count(*)::int AS n FROM gone"
        ).single(Int.self) ?? 0
    }
}
