-- 0016 — 延期: the office extends a filing step's deadline, for the whole step or for one unit, with
-- a reason (issue 17). One row per grant, never changed: the latest grant of a unit and step is the
-- one in force. A whole-step grant (unit_code NULL) also moves cycle_steps' deadline and closes_at,
-- so every reader of the step (its state, the scheduled close and, for the assessment step, the
-- spot-check freeze and draw, through 0004's trigger) follows; this table keeps its history.
CREATE TABLE deadline_extensions (
    county      char(6)     NOT NULL,
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    cycle       text        NOT NULL,
    step        text        NOT NULL,
    unit_code   char(18),
    deadline    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL,
    reason      text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    granted_by  text        NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, id),
    FOREIGN KEY (county, cycle, step) REFERENCES cycle_steps (county, cycle, step) ON DELETE CASCADE,
    FOREIGN KEY (county, cycle, unit_code) REFERENCES cycle_units (county, cycle, unit_code) ON DELETE CASCADE,
    FOREIGN KEY (county, granted_by) REFERENCES accounts (county, account),
    CHECK (deadline <= closes_at)
);
CREATE INDEX deadline_extensions_in_force ON deadline_extensions (county, cycle, step, unit_code, id DESC);

-- file_versions (0009, with 0014's content hash) with the unit's own extension: the step window of a unit is the later of the
-- step's and the unit's latest grant (a unit granted past a hand-close may still file), so a
-- filing's deadline and lateness are the ones in force for that unit. Everything else is 0014's.
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

        SELECT s.opens_at, greatest(s.deadline, e.deadline) AS deadline, greatest(s.closes_at, e.closes_at) AS closes_at,
               CASE WHEN e.closes_at > s.closes_at THEN NULL ELSE s.closed_by END AS closed_by, clock_timestamp() AS at
        INTO w
        FROM cycle_units cu
        JOIN cycle_steps s ON s.county = cu.county AND s.cycle = cu.cycle AND s.step = f_kind
        LEFT JOIN LATERAL (
            SELECT x.deadline, x.closes_at FROM deadline_extensions x
            WHERE x.county = cu.county AND x.cycle = cu.cycle AND x.step = f_kind AND x.unit_code = cu.unit_code
            ORDER BY x.id DESC LIMIT 1
        ) e ON true
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
