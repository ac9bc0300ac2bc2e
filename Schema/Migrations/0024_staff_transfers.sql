-- 0024 — a person across units (issue 19, SPEC "Staff across cycles"). A person is known by their
-- unit and 工号 (rosters carry no ID number, and none is stored); a move to another unit of the
-- county — or a new 工号 in the same unit — is recorded by the office as a transfer, effective from
-- a cycle: from that cycle on the person is `to_unit`/`to_staff_no`, before it `from_unit`/
-- `from_staff_no`. Each identity receives at most one transfer per cycle; a transfer is never
-- updated or deleted (a wrong one is corrected by recording another).
CREATE TABLE staff_transfers (
    county          char(6)     NOT NULL REFERENCES counties (county),
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    from_unit       char(18)    NOT NULL,
    from_staff_no   text        NOT NULL CHECK (length(from_staff_no) BETWEEN 1 AND 64),
    to_unit         char(18)    NOT NULL,
    to_staff_no     text        NOT NULL CHECK (length(to_staff_no) BETWEEN 1 AND 64),
    effective_cycle text        NOT NULL CHECK (effective_cycle ~ '^[0-9]{4}$'),
    reason          text        NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    recorded_by     text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, id),
    UNIQUE (county, to_unit, to_staff_no, effective_cycle),
    CHECK ((from_unit, from_staff_no) <> (to_unit, to_staff_no)),
    FOREIGN KEY (county, from_unit) REFERENCES units (county, code),
    FOREIGN KEY (county, to_unit) REFERENCES units (county, code),
    FOREIGN KEY (county, recorded_by) REFERENCES accounts (county, account)
);

CREATE FUNCTION staff_transfers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'staff_transfers is append-only' USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER staff_transfers_append_only BEFORE UPDATE OR DELETE ON staff_transfers
    FOR EACH ROW EXECUTE FUNCTION staff_transfers_append_only();
