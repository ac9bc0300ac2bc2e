-- 0022 — a unit's grade no longer carries a foreign key to its cycle's grading row. Every grade is
-- written by GradingStore in the transaction that holds the cycle's `cycle_gradings` row locked
-- (FOR UPDATE) or has just inserted it, and no statement deletes a grading row, so the key
-- proved nothing the code does not; but PostgreSQL checked it row by row, each check a key-share
-- lock on that one row: 50,000 of them were ~0.5 s of a province's first proposal (issue 18's
-- benchmark: 5.2 s against a target of 5). The key to `cycle_units` stays: a grade is of an
-- enrolled unit.
ALTER TABLE unit_grades DROP CONSTRAINT unit_grades_county_cycle_fkey;
