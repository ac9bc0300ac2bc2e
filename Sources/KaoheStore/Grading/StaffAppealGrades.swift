/// 复核 outcomes in the roster checks: a staff member whose appeal was decided `changed` counts with
/// the decided grade, not the one the unit filed — so a 复核 that makes someone 优秀 moves the unit's
/// 优秀 count against its quota the moment it is decided (issue 16 item 3).
enum StaffAppealGrades {
    /// Joined to `roster_rows r`: `coalesce(sa.decided_grade, r.grade)` is the grade that counts
    /// (the latest decision, should a person ever have two: the store allows one appeal each).
    static let join = """
        LEFT JOIN LATERAL (SELECT a.decided_grade FROM staff_appeals a
                           WHERE a.county = r.county AND a.cycle = r.cycle AND a.unit_code = r.unit_code
                             AND a.staff_no = r.staff_no AND a.outcome = 'changed'
                           ORDER BY a.decided_at DESC LIMIT 1) sa ON true
        """
}
