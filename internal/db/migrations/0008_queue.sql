-- Walk-in queues: tickets, counters and the officers at them, and the calls the hall boards show.

-- How a centre's queue runs each service it offers. A row is made with defaults the first time
-- a ticket is asked for; a centre manager changes it.
CREATE TABLE queue_services (
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    prefix TEXT NOT NULL CHECK (prefix <> ''),          -- the letters on its tickets: A, B, ... AA
    daily_quota INTEGER NOT NULL DEFAULT 0 CHECK (daily_quota >= 0), -- 0: no quota
    cutoff TEXT NOT NULL DEFAULT '',                  -- 'HH:MM' in the centre's zone; '' none
    minutes_per_customer INTEGER NOT NULL DEFAULT 6 CHECK (minutes_per_customer > 0), -- before any is measured
    paused_at {{TIME}},                               -- issuing stopped (the agency's system is down)
    pause_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (centre_id, service_id),
    UNIQUE (centre_id, prefix)
);

-- The last ticket number given for each prefix on each day: UPDATE … RETURNING hands out the next
-- one under the row's lock, so two kiosks never print the same number.
CREATE TABLE queue_numbers (
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    day TEXT NOT NULL,                                -- the centre's local date, YYYY-MM-DD
    prefix TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (centre_id, day, prefix)
);

CREATE TABLE counters (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    number INTEGER NOT NULL CHECK (number > 0),
    label TEXT NOT NULL DEFAULT '',
    UNIQUE (centre_id, number)
);

-- An officer signed in at a counter, with the services they take there (their work profile).
CREATE TABLE counter_sessions (
    id {{ID}},
    counter_id BIGINT NOT NULL REFERENCES counters(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    services {{JSON}} NOT NULL,                        -- [service id, ...]
    started_at {{TIME}} NOT NULL,
    ended_at {{TIME}}
);
CREATE UNIQUE INDEX counter_sessions_counter_open ON counter_sessions (counter_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX counter_sessions_user_open ON counter_sessions (user_id) WHERE ended_at IS NULL;

-- A ticket is one leg of a visit: a transfer ends the leg and opens the next, with the same number
-- and the same arrival time, for another service. The legs of a visit share its journey_id (the
-- first leg's id), so its waiting is attributed to each agency in turn.
CREATE TABLE tickets (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    number TEXT NOT NULL,                             -- A042
    leg INTEGER NOT NULL DEFAULT 1,
    journey_id BIGINT,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'parked', 'done', 'no_show', 'cancelled')),
    priority TEXT NOT NULL DEFAULT '' CHECK (priority IN ('', 'disability', 'elderly', 'expectant', 'infant')),
    channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'web', 'sms', 'ussd', 'counter', 'appointment', 'api')),
    phone TEXT NOT NULL DEFAULT '',                   -- personal data: for "your turn is near" only
    arrived_at {{TIME}} NOT NULL,                     -- the visit's arrival, kept across transfers
    queued_at {{TIME}} NOT NULL,                      -- when this leg joined its queue
    rank_at {{TIME}} NOT NULL,                        -- the calling order: arrival, less the priority allowance
    counter_only_id BIGINT REFERENCES counters(id),   -- transferred to one counter: only it calls the ticket
    called_at {{TIME}},
    recalls INTEGER NOT NULL DEFAULT 0,
    counter_id BIGINT REFERENCES counters(id),
    officer_id BIGINT REFERENCES users(id),
    served_at {{TIME}},
    done_at {{TIME}},
    outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'served', 'transferred', 'request', 'no_show', 'cancelled', 'not_served')),
    request_id BIGINT REFERENCES requests(id),
    near_sent BOOLEAN NOT NULL DEFAULT FALSE,         -- "your turn is near" sent
    UNIQUE (centre_id, day, number, leg)
);
-- Call-next reads the head of each service's waiting line from here, by rank and by time queued
-- (the longest-waiting, whom nobody may overtake too often).
CREATE INDEX tickets_waiting ON tickets (centre_id, service_id, rank_at, id) WHERE status = 'waiting';
CREATE INDEX tickets_waiting_since ON tickets (centre_id, service_id, queued_at, id) WHERE status = 'waiting';
-- ... and counts the calls made since then.
CREATE INDEX tickets_called ON tickets (centre_id, called_at) WHERE called_at IS NOT NULL;
-- The centre monitor and the estimates read today's tickets of a centre.
CREATE INDEX tickets_day ON tickets (centre_id, day, status);
CREATE INDEX tickets_counter ON tickets (counter_id, status) WHERE status IN ('called', 'serving', 'parked');

-- What the hall boards show and say, in order. A board that reconnects asks for the calls after
-- the last id it saw, so it neither misses nor repeats one.
CREATE TABLE queue_calls (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    number TEXT NOT NULL,
    counter_number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'recall')),
    at {{TIME}} NOT NULL
);
CREATE INDEX queue_calls_centre ON queue_calls (centre_id, id);
