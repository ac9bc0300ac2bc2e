import Crypto
import Foundation
public import KaoheRules
import Postgres

extension RegistryStore {
    /// Imports the unit register from a CSV file or an .xlsx workbook (see `UnitImport` for the
    /// columns and `CSVTable` for encodings, quoting and workbooks: a code typed as a number whose
    /// digits a spreadsheet has lost is refused at its cell): every row is checked first, and any issue throws
    /// `UnitImportError` with nothing stored. Otherwise all rows are written in one transaction —
    /// COPY into a temporary table, then one `INSERT … SELECT … ON CONFLICT` — with one audit entry
    /// (`unit.import`: row counts and the file's SHA-256). A code already registered in the county
    /// is updated (name, committee, department, headcount); units absent from the file are kept.
    ///
    /// - Parameters:
    ///   - county: the county whose register this is.
    ///   - bytes: the file as uploaded (CSV in UTF-8 with or without BOM, or GB18030; or .xlsx).
    ///   - actor: who imports (`Principal.actor` or `cli:<user>`).
    ///   - source: where the file came from (its name), recorded in the audit entry.
    ///   - progress: called while validating and writing (for a progress bar).
    /// - Throws: `UnitImportError` for a bad file; `StoreError` (`.notFound` for an unknown county).
    public func importUnits(
        county: CountyCode,
        csv bytes: [UInt8],
        actor: String,
        source: String? = nil,
        progress: @escaping @Sendable (UnitImportProgress) -> Void = { _ in }
    ) async throws -> UnitImportSummary {
        let (units, total) = try await checkedUnits(county: county, file: bytes) { done, total in
            progress(UnitImportProgress(phase: .validating, done: done, total: total))
        }
        let fileHash = Hex.sha256(bytes)

        do {
            return try await client.withTransaction { connection in
                // Serialises imports of one county (FOR NO KEY UPDATE does not block the FK checks
                // of other writers) and proves the county still exists.
                guard try await connection.query("SELECT 1 FROM counties WHERE county = \(county) FOR NO KEY UPDATE").first != nil else {
                    throw StoreError(.notFound, "county \(county) is not registered", field: "county")
                }
                try await connection.execute(
                    """
                    CREATE TEMPORARY TABLE unit_import_rows (
                        code char(18) NOT NULL, name text NOT NULL, committee text NOT NULL,
                        department text NOT NULL, headcount integer NOT NULL
                    ) ON COMMIT DROP
                    """
                )
                progress(UnitImportProgress(phase: .writing, done: 0, total: total))
                var written = 0
                _ = try await connection.copyFrom("COPY unit_import_rows (code, name, committee, department, headcount) FROM STDIN") {
                    writer in
                    for unit in units {
                        writer.append(row: [unit.code.rawValue, unit.name, unit.committee, unit.department, String(unit.headcount)])
                        written += 1
                        if writer.needsFlush {
                            try await writer.flush()
                            progress(UnitImportProgress(phase: .writing, done: written, total: total))
                        }
                    }
                }
                let counts = try await connection.query(
                    """
                    WITH upserted AS (
                        INSERT INTO units (county, code, name, committee, department, headcount)
                        SELECT \(county), code, name, committee, department, headcount FROM unit_import_rows
                        ON CONFLICT (county, code) DO UPDATE
                            SET name = EXCLUDED.name, committee = EXCLUDED.committee,
                                department = EXCLUDED.department, headcount = EXCLUDED.headcount
                            WHERE (units.name, units.committee, units.department, units.headcount)
                                  IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.committee, EXCLUDED.department, EXCLUDED.headcount)
                        RETURNING (xmax = 0) AS inserted
                    )
                    SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
                    FROM upserted
                    """
                )
                let inserted = try counts[0].decode(Int.self, column: "inserted")
                let updated = try counts[0].decode(Int.self, column: "updated")
                var details = [
                    "rows": String(total), "inserted": String(inserted), "updated": String(updated),
                    "unchanged": String(total - inserted - updated), "sha256": fileHash, "bytes": String(bytes.count),
                ]
                details["source"] = source
                let seq = try await AuditChain.appendNow(
                    on: connection,
                    county: county,
                    actor: actor,
                    action: .unitImport,
                    object: "county:\(county)",
                    details: details
                )
                progress(UnitImportProgress(phase: .writing, done: total, total: total))
                return UnitImportSummary(
                    county: county,
                    rows: total,
                    inserted: inserted,
                    updated: updated,
                    unchanged: total - inserted - updated,
                    fileSHA256: fileHash,
                    auditSeq: seq
                )
            }
        } catch {
            throw StoreError.translate(error, what: "the unit register of county \(county)")
        }
    }

    /// The units of a register file, every row checked against the county's committees and
    /// departments (the file's rows counted too): `UnitImportError` for a bad file, nothing stored;
    /// `StoreError.notFound` for a county that is not registered.
    func checkedUnits(
        county: CountyCode,
        file bytes: [UInt8],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> (units: [UnitRecord], rows: Int) {
        guard try await self.county(county) != nil else {
            throw StoreError(.notFound, "county \(county) is not registered", field: "county")
        }
        let table: CSVTable
        do {
            table = try CSVTable.decode(spreadsheet: bytes)
        } catch {
            throw UnitImportError(issues: [UnitImportIssue(error)])
        }
        let units = try UnitImport.validate(
            table,
            county: county,
            committees: try await committees(county: county),
            departments: try await departments(county: county),
            progress: progress
        )
        return (units, table.rows.count)
    }
}
