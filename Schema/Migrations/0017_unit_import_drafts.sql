-- 0017 — a unit register uploaded in the dashboard waits here, previewed, until the office applies
-- it (issue 17): the preview names what would change, and applying imports exactly the file that
-- was previewed (its SHA-256), through the same import as `PUT /api/v1/counties/{county}/units`.
-- A draft is deleted when applied; drafts older than a day are deleted at the next upload.
CREATE TABLE unit_import_drafts (
    county      char(6)     NOT NULL REFERENCES counties (county) ON DELETE CASCADE,
    sha256      char(64)    NOT NULL,
    file        bytea       NOT NULL,
    file_name   text        NOT NULL DEFAULT '',
    uploaded_by text        NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, sha256)
);
