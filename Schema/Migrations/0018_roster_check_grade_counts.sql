-- 0018 — a roster check stored from the grading keeps how many of its lines hold each grade
-- ({"excellent": 12, "competent": 37, …}, the 复核 decisions counted), beside the report. When only
-- the unit's grade or the final flag moves, the check is re-derived from the report's line findings
-- and these counts (`RosterCheck.report`), without reading the roster's lines again. NULL (checks
-- stored before this, or from the committee's assessment) means: check from the lines.
ALTER TABLE roster_checks ADD COLUMN grade_counts jsonb;
