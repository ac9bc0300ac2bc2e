-- 0013 — each year's holiday notice (国务院办公厅关于…年部分节假日安排的通知: holidays and 调休 working
-- weekends) as data the office loads the day the notice appears, instead of a new build. One row per
-- county and year, the notice as kaohe's JSON (the same shape as the built-in 2025 and 2026 files);
-- a row for a built-in year replaces it for that county. Every working-day computation of the county
-- (the 公示 window, the staff review deadline) reads the built-in years overlaid with these rows.
-- Loading is audited (`calendar.load`) in the county's chain.
CREATE TABLE holiday_notices (
    county     char(6)     NOT NULL REFERENCES counties (county),
    year       integer     NOT NULL CHECK (year BETWEEN 2000 AND 2099),
    notice     jsonb       NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    loaded_by  text        NOT NULL,
    PRIMARY KEY (county, year)
);
