-- 0008: the audit chain is linked at commit time.
--
-- Until now an append locked the county's audit_heads row in the middle of the transaction and kept
-- it through the client's remaining round trips and the COMMIT, so one county's filings committed
-- strictly one after another however many arrived at once (the ingest benchmark found most
-- backends "SELECT waiting" on that row).
--
-- Now a change appends its entry to audit_pending; a deferred constraint trigger links it into
-- audit_log when the transaction commits: it locks the head, computes seq, prev_hash and hash
-- exactly as before (same canonical text, see AuditChain.swift), inserts the entry, moves the head
-- and removes the pending row. The entry is still written in the same transaction as the change it
-- records (SPEC.md "Audit"); the head is now held only for the microseconds between the trigger and
-- the end of the commit, and never while the transaction takes other locks (no lock-order deadlock
-- between the head and units or steps). `SET CONSTRAINTS audit_pending_chain IMMEDIATE` links
-- pending entries at once when a caller must know its sequence number.
--
-- audit_pending is UNLOGGED: its rows never outlive the transaction that inserted them.

CREATE UNLOGGED TABLE audit_pending (
    county   char(6)  NOT NULL,
    id       bigint   GENERATED ALWAYS AS IDENTITY,
    actor    text     NOT NULL,
    action   text     NOT NULL,
    object   text     NOT NULL,
    details  jsonb    NOT NULL DEFAULT '{}',
    PRIMARY KEY (county, id)
);

CREATE FUNCTION audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq   bigint;
    head_hash  char(64);
    entry_at   timestamptz := clock_timestamp();
    entry_hash char(64);
BEGIN
    INSERT INTO audit_heads (county, seq, hash) VALUES (NEW.county, 0, repeat('0', 64))
    ON CONFLICT (county) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_heads WHERE county = NEW.county FOR UPDATE;
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

CREATE CONSTRAINT TRIGGER audit_pending_chain AFTER INSERT ON audit_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_chain_pending();

