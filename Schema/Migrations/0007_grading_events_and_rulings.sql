-- 0007: what decides a grade besides the scores, and the office's rulings on ratio breaches.

-- 不得确定为优秀等次 / 直接确定为较差等次 (002 篇十 (五) and its 附件3; 一票否决 for 计生、综治、安全生产、
-- 环境保护 in 篇十二; the 党建 cases of 篇十一 that are 直接确定为较差): events other departments report
-- against a unit of a cycle. The office records each with its kind, the reason and the document it
-- rests on; the grading proposal honours every event not withdrawn. Events are never deleted: a
-- mistaken one is withdrawn with a reason, and both stay on record.
CREATE TABLE grading_events (
    county          char(6)     NOT NULL,
    cycle           text        NOT NULL,
    unit_code       char(18)    NOT NULL,
    event_no        integer     NOT NULL CHECK (event_no >= 1),
    kind            text        NOT NULL CHECK (kind IN ('direct-poor', 'not-excellent')),
    reason          text        NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
    document        text        NOT NULL CHECK (length(btrim(document)) BETWEEN 1 AND 200),
    recorded_by     text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    withdrawn_by    text,
    withdrawn_at    timestamptz,
    withdraw_reason text,
    PRIMARY KEY (county, cycle, unit_code, event_no),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code),
    FOREIGN KEY (county, recorded_by) REFERENCES accounts (county, account),
    FOREIGN KEY (county, withdrawn_by) REFERENCES accounts (county, account),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdraw_reason IS NULL))
);

-- 部门年度综合考核结果 (002 篇十二 五): a supervising department's own annual result for the cycle,
-- which limits the grades of its units (policy `departmentCeilings`).
CREATE TABLE department_results (
    county          char(6)     NOT NULL,
    cycle           text        NOT NULL,
    department      text        NOT NULL,
    grade           text        NOT NULL CHECK (grade IN ('excellent', 'good', 'qualified', 'failed')),
    document        text        NOT NULL CHECK (length(btrim(document)) BETWEEN 1 AND 200),
    recorded_by     text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, department),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle),
    FOREIGN KEY (county, department) REFERENCES departments (county, department),
    FOREIGN KEY (county, recorded_by) REFERENCES accounts (county, account)
);

-- 比例研判: after 复议 changed a grade, a breach of the 优秀 cap or the 合格 floor is a conflict the
-- office must rule on before the results are final. Each ruling names the conflict it settles
-- (kind, scope and the units it listed) and the document of the office's decision.
ALTER TABLE cycle_gradings ADD COLUMN ratio_rulings jsonb NOT NULL DEFAULT '[]';

-- 抽查比例与分层 of a cycle (篇十 / 篇十七 (四)): the office may set a higher rate than the policy's
-- default and sample the whole county as one stratum; NULL takes the built-in policy's. Never
-- below 10 %: the documents' floor is a hard one.
ALTER TABLE cycles
    ADD COLUMN spot_check_percent integer CHECK (spot_check_percent BETWEEN 10 AND 100),
    ADD COLUMN spot_check_strata  text    CHECK (spot_check_strata IN ('committee', 'county'));
