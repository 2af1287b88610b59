-- Quality measures and alerts (issue 5).

-- Ratings rolled up by period, centre and one dimension (the centre itself, a counter, an officer, a
-- service or an agency), kept in the transaction of each rating: the national page and the
-- centre's measures read a few thousand of these rows, never the millions of ratings. A centre's
-- own rows are hourly (its hour-by-hour day); the other dimensions' rows are daily (bucket is the
-- start of the day in Nairobi), which keeps them few: a centre's counters and officers see a
-- handful of ratings an hour, and the national page sums 30 days of every service. Suspect
-- presses (no visit, bursts) are counted apart and never in the scores. wait/service seconds sum
-- over the rated visits that had them (timed), for averages beside the scores.
CREATE TABLE rating_rollups (
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    dim TEXT NOT NULL CHECK (dim IN ('centre', 'counter', 'officer', 'service', 'agency')),
    bucket {{TIME}} NOT NULL,
    key_id BIGINT NOT NULL,
    n1 INTEGER NOT NULL DEFAULT 0,
    n2 INTEGER NOT NULL DEFAULT 0,
    n3 INTEGER NOT NULL DEFAULT 0,
    n4 INTEGER NOT NULL DEFAULT 0,
    suspect INTEGER NOT NULL DEFAULT 0,
    timed INTEGER NOT NULL DEFAULT 0,
    wait_seconds BIGINT NOT NULL DEFAULT 0,
    service_seconds BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (centre_id, dim, bucket, key_id)
);
CREATE INDEX rating_rollups_dim ON rating_rollups (dim, bucket);

-- The national roll-ups: a day's counts for each centre, and for each agency and each service
-- across every centre. The national page reads these: 30 days of the whole country are a few
-- thousand rows, however many ratings there are.
CREATE TABLE rating_national (
    dim TEXT NOT NULL CHECK (dim IN ('centre', 'service', 'agency')),
    bucket {{TIME}} NOT NULL,
    key_id BIGINT NOT NULL,
    n1 INTEGER NOT NULL DEFAULT 0,
    n2 INTEGER NOT NULL DEFAULT 0,
    n3 INTEGER NOT NULL DEFAULT 0,
    n4 INTEGER NOT NULL DEFAULT 0,
    suspect INTEGER NOT NULL DEFAULT 0,
    timed INTEGER NOT NULL DEFAULT 0,
    wait_seconds BIGINT NOT NULL DEFAULT 0,
    service_seconds BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, bucket, key_id)
);

-- A press on a counter's tablet looks for the visit just finished at that counter.
CREATE INDEX tickets_counter_done ON tickets (counter_id, done_at) WHERE status = 'done';

-- Alert rules: "at least half unhappy within 15 minutes with at least 4 responses" is measure
-- unhappy_share, window 15, min_responses 4, threshold 50 (tripped at or above); "index below 70
-- today" is measure index, window 0 (the centre's day so far), threshold 70 (tripped below). A
-- rule with no centre applies to every centre.
CREATE TABLE alert_rules (
    id {{ID}},
    centre_id BIGINT REFERENCES centres(id),
    scope TEXT NOT NULL CHECK (scope IN ('centre', 'counter', 'service')),
    measure TEXT NOT NULL CHECK (measure IN ('unhappy_share', 'index')),
    window_minutes INTEGER NOT NULL CHECK (window_minutes >= 0),
    min_responses INTEGER NOT NULL CHECK (min_responses >= 1),
    threshold INTEGER NOT NULL CHECK (threshold BETWEEN 0 AND 100),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL
);
INSERT INTO alert_rules (centre_id, scope, measure, window_minutes, min_responses, threshold, created_at) VALUES
    (NULL, 'counter', 'unhappy_share', 15, 4, 50, CURRENT_TIMESTAMP),
    (NULL, 'service', 'unhappy_share', 15, 4, 50, CURRENT_TIMESTAMP),
    (NULL, 'centre', 'index', 0, 20, 70, CURRENT_TIMESTAMP);

-- An alert: a rule tripped for one subject (the centre, a counter or a service). It is open until
-- the manager acknowledges it with the cause, and closes when the measure recovers. open_key is
-- set while the alert is not closed, so a subject has at most one live alert per rule however
-- many presses trip it at once.
CREATE TABLE alerts (
    id {{ID}},
    rule_id BIGINT NOT NULL REFERENCES alert_rules(id),
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    scope TEXT NOT NULL CHECK (scope IN ('centre', 'counter', 'service')),
    subject_id BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
    measure_at_open INTEGER NOT NULL,
    responses_at_open INTEGER NOT NULL,
    measure_now INTEGER NOT NULL,
    opened_at {{TIME}} NOT NULL,
    acknowledged_at {{TIME}},
    acknowledged_by BIGINT REFERENCES users(id),
    cause TEXT NOT NULL DEFAULT '',
    closed_at {{TIME}},
    open_key TEXT UNIQUE
);
CREATE INDEX alerts_centre ON alerts (centre_id, opened_at);
CREATE INDEX alerts_live ON alerts (status, centre_id) WHERE status <> 'closed';
