-- 0023 — staff levels are read (issue 19; SPEC "Staff rosters"): 领导班子成员 and 主要负责人 are
-- assessed by the supervising department and no longer count in a unit's staff quota, and a policy
-- may count 科级/中层/一般 apart. The grade counts a roster check keeps beside its report
-- (`roster_checks.grade_counts`, Schema/0018) were by grade alone, every level together; from now
-- on they are by level and grade (`general.excellent`). A stored count by grade alone cannot say
-- which lines were leaders, so it is dropped: the next refresh re-checks those rosters from their
-- lines (the refresh treats a check without counts as stale). Filings keep their content as filed
-- (it is under the audit chain); a roster filed before this reads its lines again at grading,
-- since only a summary with `staffCounts` is graded from its counts.
UPDATE roster_checks SET grade_counts = NULL WHERE grade_counts IS NOT NULL;
