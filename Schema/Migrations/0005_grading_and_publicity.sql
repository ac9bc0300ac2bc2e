-- 0005 — re-checks (实地二次评价), grading (确定考核等次) with the office's tie decisions, unit grades
-- and the rosters re-checked against them, publicity (公示) with objections (异议/复议), and staff
-- appeals (复核). Every table carries the county first in its primary key and foreign keys.

-- 核验评分: every version of a re-check assessment of a unit selected by the cycle's current draw
-- (0004), scored with the cycle's scheme, for one of the reviewers assigned to it. `content` is the
-- sheet with its assessed totals (the same shape as a committee assessment).
CREATE TABLE rechecks (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    unit_code   char(18)    NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    draw_no     integer     NOT NULL,
    reviewer    text        NOT NULL CHECK (length(reviewer) BETWEEN 1 AND 64),
    filed_by    text        NOT NULL,
    filed_at    timestamptz NOT NULL DEFAULT now(),
    total       numeric(7, 2) NOT NULL,
    poor_count  integer     NOT NULL CHECK (poor_count >= 0),
    content     jsonb       NOT NULL,
    PRIMARY KEY (county, cycle, unit_code, version),
    FOREIGN KEY (county, cycle, draw_no, unit_code) REFERENCES spot_check_selections (county, cycle, draw_no, unit_code),
    FOREIGN KEY (county, filed_by) REFERENCES accounts (county, account)
);

-- The grading state of a cycle: one row once the office has asked for a proposal.
-- state: proposed → confirmed → (publicity) → final. `decisions` are the office's recorded tie
-- decisions (KaoheRules TieDecision list), `conflicts` the open conflicts of the last proposal.
CREATE TABLE cycle_gradings (
    county          char(6)     NOT NULL,
    cycle           text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('proposed', 'confirmed', 'final')),
    decisions       jsonb       NOT NULL DEFAULT '[]',
    conflicts       jsonb       NOT NULL DEFAULT '[]',
    proposed_by     text        NOT NULL,
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    confirmed_by    text,
    confirmed_at    timestamptz,
    finalised_by    text,
    finalised_at    timestamptz,
    PRIMARY KEY (county, cycle),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle),
    FOREIGN KEY (county, proposed_by) REFERENCES accounts (county, account),
    FOREIGN KEY (county, confirmed_by) REFERENCES accounts (county, account),
    FOREIGN KEY (county, finalised_by) REFERENCES accounts (county, account)
);

-- 考核等次: each unit's grade as last computed (proposal, confirmation or 复议), with the
-- assessment that counted (committee's, or the re-check's when it overrides) and the reasons.
CREATE TABLE unit_grades (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    unit_code   char(18)    NOT NULL,
    committee   text        NOT NULL,
    source      text        NOT NULL CHECK (source IN ('committee', 'recheck')),
    total       numeric(7, 2) NOT NULL,
    band        text        NOT NULL CHECK (band IN ('excellent', 'good', 'qualified', 'poor')),
    grade       text        NOT NULL CHECK (grade IN ('excellent', 'good', 'qualified', 'poor')),
    reasons     jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, unit_code),
    FOREIGN KEY (county, cycle) REFERENCES cycle_gradings (county, cycle),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code)
);
CREATE INDEX unit_grades_by_committee ON unit_grades (county, cycle, committee);

-- The latest roster of a unit re-checked against its current grade: the quota (provisional until
-- the grade is final) and every violation. Rewritten whenever the unit's grade changes.
CREATE TABLE roster_checks (
    county          char(6)     NOT NULL,
    cycle           text        NOT NULL,
    unit_code       char(18)    NOT NULL,
    roster_version  integer     NOT NULL,
    unit_grade      text        NOT NULL,
    final           boolean     NOT NULL,
    participants    integer     NOT NULL,
    excellent       integer     NOT NULL,
    quota_limit     integer     NOT NULL,
    must_give_up    integer     NOT NULL,
    violations      integer     NOT NULL,
    summary         jsonb       NOT NULL,
    checked_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, unit_code),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES unit_grades (county, cycle, unit_code)
);

-- 公示: one window per cycle, computed with the working-day calendar (closes 23:59:59 local on the
-- Nth working day after the opening day).
CREATE TABLE publicity_windows (
    county          char(6)     NOT NULL,
    cycle           text        NOT NULL,
    opens_on        date        NOT NULL,
    working_days    integer     NOT NULL CHECK (working_days >= 1),
    closes_on       date        NOT NULL,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    closes_at       timestamptz NOT NULL,
    opened_by       text        NOT NULL,
    PRIMARY KEY (county, cycle),
    FOREIGN KEY (county, cycle) REFERENCES cycle_gradings (county, cycle),
    FOREIGN KEY (county, opened_by) REFERENCES accounts (county, account),
    CHECK (closes_on >= opens_on)
);

-- 异议: an objection to a unit's published result, reviewed (复议) by the unit's committee.
CREATE TABLE objections (
    county          char(6)     NOT NULL,
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    cycle           text        NOT NULL,
    unit_code       char(18)    NOT NULL,
    filed_by        text        NOT NULL,
    filed_at        timestamptz NOT NULL DEFAULT now(),
    text            text        NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    outcome         text        CHECK (outcome IN ('upheld', 'rejected')),
    old_grade       text,
    new_grade       text        CHECK (new_grade IN ('excellent', 'good', 'qualified', 'poor')),
    note            text,
    reviewed_by     text,
    reviewed_at     timestamptz,
    PRIMARY KEY (county, id),
    FOREIGN KEY (county, cycle) REFERENCES publicity_windows (county, cycle),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code),
    FOREIGN KEY (county, filed_by) REFERENCES accounts (county, account),
    FOREIGN KEY (county, reviewed_by) REFERENCES accounts (county, account),
    CHECK ((outcome IS NULL) = (reviewed_at IS NULL))
);
CREATE INDEX objections_open ON objections (county, cycle) WHERE outcome IS NULL;

-- 复核: a staff member's application for review of their annual grade (不定等次/不参加, 基本合格,
-- 不合格), within the policy's working days (10) of being told; recorded with its outcome.
CREATE TABLE staff_appeals (
    county          char(6)     NOT NULL,
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    cycle           text        NOT NULL,
    unit_code       char(18)    NOT NULL,
    staff_no        text        NOT NULL CHECK (length(staff_no) BETWEEN 1 AND 64),
    grade           text        NOT NULL CHECK (grade IN ('basic', 'incompetent', 'undetermined', 'excluded')),
    notified_on     date        NOT NULL,
    filed_on        date        NOT NULL,
    last_day        date        NOT NULL,
    reason          text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 10000),
    filed_by        text        NOT NULL,
    filed_at        timestamptz NOT NULL DEFAULT now(),
    outcome         text        CHECK (outcome IN ('upheld', 'changed', 'rejected')),
    decided_grade   text,
    note            text,
    decided_by      text,
    decided_at      timestamptz,
    PRIMARY KEY (county, id),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code),
    FOREIGN KEY (county, filed_by) REFERENCES accounts (county, account),
    FOREIGN KEY (county, decided_by) REFERENCES accounts (county, account),
    CHECK (filed_on <= last_day),
    CHECK ((outcome IS NULL) = (decided_at IS NULL))
);
