-- 0006 — the web dashboard (网页控制台): passwords, sessions, login throttling.

-- accounts.password_hash (from 0001) holds a bcrypt hash set by `kaohe account set-password`; NULL
-- means the account has no web login (token-only accounts stay valid for the API).
ALTER TABLE accounts ADD CHECK (password_hash IS NULL OR password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$');

-- Login throttling: consecutive failures since the last success, and until when the account refuses
-- every password (also the right one) after too many of them.
ALTER TABLE accounts ADD COLUMN login_failures     integer NOT NULL DEFAULT 0 CHECK (login_failures >= 0);
ALTER TABLE accounts ADD COLUMN login_locked_until timestamptz;

-- A browser session. Only the SHA-256 of the session id (the cookie's value) is stored, so a copy of
-- the table cannot be replayed as cookies. The CSRF synchronizer token goes into every form of the
-- session's pages and must come back with every POST. A session ends at `expires_at` (absolute) or
-- when unused for longer than `idle_seconds`, whichever comes first, or at logout (row deleted).
CREATE TABLE web_sessions (
    county        char(6)     NOT NULL,
    session_hash  char(64)    NOT NULL UNIQUE CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    account       text        NOT NULL,
    csrf_token    text        NOT NULL CHECK (length(csrf_token) >= 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    idle_seconds  integer     NOT NULL CHECK (idle_seconds > 0),
    PRIMARY KEY (county, session_hash),
    FOREIGN KEY (county, account) REFERENCES accounts (county, account)
);
CREATE INDEX web_sessions_by_account ON web_sessions (county, account);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
