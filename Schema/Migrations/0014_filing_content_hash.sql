-- Filing content under the audit chain (issue 15 item 5).
--
-- A filing's audit entry named the filing (object, version) but not what it said: as the database
-- superuser one could rewrite a filing's content, or a roster's lines, and `kaohe audit verify`
-- still said intact while the API served the forgery. Now each filing's entry carries
--   contentHash: lowercase hex SHA-256 of the content as stored (jsonb's own text form,
--                `content::text`, which is canonical), computed here from the very value inserted;
--   linesHash:   (rosters, put in `details` by kaohed) SHA-256 of the roster's lines in COPY text
--                form, as kaohed sent them to roster_rows.
-- Both are inside the entry's hashed fields, so neither can be changed without breaking the chain,
-- and `kaohe audit verify --deep` recomputes them from what is stored (AuditChain.verifyContent).
-- Filings made before this migration have no hashes and are reported as such, not as broken.
--
-- The function is 0009's, with the one change in the audit entry's details.

CREATE OR REPLACE FUNCTION file_versions(batch jsonb) RETURNS TABLE (
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
                coalesce(f -> 'details', '{}') || jsonb_build_object('version', version::text, 'late', late::text,
                    'contentHash', encode(sha256(convert_to((f -> 'content')::text, 'UTF8')), 'hex')));
        outcome := 'filed';
        RETURN NEXT;
    END LOOP;

    RETURN;
END
$$;
