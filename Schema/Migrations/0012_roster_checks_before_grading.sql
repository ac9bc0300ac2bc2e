-- 0012 — a roster's check is kept current from the committee's assessment on, not only once the
-- office has proposed grades. Until then the unit's grade is provisional, from its committee's latest
-- assessment (`basis` 'assessment'); a roster filed before that assessment is checked again when the
-- assessment arrives, so its 优秀 quota is never left 'unknown' by the order in which things were filed.
-- From the proposal on, the grading rewrites the checks (`basis` 'grading'), as before.
ALTER TABLE roster_checks DROP CONSTRAINT roster_checks_county_cycle_unit_code_fkey;
ALTER TABLE roster_checks
    ADD FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code);
ALTER TABLE roster_checks
    ADD COLUMN basis text NOT NULL DEFAULT 'grading' CHECK (basis IN ('assessment', 'grading'));
