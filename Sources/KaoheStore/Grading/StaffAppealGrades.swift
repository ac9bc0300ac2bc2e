/// 复核 outcomes in the roster checks: a staff member whose appeal was decided `changed` counts with
/// the decided grade, not the one the unit filed — so a 复核 that makes someone 优秀 moves the unit's
/// 优秀 count against its quota the moment it is decided (issue 16 item 3).
enum StaffAppealGrades {
    /// Joined to `roster_rows r`: `coalesce(sa.decided_grade, r.grade)` is the grade that counts
    /// (the latest decision, should a person ever have two: the store allows one appeal each).
    /// Changed outcomes are few, so they are read whole and hash-joined rather than looked up per
    /// line (a roster check of a county reads tens of thousands of lines).
    static let join = """
        LEFT JOIN (SELECT DISTINCT ON (a.county, a.cycle, a.unit_code, a.staff_no)
                          a.county, a.cycle, a.unit_code, a.staff_no, a.decided_grade
                   FROM staff_appeals a WHERE a.outcome = 'changed'
                   ORDER BY a.county, a.cycle, a.unit_code, a.staff_no, a.decided_at DESC) sa
            ON sa.county = r.county AND sa.cycle = r.cycle AND sa.unit_code = r.unit_code AND sa.staff_no = r.staff_no
        """
}
