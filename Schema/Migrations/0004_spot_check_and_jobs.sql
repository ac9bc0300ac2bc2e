-- 0004 — scheduled runs (KaoheJobs), the spot-check draw (随机抽查核验) and the reviewer assignment (双随机).
-- Every table carries the county first in its primary key and in every foreign key (architecture point 9).

-- One row per scheduled run of a cycle: `kind` names the job (`step.close.assessment`,
-- `spot_check.freeze`, `spot_check.draw`, and kinds other modules add such as `publicity.close`).
-- A JobRunner claims a due row (due_at <= now(), done_at IS NULL, retry_at passed) with
-- `FOR UPDATE SKIP LOCKED`, runs its effect and sets done_at/done_by/result in the same transaction,
-- so a run happens exactly once however many daemons share the database. A failed attempt rolls back
-- and is recorded (attempts, last_error, retry_at) in a transaction of its own. done_by is
-- `daemon:<host>/<pid>` for a scheduled run or the actor who triggered it by hand.
CREATE TABLE scheduled_runs (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    kind        text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,79}$'),
    due_at      timestamptz NOT NULL,
    done_at     timestamptz,
    done_by     text,
    result      jsonb,
    attempts    integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  text,
    retry_at    timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, kind),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle) ON DELETE CASCADE,
    CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX scheduled_runs_pending ON scheduled_runs (due_at) WHERE done_at IS NULL;

-- Keeps the step runs in step with cycle_steps: each step's close is due at its closes_at; the
-- spot-check freeze and draw are due when the committee assessment step (专考委考核) closes. A run not
-- yet done follows a changed closes_at; a step closed by hand marks its close run done by that account.
CREATE FUNCTION scheduled_runs_from_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO scheduled_runs (county, cycle, kind, due_at)
    VALUES (NEW.county, NEW.cycle, 'step.close.' || NEW.step, NEW.closes_at)
    ON CONFLICT (county, cycle, kind) DO UPDATE SET due_at = EXCLUDED.due_at
        WHERE scheduled_runs.done_at IS NULL;
    IF NEW.step = 'assessment' THEN
        INSERT INTO scheduled_runs (county, cycle, kind, due_at)
        VALUES (NEW.county, NEW.cycle, 'spot_check.freeze', NEW.closes_at),
               (NEW.county, NEW.cycle, 'spot_check.draw', NEW.closes_at)
        ON CONFLICT (county, cycle, kind) DO UPDATE SET due_at = EXCLUDED.due_at
            WHERE scheduled_runs.done_at IS NULL;
    END IF;
    IF NEW.closed_by IS NOT NULL THEN
        UPDATE scheduled_runs
           SET done_at = NEW.closed_at, done_by = NEW.county || '/' || NEW.closed_by,
               result = jsonb_build_object('closedBy', 'hand', 'closedAt', NEW.closed_at)
         WHERE county = NEW.county AND cycle = NEW.cycle AND kind = 'step.close.' || NEW.step
           AND done_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cycle_steps_schedule AFTER INSERT OR UPDATE ON cycle_steps
    FOR EACH ROW EXECUTE FUNCTION scheduled_runs_from_step();

-- Cycles that existed before this migration get their runs too.
INSERT INTO scheduled_runs (county, cycle, kind, due_at, done_at, done_by, result)
SELECT county, cycle, 'step.close.' || step, closes_at, closed_at,
       CASE WHEN closed_by IS NULL THEN NULL ELSE county || '/' || closed_by END,
       CASE WHEN closed_by IS NULL THEN NULL ELSE jsonb_build_object('closedBy', 'hand', 'closedAt', closed_at) END
FROM cycle_steps;
INSERT INTO scheduled_runs (county, cycle, kind, due_at)
SELECT county, cycle, k.kind, closes_at
FROM cycle_steps CROSS JOIN (VALUES ('spot_check.freeze'), ('spot_check.draw')) AS k (kind)
WHERE step = 'assessment';

-- 抽查记录: one row per draw of a cycle, numbered 1, 2, … . The row is created by the freeze
-- (population with committee and department of each unit, its hash, who and when) and committed
-- before any seed exists; the draw then fills seed, algorithm, rate, strata and the reviewer
-- register used, and writes the selections and reviewer assignments, in one transaction.
-- A redraw (stated reason) marks the current row superseded and starts a new one; both stay.
-- The current draw of a cycle is the row with superseded_at IS NULL (at most one).
CREATE TABLE spot_check_draws (
    county              char(6)     NOT NULL,
    cycle               text        NOT NULL,
    draw_no             integer     NOT NULL CHECK (draw_no >= 1),
    population          jsonb       NOT NULL,
    population_hash     char(64)    NOT NULL CHECK (population_hash ~ '^[0-9a-f]{64}$'),
    population_size     integer     NOT NULL CHECK (population_size >= 0),
    frozen_at           timestamptz NOT NULL,
    frozen_by           text        NOT NULL,
    redraw_reason       text        CHECK (redraw_reason IS NULL OR length(btrim(redraw_reason)) >= 1),
    seed                text,
    seed_source         text        CHECK (seed_source IN ('csprng', 'dice')),
    algorithm           text,
    algorithm_version   text,
    percent             integer     CHECK (percent BETWEEN 1 AND 100),
    stratification      text        CHECK (stratification IN ('committee', 'county')),
    reviewers_per_unit  integer     CHECK (reviewers_per_unit >= 0),
    reviewer_register   jsonb,
    drawn_at            timestamptz,
    drawn_by            text,
    superseded_at       timestamptz,
    PRIMARY KEY (county, cycle, draw_no),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle),
    CHECK ((seed IS NULL) = (drawn_at IS NULL)),
    CHECK ((drawn_at IS NULL) OR (seed_source IS NOT NULL AND algorithm IS NOT NULL AND algorithm_version IS NOT NULL
           AND percent IS NOT NULL AND stratification IS NOT NULL AND drawn_by IS NOT NULL
           AND reviewers_per_unit IS NOT NULL AND reviewer_register IS NOT NULL)),
    CHECK (draw_no = 1 OR redraw_reason IS NOT NULL)
);
CREATE UNIQUE INDEX spot_check_draws_current ON spot_check_draws (county, cycle) WHERE superseded_at IS NULL;

-- 抽中单位: every unit a draw selected, with its stratum (committee or `county`), its ticket and its
-- rank (1-based, strata by name then ticket order — the order reviewers are assigned in).
-- `reviewer_shortfall` counts reviewers that could not be drawn for lack of eligible ones (回避).
CREATE TABLE spot_check_selections (
    county              char(6)     NOT NULL,
    cycle               text        NOT NULL,
    draw_no             integer     NOT NULL,
    unit_code           char(18)    NOT NULL,
    stratum             text        NOT NULL,
    ticket              text        NOT NULL CHECK (ticket ~ '^0\.[0-9]+$'),
    rank                integer     NOT NULL CHECK (rank >= 1),
    reviewer_shortfall  integer     NOT NULL DEFAULT 0 CHECK (reviewer_shortfall >= 0),
    PRIMARY KEY (county, cycle, draw_no, unit_code),
    UNIQUE (county, cycle, draw_no, rank),
    FOREIGN KEY (county, cycle, draw_no) REFERENCES spot_check_draws (county, cycle, draw_no),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code)
);

-- 选派核验人员: the reviewers drawn for each selected unit (ticket under the derived seed
-- `seed + "/reviewers/" + unit_code`, rank 1-based in ticket order). A reviewer account sees exactly
-- the units assigned to it in the current draw.
CREATE TABLE reviewer_assignments (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    draw_no     integer     NOT NULL,
    unit_code   char(18)    NOT NULL,
    reviewer    text        NOT NULL,
    ticket      text        NOT NULL CHECK (ticket ~ '^0\.[0-9]+$'),
    rank        integer     NOT NULL CHECK (rank >= 1),
    PRIMARY KEY (county, cycle, draw_no, unit_code, reviewer),
    FOREIGN KEY (county, cycle, draw_no, unit_code)
        REFERENCES spot_check_selections (county, cycle, draw_no, unit_code),
    FOREIGN KEY (county, reviewer) REFERENCES reviewers (county, reviewer)
);
CREATE INDEX reviewer_assignments_by_reviewer ON reviewer_assignments (county, reviewer);
