import KaoheRules
import Postgres

/// Where a result's roster-line columns are: found once for all its rows (a province's re-check
/// reads 500,000 lines; looking each name up in every row was a fifth of it). The result must carry
/// `staff_no`, `score::text AS score`, `grade`, `sanction`, `under_investigation`, `probation`,
/// `leave_months`, `unassigned_months`, `refused`, `quarters`, `level` and `post_category` (the
/// roster read, the provisional check and the re-check after grading all select these, so none can
/// decode a line differently).
struct StaffRecordColumns {
    let staffNo, score, grade, sanction, underInvestigation, probation, leaveMonths, unassignedMonths, refused, quarters: Int
    let level, postCategory: Int

    init(_ rows: PostgresRows) throws {
        staffNo = try rows.column("staff_no")
        score = try rows.column("score")
        grade = try rows.column("grade")
        sanction = try rows.column("sanction")
        underInvestigation = try rows.column("under_investigation")
        probation = try rows.column("probation")
        leaveMonths = try rows.column("leave_months")
        unassignedMonths = try rows.column("unassigned_months")
        refused = try rows.column("refused")
        quarters = try rows.column("quarters")
        level = try rows.column("level")
        postCategory = try rows.column("post_category")
    }
}

extension StaffRecord {
    /// One staff line of `roster_rows` as the rules read it (`columns` of the row's result). The
    /// level and post category are stored as filed (the clerk's term, checked against the closed
    /// lists when filed); a term not on the lists — free text filed before they were closed — reads
    /// as 一般工作人员 and no category.
    init(rosterRow row: PostgresRow, columns: StaffRecordColumns) throws {
        let score = try row.decode(String?.self, at: columns.score).flatMap { try? Score(parsing: $0) }
        let quarters = try row.decode(String.self, at: columns.quarters).split(separator: ",").compactMap {
            QuarterResult(rawValue: String($0))
        }
        self.init(
            staffNo: try row.decode(String.self, at: columns.staffNo),
            score: score,
            grade: StaffGrade(rawValue: try row.decode(String.self, at: columns.grade)) ?? .undetermined,
            sanction: Sanction(rawValue: try row.decode(String.self, at: columns.sanction)) ?? .none,
            underInvestigation: try row.decode(Bool.self, at: columns.underInvestigation),
            probation: try row.decode(Bool.self, at: columns.probation),
            leaveMonths: try row.decode(Int.self, at: columns.leaveMonths),
            unassignedMonths: try row.decode(Int.self, at: columns.unassignedMonths),
            refused: try row.decode(Bool.self, at: columns.refused),
            quarters: quarters,
            level: StaffLevel(term: try row.decode(String.self, at: columns.level)) ?? .general,
            post: PostCategory(term: try row.decode(String.self, at: columns.postCategory))
        )
    }
}
