-- 0009: filings are written by one function call, several at a time.
--
-- A filing used to be eight round trips between kaohed and the server (BEGIN, the step window under
-- the enrolment lock, the next version, the policy and assessment, the filing, its roster lines, its
-- audit entry, COMMIT), and every filing was a transaction and a commit of its own. Now kaohed
-- gathers the filings that arrive together (FilingBatcher) and writes them in one transaction:
-- file_versions() for the filing rows, then one COPY of the filed rosters' lines straight into
-- roster_rows under the versions it returned, then COMMIT. file_versions() applies the same rules
-- with the same locks, in the same order, to each filing of its batch:
--
--   1. the unit's enrolment row FOR UPDATE (one unit's filings are serialised) and the step's row
--      FOR SHARE (a concurrent hand-close waits), then the step window against the time the lock was
--      granted (clock_timestamp(), not the transaction's start, which a batch may have passed a while
--      ago): before opens_at 'pending', at or after closes_at 'closed', after the deadline stored as
--      late; that time is the filing's filed_at, so one unit's versions are filed in time order;
--   2. the basis check: the content was computed by kaohed from version `basisVersion` of the filing
--      `basisKind` (a self-assessment carries the previous version's attachments, a roster's quota
--      comes from the committee's latest assessment); if that is no longer the latest, nothing is
--      written and the outcome is 'stale' (kaohed reads the basis again and files it again);
--   3. the next version, read in the same statement as the basis, after the lock was granted
--      (PL/pgSQL takes a new snapshot per statement, so it sees a version a concurrent filing just
--      committed);
--   4. the filing row, and its audit entry (audit_pending, linked into the chain at commit by 0008's
--      trigger) with the version and lateness added to its details.
--
-- `batch` is a JSON array of filings, handled in order (kaohed sorts it by unit, so that concurrent
-- calls lock enrolment rows in the same order and cannot deadlock). One row is returned per filing:
-- its 1-based position, its outcome ('filed', 'not-enrolled', 'no-step', 'pending', 'closed',
-- 'stale') and what kaohed reports with it. A refused filing writes nothing. An error (a constraint)
-- aborts the whole transaction; kaohed then files the batch's filings one by one, so that the error
-- is reported to the filing that caused it and the others are written.
--
-- Roster lines no longer pass through a staging table: the COPY goes into roster_rows itself, in the
-- filing's transaction, so until COMMIT no other session sees them and a failure leaves none.

CREATE FUNCTION file_versions(batch jsonb) RETURNS TABLE (
    filing     integer,
    outcome    text,
    version    integer,
    filed_at   timestamptz,
    deadline   timestamptz,
    late       boolean,
    opens_at   timestamptz,
    closes_at  timestamptz,
    closed_by  text
) LANGUAGE plpgsql AS $$
DECLARE
    f          jsonb;
    f_county   char(6);
    f_cycle    text;
    f_unit     char(18);
    f_kind     text;
    w          record;
    latest     integer;
BEGIN
    FOR i IN 1 .. jsonb_array_length(batch) LOOP
        f := batch -> (i - 1);
        f_county := f ->> 'county';
        f_cycle := f ->> 'cycle';
        f_unit := f ->> 'unit';
        f_kind := f ->> 'kind';
        filing := i;
        version := NULL; filed_at := NULL; deadline := NULL; late := NULL;
        opens_at := NULL; closes_at := NULL; closed_by := NULL;

        SELECT s.opens_at, s.deadline, s.closes_at, s.closed_by, clock_timestamp() AS at
        INTO w
        FROM cycle_units cu
        JOIN cycle_steps s ON s.county = cu.county AND s.cycle = cu.cycle AND s.step = f_kind
        WHERE cu.county = f_county AND cu.cycle = f_cycle AND cu.unit_code = f_unit
        FOR UPDATE OF cu FOR SHARE OF s;
        IF NOT FOUND THEN
            outcome := CASE WHEN EXISTS (SELECT 1 FROM cycle_units cu
                                         WHERE cu.county = f_county AND cu.cycle = f_cycle AND cu.unit_code = f_unit)
                            THEN 'no-step' ELSE 'not-enrolled' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF w.at < w.opens_at THEN
            outcome := 'pending'; opens_at := w.opens_at;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF w.at >= w.closes_at THEN
            outcome := 'closed'; closes_at := w.closes_at; closed_by := w.closed_by;
            RETURN NEXT;
            CONTINUE;
        END IF;

        -- The next version and the basis's latest version, in one read (the latter NULL when the
        -- draft names no basis or none was filed).
        SELECT coalesce(max(x.version) FILTER (WHERE x.kind = f_kind), 0) + 1,
               max(x.version) FILTER (WHERE x.kind = f ->> 'basisKind')
        INTO version, latest
        FROM filings x
        WHERE x.county = f_county AND x.cycle = f_cycle AND x.unit_code = f_unit
          AND x.kind IN (f_kind, coalesce(f ->> 'basisKind', f_kind));
        IF f ? 'basisKind' AND latest IS DISTINCT FROM (f ->> 'basisVersion')::integer THEN
            outcome := 'stale';
            version := NULL;
            RETURN NEXT;
            CONTINUE;
        END IF;
        deadline := w.deadline;
        late := w.at > w.deadline;
        filed_at := w.at;
        INSERT INTO filings (county, cycle, unit_code, kind, version, filed_by, filed_at, deadline, late, content)
        VALUES (f_county, f_cycle, f_unit, f_kind, version, f ->> 'filedBy', filed_at, deadline, late, f -> 'content');
        INSERT INTO audit_pending (county, actor, action, object, details)
        VALUES (f_county, f ->> 'actor', f ->> 'action', f ->> 'object',
                coalesce(f -> 'details', '{}') || jsonb_build_object('version', version::text, 'late', late::text));
        outcome := 'filed';
        RETURN NEXT;
    END LOOP;

    RETURN;
END
$$;

-- The chain's trigger (0008), the same entry and hash, one statement fewer: the county's head row
-- is locked first and created only when it is missing, instead of an INSERT … ON CONFLICT DO
-- NOTHING (a speculative insertion) before every entry.
CREATE OR REPLACE FUNCTION audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq   bigint;
    head_hash  char(64);
    entry_at   timestamptz := clock_timestamp();
    entry_hash char(64);
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_heads WHERE county = NEW.county FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_heads (county, seq, hash) VALUES (NEW.county, 0, repeat('0', 64))
        ON CONFLICT (county) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM audit_heads WHERE county = NEW.county FOR UPDATE;
    END IF;
    entry_hash := encode(sha256(convert_to(
        jsonb_build_array(head_hash::text, head_seq + 1,
                          to_char(entry_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                          NEW.actor, NEW.action, NEW.object, NEW.details)::text, 'UTF8')), 'hex');
    INSERT INTO audit_log (county, seq, at, actor, action, object, details, prev_hash, hash)
    VALUES (NEW.county, head_seq + 1, entry_at, NEW.actor, NEW.action, NEW.object, NEW.details, head_hash, entry_hash);
    UPDATE audit_heads SET seq = head_seq + 1, hash = entry_hash WHERE county = NEW.county;
    DELETE FROM audit_pending WHERE county = NEW.county AND id = NEW.id;
    RETURN NULL;
END
$$;

-- A filing's content (a roster's summary, a score sheet) is compressed with LZ4 when it is large
-- enough to be compressed at all: several times faster than the default pglz, for all but the same
-- size. A server built without LZ4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE filings ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
