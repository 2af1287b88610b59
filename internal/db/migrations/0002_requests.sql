-- Service requests: intake from every channel, lifecycle, SLA clock, assignment, referral, approvals.

-- A service may need prior approval (a website update needs the communication department's
-- approval) and may promise a first response sooner than its resolution ('' = Huduma's default).
ALTER TABLE services ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE services ADD COLUMN response_timeline TEXT NOT NULL DEFAULT '';
-- The fields a service asks for beyond the standard ones: [{"code":"asset_tag","label":"Asset tag","required":true}]
ALTER TABLE services ADD COLUMN fields {{JSON}} NOT NULL DEFAULT '[]';

-- Officers on duty take round-robin assignments; last_assigned_at keeps the rotation fair.
ALTER TABLE users ADD COLUMN on_duty BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN last_assigned_at {{TIME}};

CREATE TABLE requests (
    id {{ID}},
    reference TEXT NOT NULL UNIQUE,
    -- the tracking link's secret, hashed: the link shows one request and nobody else's
    tracking_hash TEXT NOT NULL,
    service_id BIGINT NOT NULL REFERENCES services(id),
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'counter', 'walk_in', 'phone', 'email', 'letter', 'social_media', 'api', 'open311', 'ussd', 'sms')),
    status TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'reopened')),
    waiting_on TEXT NOT NULL DEFAULT '' CHECK (waiting_on IN ('', 'citizen', 'vendor', 'agency')),
    approval TEXT NOT NULL DEFAULT 'not_required' CHECK (approval IN ('not_required', 'pending', 'approved', 'rejected')),
    -- the citizen (personal data: shown only to staff handling the request and to the citizen)
    citizen_name TEXT NOT NULL CHECK (citizen_name <> ''),
    citizen_phone TEXT NOT NULL DEFAULT '',
    citizen_email TEXT NOT NULL DEFAULT '',
    citizen_id_number TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL CHECK (description <> ''),
    fields {{JSON}} NOT NULL DEFAULT '{}',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    address TEXT NOT NULL DEFAULT '',
    assignee_id BIGINT REFERENCES users(id),
    parent_id BIGINT REFERENCES requests(id),
    merged_into_id BIGINT REFERENCES requests(id),
    referred_from_agency_id BIGINT REFERENCES agencies(id),
    -- the SLA: deadlines computed from the service's timeline on the centre's calendar, moved on
    -- when the clock pauses; NULL where the charter commits to no duration
    response_due_at {{TIME}},
    warn_at {{TIME}},
    resolution_due_at {{TIME}},
    responded_at {{TIME}},
    resolved_at {{TIME}},
    closed_at {{TIME}},
    paused_at {{TIME}},
    escalation_level INTEGER NOT NULL DEFAULT 0,
    idempotency_key TEXT UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);
CREATE INDEX requests_inbox ON requests (centre_id, status, resolution_due_at);
CREATE INDEX requests_agency ON requests (agency_id, status, resolution_due_at);
CREATE INDEX requests_assignee ON requests (assignee_id, status);
CREATE INDEX requests_created ON requests (created_at);
CREATE INDEX requests_service ON requests (service_id, status);
CREATE INDEX requests_phone ON requests (citizen_phone);

-- The history: append-only, one row per thing that happened.
CREATE TABLE request_events (
    id {{ID}},
    request_id BIGINT NOT NULL REFERENCES requests(id),
    at {{TIME}} NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL DEFAULT '',
    data {{JSON}} NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_request ON request_events (request_id, id);

-- Intervals during which the SLA clock stood still (waiting on the citizen or a third party).
CREATE TABLE request_pauses (
    id {{ID}},
    request_id BIGINT NOT NULL REFERENCES requests(id),
    started_at {{TIME}} NOT NULL,
    ended_at {{TIME}},
    reason TEXT NOT NULL
);
CREATE INDEX request_pauses_request ON request_pauses (request_id);

CREATE TABLE request_links (
    request_id BIGINT NOT NULL REFERENCES requests(id),
    other_id BIGINT NOT NULL REFERENCES requests(id),
    kind TEXT NOT NULL CHECK (kind IN ('related', 'duplicate')),
    created_at {{TIME}} NOT NULL,
    PRIMARY KEY (request_id, other_id),
    CHECK (request_id <> other_id)
);

-- A referring centre keeps a follow-up until the receiving agency resolves the request.
CREATE TABLE request_followups (
    id {{ID}},
    request_id BIGINT NOT NULL REFERENCES requests(id),
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    to_agency_id BIGINT NOT NULL REFERENCES agencies(id),
    created_at {{TIME}} NOT NULL,
    done_at {{TIME}}
);
CREATE INDEX request_followups_open ON request_followups (centre_id, done_at);

CREATE TABLE attachments (
    id {{ID}},
    request_id BIGINT NOT NULL REFERENCES requests(id),
    event_id BIGINT REFERENCES request_events(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    data {{BLOB}} NOT NULL,
    public BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);

CREATE TABLE canned_replies (
    id {{ID}},
    agency_id BIGINT REFERENCES agencies(id),
    title TEXT NOT NULL CHECK (title <> ''),
    body TEXT NOT NULL CHECK (body <> ''),
    created_at {{TIME}} NOT NULL
);

-- Keys for systems that lodge requests through the API; only a hash is kept.
CREATE TABLE api_keys (
    id {{ID}},
    name TEXT NOT NULL CHECK (name <> ''),
    prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies(id),
    created_at {{TIME}} NOT NULL,
    last_used_at {{TIME}},
    revoked_at {{TIME}}
);
