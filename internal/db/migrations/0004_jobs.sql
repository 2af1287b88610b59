-- Jobs: durable scheduled work (internal/jobs), e.g. a request's SLA warning and escalation steps.
--
-- A job is scheduled inside the transaction of the change that calls for it, and runs at run_at: a
-- runner claims it, runs its handler and marks it done in one transaction, so the work and the
-- completion commit together (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock). The
-- claim is that transaction, so no lease column is needed: a runner that dies releases its job.

CREATE TABLE jobs (
    id {{ID}},
    kind TEXT NOT NULL CHECK (kind <> ''),
    -- names the event, e.g. 'escalate:request:42:step:1'; scheduling a key that is pending, done
    -- or failed adds nothing, so a job runs at most once however often its cause is replayed (a
    -- cancelled key may be scheduled afresh: it never ran)
    key TEXT NOT NULL UNIQUE CHECK (key <> ''),
    run_at {{TIME}} NOT NULL,
    payload {{JSON}} NOT NULL DEFAULT 'null',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
    -- failed attempts so far; a failed attempt moves run_at on by the backoff
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT NOT NULL DEFAULT '',
    -- the database's clock: bookkeeping, not used by the runner
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- when the job was done or failed for good (the runner's clock), or cancelled (the database's)
    done_at {{TIME}}
);

-- The runners' due-scan: pending jobs only, earliest first.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status = 'pending';
