import KaoheRules
import KaoheStore

/// The one way a roster is filed — from `PUT …/roster` and from the unit page's upload form — so
/// both read a file alike, restore what a spreadsheet changed alike, and file through the same
/// store call (same rules, same audit entry, same refusals).
enum RosterFiling {
    /// The lines of an uploaded file: an .xlsx workbook (a ZIP archive) or else CSV.
    static func lines(fromFile bytes: [UInt8]) throws -> [RosterLine] {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? try RosterInput.lines(fromWorkbook: bytes) : try RosterInput.lines(fromCSV: bytes)
    }

    /// Files `lines` for `target`'s unit, after restoring the staff numbers a spreadsheet stripped of
    /// their leading zeros (`StaffNumberRepair`, against the unit's last roster); the new version and
    /// a notice per restored line. An empty roster is refused (`roster.empty`).
    static func file(
        _ lines: [RosterLine],
        collectiveAward: Bool,
        target: FilingsController.Target,
        basis: FilingStore.RosterBasis?,
        store: FilingStore
    ) async throws -> (filing: FilingVersion, notices: [StaffNumberNotice]) {
        guard !lines.isEmpty else {
            throw ProblemDetails.invalid("/staff", rule: "roster.empty", "名册没有任何人员 / the roster has no staff")
        }
        var lines = lines
        let previous = try await store.latestStaffNumbers(cycle: target.cycleRef, unit: target.unit)
        let notices = StaffNumberRepair.restoreLeadingZeros(&lines, previous: previous)
        let filing = try await store.fileRoster(
            cycle: target.cycleRef,
            unit: target.unit,
            lines: lines,
            collectiveAward: collectiveAward,
            principal: target.principal,
            basis: basis
        )
        return (filing, notices)
    }
}
