-- 0001 — the registry: counties, committees, supervising departments, units, accounts.
-- Every table carries the county in its primary key and in every foreign key (architecture point 9):
-- no row of one county can ever point at another county's row.

-- 县: a county, by its 6-digit administrative division code (行政区划代码).
CREATE TABLE counties (
    county      char(6)     PRIMARY KEY CHECK (county ~ '^[0-9]{6}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- 专业考核委员会 (专考委): one per sector; scores the units it is responsible for.
CREATE TABLE committees (
    county      char(6)     NOT NULL REFERENCES counties (county),
    committee   text        NOT NULL CHECK (committee ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, committee)
);

-- 主管部门 / 举办单位: the supervising department of a unit.
CREATE TABLE departments (
    county      char(6)     NOT NULL REFERENCES counties (county),
    department  text        NOT NULL CHECK (department ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, department)
);

-- 事业单位: a public institution, by its unified social credit code (统一社会信用代码, GB 32100-2015).
-- The checksum is verified by KaoheRules before a row is written; the CHECK keeps the charset honest.
CREATE TABLE units (
    county      char(6)     NOT NULL REFERENCES counties (county),
    code        char(18)    NOT NULL CHECK (code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    committee   text        NOT NULL,
    department  text        NOT NULL,
    headcount   integer     NOT NULL CHECK (headcount >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, code),
    FOREIGN KEY (county, committee)  REFERENCES committees (county, committee),
    FOREIGN KEY (county, department) REFERENCES departments (county, department)
);
CREATE INDEX units_by_committee ON units (county, committee);

-- Accounts: who may act, in which role, for which scope. Tokens and passwords are stored only as hashes.
CREATE TABLE accounts (
    county        char(6)     NOT NULL REFERENCES counties (county),
    account       text        NOT NULL CHECK (account ~ '^[a-z0-9][a-z0-9_.-]{0,59}$'),
    display_name  text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('office', 'committee', 'unit', 'reviewer', 'auditor')),
    committee     text,
    unit_code     char(18),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz,
    PRIMARY KEY (county, account),
    FOREIGN KEY (county, committee) REFERENCES committees (county, committee),
    FOREIGN KEY (county, unit_code) REFERENCES units (county, code),
    CHECK (role <> 'committee' OR committee IS NOT NULL),
    CHECK (role <> 'unit' OR unit_code IS NOT NULL)
);
