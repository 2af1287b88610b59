-- Feedback (issue 5): every rating, from every channel, in one table.

-- A tablet bound to one counter, with four smiley buttons. It signs in with a secret in its
-- address; only the secret's hash is kept.
CREATE TABLE feedback_devices (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    counter_id BIGINT NOT NULL REFERENCES counters(id),
    label TEXT NOT NULL DEFAULT '',
    key_hash TEXT NOT NULL,
    created_at {{TIME}} NOT NULL,
    revoked_at {{TIME}}
);
CREATE INDEX feedback_devices_counter ON feedback_devices (counter_id);

-- A rating: 1 (very unhappy) to 4 (very happy). A press on a counter's device joins itself to the
-- visit just finished there (its ticket, officer, service, agency, waiting and service time); a
-- visit is rated once. Presses that join no visit, and bursts of presses, are kept but counted
-- apart (suspect).
CREATE TABLE ratings (
    id {{ID}},
    source TEXT NOT NULL CHECK (source IN ('device', 'link', 'web', 'sms', 'ussd', 'api')),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    reason TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    centre_id BIGINT REFERENCES centres(id),
    counter_id BIGINT REFERENCES counters(id),
    device_id BIGINT REFERENCES feedback_devices(id),
    officer_id BIGINT REFERENCES users(id),
    service_id BIGINT REFERENCES services(id),
    agency_id BIGINT REFERENCES agencies(id),
    ticket_id BIGINT UNIQUE REFERENCES tickets(id),
    request_id BIGINT REFERENCES requests(id),
    wait_seconds INTEGER,
    service_seconds INTEGER,
    suspect TEXT NOT NULL DEFAULT '' CHECK (suspect IN ('', 'no_visit', 'burst')),
    at {{TIME}} NOT NULL
);
CREATE INDEX ratings_centre_at ON ratings (centre_id, at);
CREATE INDEX ratings_device_at ON ratings (device_id, at);
CREATE INDEX ratings_officer_at ON ratings (officer_id, at);
