-- 0011 — a scheduled run that cannot succeed is given up instead of retried forever.
-- A run whose job fails for a reason that retrying cannot change (the rules refuse it: a cycle with no
-- units to freeze, a year whose calendar is missing) or that has failed 20 times is marked
-- `given_up_at`; the runners no longer claim it, and the office sees it on the monitor with its last
-- error. The office's hand trigger (`kaohe jobs run`) still runs it, and a success marks it done.
ALTER TABLE scheduled_runs ADD COLUMN given_up_at timestamptz;

DROP INDEX scheduled_runs_pending;
CREATE INDEX scheduled_runs_pending ON scheduled_runs (due_at) WHERE done_at IS NULL AND given_up_at IS NULL;
