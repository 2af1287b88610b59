-- Complaints and compliments (issue 5): lodged on every channel, owned by the centre's manager —
-- or, for a report of a request for a bribe, by the integrity officers only — with a deadline on
-- the centre's working calendar, an escalation ladder, and the complainant told what was done.
CREATE TABLE complaints (
    id {{ID}},
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'compliment')),
    -- '' only for a compliment
    category TEXT NOT NULL DEFAULT '' CHECK (category IN ('', 'delay', 'staff_conduct', 'bribe', 'wrong_information', 'facilities', 'other')),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'counter', 'phone', 'email', 'sms', 'api')),
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    agency_id BIGINT REFERENCES agencies(id),
    service_id BIGINT REFERENCES services(id),
    -- the officer it is about: an account, or the words the citizen used ("the lady at counter 3")
    officer_id BIGINT REFERENCES users(id),
    officer_text TEXT NOT NULL DEFAULT '',
    ticket_id BIGINT REFERENCES tickets(id),
    request_id BIGINT REFERENCES requests(id),
    description TEXT NOT NULL CHECK (description <> ''),
    -- the complainant (personal data: shown only to those handling it); none when anonymous
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    -- the tracking link's secret, hashed
    key_hash TEXT NOT NULL,
    -- centre: the centre's manager; integrity: the integrity officers (bribe reports), nobody else
    owner TEXT NOT NULL CHECK (owner IN ('centre', 'integrity')),
    assignee_id BIGINT REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'answered', 'closed', 'reopened', 'recorded')),
    due_at {{TIME}},
    warn_at {{TIME}},
    escalation_level INTEGER NOT NULL DEFAULT 0,
    action_taken TEXT NOT NULL DEFAULT '',
    answered_at {{TIME}},
    told_at {{TIME}},
    told_via TEXT NOT NULL DEFAULT '' CHECK (told_via IN ('', 'sms', 'email', 'phone', 'in_person', 'letter', 'tracking_page')),
    referred_eacc_at {{TIME}},
    eacc_reference TEXT NOT NULL DEFAULT '',
    referred_ombudsman_at {{TIME}},
    ombudsman_reference TEXT NOT NULL DEFAULT '',
    confirmed_at {{TIME}},
    reopen_count INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL,
    closed_at {{TIME}},
    CHECK ((category = 'bribe') = (owner = 'integrity')),
    CHECK ((kind = 'compliment') = (status = 'recorded')),
    CHECK (kind = 'compliment' OR category <> ''),
    CHECK (NOT anonymous OR (contact_name = '' AND contact_phone = '' AND contact_email = '')),
    CHECK (anonymous OR kind = 'compliment' OR contact_phone <> '' OR contact_email <> '')
);
CREATE INDEX complaints_centre ON complaints (centre_id, status, due_at);
CREATE INDEX complaints_owner ON complaints (owner, status, due_at);
CREATE INDEX complaints_officer ON complaints (officer_id, kind, created_at);
CREATE INDEX complaints_created ON complaints (created_at);

-- A complaint's history: append-only; public entries are shown on the tracking page.
CREATE TABLE complaint_events (
    id {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    at {{TIME}} NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL DEFAULT '',
    data {{JSON}} NOT NULL DEFAULT '{}'
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);
