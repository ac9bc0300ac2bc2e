-- 0020 — fresh statistics after a grading writes many rows at once. A county's first proposal
-- inserts one unit_grades row and one roster_checks row per unit (50,000 for a province); until
-- autovacuum analyzes them, the planner believes the county has next to none and nested-loops the
-- next statements over them (a re-proposal of 2,000 units took 650 ms instead of 10). kaohed calls
-- this in the same transaction when a grading inserted 200 rows or more (GradingStore). The
-- application role owns no table, so the function runs as the schema's owner; it analyzes the
-- columns the grading's statements filter and join on, and nothing else; its search_path is the
-- one it was created under (the schema kaohe migrated).
CREATE FUNCTION analyze_grading_tables(grades boolean, checks boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    IF grades THEN
        ANALYZE unit_grades (county, cycle, unit_code, committee, grade);
    END IF;
    IF checks THEN
        ANALYZE roster_checks (county, cycle, unit_code, unit_grade, final, basis, roster_version);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION analyze_grading_tables(boolean, boolean) FROM PUBLIC;
