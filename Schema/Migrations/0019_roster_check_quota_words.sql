-- 0019 — a roster check's 优秀-quota violation no longer says whether the quota is provisional
-- (its `quota.provisional` and the `final` column say so), so a confirmation or a new proposal
-- only flips those two on checks whose roster and unit grade did not move. Checks stored before
-- this, with the old words, forget their grade counts: they are checked from their lines again
-- the next time the flag moves.
UPDATE roster_checks SET grade_counts = NULL
WHERE grade_counts IS NOT NULL AND summary @? '$.violations[*] ? (@.rule == "excellent-quota")';
