-- 0002 — reviewers, API tokens and the audit trail.

-- 核验人员: the office's register of people it can send to re-evaluate a sampled unit. Their own
-- committee and supervising department are kept for 回避 (a reviewer never checks a unit of either).
CREATE TABLE reviewers (
    county      char(6)     NOT NULL REFERENCES counties (county),
    reviewer    text        NOT NULL CHECK (reviewer ~ '^[a-z0-9][a-z0-9_.-]{0,59}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    committee   text,
    department  text,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, reviewer),
    FOREIGN KEY (county, committee)  REFERENCES committees (county, committee),
    FOREIGN KEY (county, department) REFERENCES departments (county, department)
);

ALTER TABLE accounts ADD COLUMN reviewer text;
ALTER TABLE accounts ADD FOREIGN KEY (county, reviewer) REFERENCES reviewers (county, reviewer);
ALTER TABLE accounts ADD CHECK (role <> 'reviewer' OR reviewer IS NOT NULL);

-- API tokens: only the SHA-256 of a token is stored; the token itself is shown once when created.
CREATE TABLE api_tokens (
    county       char(6)     NOT NULL,
    token_id     uuid        NOT NULL,
    account      text        NOT NULL,
    token_hash   char(64)    NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    label        text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    PRIMARY KEY (county, token_id),
    FOREIGN KEY (county, account) REFERENCES accounts (county, account)
);

-- The audit trail: one SHA-256 hash chain per county. Each entry's hash covers the previous entry's
-- hash and the entry's own fields (see KaoheStore/Audit/AuditChain.swift for the exact canonical
-- form), so an edited, inserted or deleted row breaks the chain at that point. The head row is
-- locked (FOR UPDATE) by every append, which serialises appends per county.
CREATE TABLE audit_heads (
    county  char(6) PRIMARY KEY REFERENCES counties (county),
    seq     bigint  NOT NULL,
    hash    char(64) NOT NULL
);

CREATE TABLE audit_log (
    county     char(6)     NOT NULL REFERENCES counties (county),
    seq        bigint      NOT NULL CHECK (seq >= 1),
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    action     text        NOT NULL,
    object     text        NOT NULL,
    details    jsonb       NOT NULL DEFAULT '{}',
    prev_hash  char(64)    NOT NULL,
    hash       char(64)    NOT NULL,
    PRIMARY KEY (county, seq)
);
CREATE INDEX audit_log_by_object ON audit_log (county, object, seq);

-- The trail is append-only for the application: UPDATE and DELETE are refused. (A superuser can
-- still disable the trigger; the hash chain is what proves nobody did.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
