-- 0003 — assessment cycles (考核周期), their steps and enrolled units; the three filings (自评报告,
-- 专考委考核评分, 工作人员考核名册), every version of each; idempotency keys of API writes.
-- Every table carries the county first in its primary key and in every foreign key (architecture point 9).

-- 考核周期: one annual (`2026`) or quarterly (`2026-Q1`) cycle of a county, with the indicator
-- scheme (`county-2021`) and the staff roster policy (`tied-2023`) it is assessed under. Scheme and
-- policy ids are checked against KaoheRules' built-in ones before a row is written.
CREATE TABLE cycles (
    county      char(6)     NOT NULL REFERENCES counties (county),
    cycle       text        NOT NULL CHECK (cycle ~ '^[0-9]{4}(-Q[1-4])?$'),
    kind        text        NOT NULL CHECK (kind IN ('annual', 'quarterly')),
    title       text        NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    scheme      text        NOT NULL CHECK (scheme ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    policy      text        NOT NULL CHECK (policy ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle),
    CHECK ((kind = 'annual') = (cycle ~ '^[0-9]{4}$')),
    FOREIGN KEY (county, created_by) REFERENCES accounts (county, account)
);

-- The steps of a cycle that take filings. A filing is accepted from opens_at; after deadline it is
-- stored and marked late; from closes_at on it is refused. The office may close a step early by
-- hand, which moves closes_at to that moment and records who did it. Times are instants
-- (timestamptz); kaohe shows them in Asia/Shanghai.
CREATE TABLE cycle_steps (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    step        text        NOT NULL CHECK (step IN ('self_assessment', 'assessment', 'roster')),
    opens_at    timestamptz NOT NULL,
    deadline    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    closed_by   text,
    closed_at   timestamptz,
    PRIMARY KEY (county, cycle, step),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle) ON DELETE CASCADE,
    FOREIGN KEY (county, closed_by) REFERENCES accounts (county, account),
    CHECK (opens_at <= deadline),
    CHECK (opens_at <= closes_at),
    CHECK ((closed_by IS NULL) = (closed_at IS NULL))
);

-- 参加考核单位: the units enrolled in a cycle.
CREATE TABLE cycle_units (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    unit_code   char(18)    NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, unit_code),
    FOREIGN KEY (county, cycle) REFERENCES cycles (county, cycle),
    FOREIGN KEY (county, unit_code) REFERENCES units (county, code)
);

-- Every version of every filing. A PUT adds version n+1; nothing is overwritten. `content` is the
-- filing as accepted (self-assessment report and attachment list; score sheet with its totals;
-- roster summary with its quota and every violation). `late` and `deadline` record the deadline in
-- force when it was filed.
CREATE TABLE filings (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    unit_code   char(18)    NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('self_assessment', 'assessment', 'roster')),
    version     integer     NOT NULL CHECK (version >= 1),
    filed_by    text        NOT NULL,
    filed_at    timestamptz NOT NULL DEFAULT now(),
    deadline    timestamptz NOT NULL,
    late        boolean     NOT NULL,
    content     jsonb       NOT NULL,
    PRIMARY KEY (county, cycle, unit_code, kind, version),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code),
    FOREIGN KEY (county, cycle, kind) REFERENCES cycle_steps (county, cycle, step),
    FOREIGN KEY (county, filed_by) REFERENCES accounts (county, account)
);

-- PDF attachments of self-assessments, stored once per content hash; a self-assessment version
-- lists the attachments it carries by name and hash.
CREATE TABLE filing_attachments (
    county      char(6)     NOT NULL,
    cycle       text        NOT NULL,
    unit_code   char(18)    NOT NULL,
    sha256      char(64)    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes       bytea       NOT NULL,
    size        integer     NOT NULL CHECK (size >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, cycle, unit_code, sha256),
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code)
);

-- The staff lines of each roster version (工作人员年度考核登记). Rows arrive through COPY into a
-- per-transaction staging table and are merged here in the filing's transaction.
CREATE TABLE roster_rows (
    county              char(6)     NOT NULL,
    cycle               text        NOT NULL,
    unit_code           char(18)    NOT NULL,
    kind                text        NOT NULL DEFAULT 'roster' CHECK (kind = 'roster'),
    version             integer     NOT NULL,
    line                integer     NOT NULL CHECK (line >= 1),
    staff_no            text        NOT NULL CHECK (length(staff_no) BETWEEN 1 AND 64),
    name                text        NOT NULL DEFAULT '',
    post_category       text        NOT NULL DEFAULT '',
    level               text        NOT NULL DEFAULT '',
    score               numeric(7, 2),
    grade               text        NOT NULL,
    sanction            text        NOT NULL DEFAULT 'none',
    under_investigation boolean     NOT NULL DEFAULT false,
    probation           boolean     NOT NULL DEFAULT false,
    leave_months        integer     NOT NULL DEFAULT 0,
    unassigned_months   integer     NOT NULL DEFAULT 0,
    refused             boolean     NOT NULL DEFAULT false,
    quarters            text        NOT NULL DEFAULT '',
    PRIMARY KEY (county, cycle, unit_code, version, line),
    FOREIGN KEY (county, cycle, unit_code, kind, version)
        REFERENCES filings (county, cycle, unit_code, kind, version)
);

-- Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): per account, the fingerprint of
-- the first request that used a key and, once it completed, the response to replay byte for byte.
-- A row with status NULL is in flight. Rows expire at expires_at (24 h after first use).
CREATE TABLE idempotency_keys (
    county        char(6)     NOT NULL,
    account       text        NOT NULL,
    key           text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint   char(64)    NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    method        text        NOT NULL,
    path          text        NOT NULL,
    status        integer,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (county, account, key),
    FOREIGN KEY (county, account) REFERENCES accounts (county, account)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
