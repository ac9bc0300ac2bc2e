import KaoheRules
import Postgres

extension StaffRecord {
    /// One staff line of `roster_rows` as the rules read it. The row must carry `staff_no`,
    /// `score::text AS score`, `grade`, `sanction`, `under_investigation`, `probation`,
    /// `leave_months`, `unassigned_months`, `refused` and `quarters` (the roster read and the
    /// re-check after grading both select these, so the two cannot decode a line differently).
    init(rosterRow row: PostgresRow) throws {
        let score = try row.decode(String?.self, column: "score").flatMap { try? Score(parsing: $0) }
        let quarters = try row.decode(String.self, column: "quarters").split(separator: ",").compactMap {
            QuarterResult(rawValue: String($0))
        }
        self.init(
            staffNo: try row.decode(String.self, column: "staff_no"),
            score: score,
            grade: StaffGrade(rawValue: try row.decode(String.self, column: "grade")) ?? .undetermined,
            sanction: Sanction(rawValue: try row.decode(String.self, column: "sanction")) ?? .none,
            underInvestigation: try row.decode(Bool.self, column: "under_investigation"),
            probation: try row.decode(Bool.self, column: "probation"),
            leaveMonths: try row.decode(Int.self, column: "leave_months"),
            unassignedMonths: try row.decode(Int.self, column: "unassigned_months"),
            refused: try row.decode(Bool.self, column: "refused"),
            quarters: quarters
        )
    }
}
