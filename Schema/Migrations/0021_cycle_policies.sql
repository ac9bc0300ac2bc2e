-- 0021 — each cycle's own policy (考核政策), versioned: the unit bands and ratios with their scope,
-- the department ties, the re-check override, the 公示 and review day counts, the staff quota
-- table and the spot-check rates, as kaohe's JSON (KaoheRules' CyclePolicy, the roster policy
-- inline). Chosen from a preset when the cycle is created and changed by the office until the step
-- that uses each part (CyclePolicyStore); every version is kept and each is audited
-- (`cycle.policy`). A cycle with no row runs under the built-in default preset with the roster
-- policy its `cycles.policy` names (cycles created before this migration).
CREATE TABLE cycle_policies (
    county     char(6)     NOT NULL,
    cycle      text        NOT NULL,
    version    integer     NOT NULL CHECK (version >= 1),
    preset     text        NOT NULL CHECK (preset ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    document   jsonb       NOT NULL,
    reason     text        NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    set_by     text        NOT NULL,
    set_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, version),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle) ON DELETE CASCADE,
    FOREIGN KEY (county, set_by) REFERENCES accounts (county, account)
);
