-- 0010: a transaction's audit entries are linked into the chain together, by the first firing.
--
-- 0008's deferred trigger fires once per pending entry at commit, and each firing ran four
-- statements of its own: lock the county's head, insert the entry, move the head, delete the pending
-- row. A batch of filings (0009) appends one entry per filing, so a batch of ten locked and moved the
-- head ten times in a row.
--
-- Now the first firing for a county links every pending entry of that county this transaction can
-- see from its own first one on, in the order they were appended (id): it locks the head once,
-- computes each entry's seq, prev_hash and hash exactly as before (same canonical text, see
-- AuditChain.swift; each entry's time is read from the clock as it is linked), inserts them in one
-- statement, moves the head once and deletes the pending rows. The later firings find their row
-- gone and return.
--
-- Why "every pending entry it can see" is exactly this transaction's: another transaction's pending
-- rows are invisible until it commits, and by then its own firings have linked and deleted them
-- (the head's row lock orders the two). `SET CONSTRAINTS audit_pending_chain IMMEDIATE`
-- (AuditChain.appendNow) still links what was appended so far, and entries appended after it are
-- linked at commit.

CREATE OR REPLACE FUNCTION audit_chain_pending() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq   bigint;
    head_hash  char(64);
    entry_at   timestamptz;
    p          record;
    last_id    bigint;
    seqs       bigint[] := '{}';
    ats        timestamptz[] := '{}';
    actors     text[] := '{}';
    actions    text[] := '{}';
    objects    text[] := '{}';
    detailss   jsonb[] := '{}';
    prevs      text[] := '{}';
    hashes     text[] := '{}';
BEGIN
    -- Linked already, with the others, by an earlier firing of this transaction.
    PERFORM 1 FROM audit_pending WHERE county = NEW.county AND id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    SELECT seq, hash INTO head_seq, head_hash FROM audit_heads WHERE county = NEW.county FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_heads (county, seq, hash) VALUES (NEW.county, 0, repeat('0', 64))
        ON CONFLICT (county) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM audit_heads WHERE county = NEW.county FOR UPDATE;
    END IF;

    -- From this entry on: the first firing is the transaction's first entry (deferred events fire
    -- in the order they were queued, and ids are drawn in the order entries were appended). The
    -- bound keeps the scan off the dead rows that earlier transactions' deletions leave in the
    -- index until vacuum removes them.
    FOR p IN SELECT id, actor, action, object, details FROM audit_pending
             WHERE county = NEW.county AND id >= NEW.id ORDER BY id LOOP
        entry_at := clock_timestamp();
        last_id := p.id;
        seqs := seqs || (head_seq + 1);
        ats := ats || entry_at;
        actors := actors || p.actor;
        actions := actions || p.action;
        objects := objects || p.object;
        detailss := detailss || p.details;
        prevs := prevs || head_hash::text;
        head_hash := encode(sha256(convert_to(
            jsonb_build_array(head_hash::text, head_seq + 1,
                              to_char(entry_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                              p.actor, p.action, p.object, p.details)::text, 'UTF8')), 'hex');
        hashes := hashes || head_hash::text;
        head_seq := head_seq + 1;
    END LOOP;

    INSERT INTO audit_log (county, seq, at, actor, action, object, details, prev_hash, hash)
    SELECT NEW.county, e.seq, e.at, e.actor, e.action, e.object, e.details, e.prev, e.hash
    FROM unnest(seqs, ats, actors, actions, objects, detailss, prevs, hashes)
         AS e(seq, at, actor, action, object, details, prev, hash)
    ORDER BY e.seq;
    UPDATE audit_heads SET seq = head_seq, hash = head_hash WHERE county = NEW.county;
    -- The rows just linked: the range holds no other live row this transaction can see.
    DELETE FROM audit_pending WHERE county = NEW.county AND id BETWEEN NEW.id AND last_id;
    RETURN NULL;
END
$$;
