-- Foundation: calendars and holidays, agencies, centres, services, charters, staff, sessions, audit.
-- Portable SQL; {{ID}}, {{TIME}} and {{JSON}} are expanded per engine (internal/db/dialect.go).
-- Lists (requirements, values, commitments...) are JSON arrays of strings stored as text.

CREATE TABLE calendars (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'Africa/Nairobi',
    -- weekly working windows, e.g. [{"day":1,"start":"08:00","end":"13:00"}, ...]; day 0 = Sunday
    windows {{JSON}} NOT NULL,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

-- Holidays an admin enters (Idd-ul-Fitr, days gazetted at short notice). Statutory holidays are
-- computed by internal/worktime and are not stored. A NULL calendar_id applies to every calendar.
CREATE TABLE holidays (
    id {{ID}},
    calendar_id BIGINT REFERENCES calendars(id) ON DELETE CASCADE,
    day TEXT NOT NULL CHECK (length(day) = 10),
    name TEXT NOT NULL CHECK (name <> ''),
    gazette_notice TEXT NOT NULL DEFAULT '',
    created_at {{TIME}} NOT NULL
);
CREATE UNIQUE INDEX holidays_national_day ON holidays (day) WHERE calendar_id IS NULL;
CREATE UNIQUE INDEX holidays_calendar_day ON holidays (calendar_id, day) WHERE calendar_id IS NOT NULL;

CREATE TABLE agencies (
    id {{ID}},
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    name_sw TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('ministry', 'state_department', 'agency', 'county_department')),
    county TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

CREATE TABLE centres (
    id {{ID}},
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('huduma_centre', 'county_office')),
    county TEXT NOT NULL CHECK (county <> ''),
    address TEXT NOT NULL DEFAULT '',
    calendar_id BIGINT NOT NULL REFERENCES calendars(id),
    counters INTEGER NOT NULL DEFAULT 0 CHECK (counters >= 0),
    -- the agency that runs a county office (NULL for a Huduma Centre, run by the secretariat)
    agency_id BIGINT REFERENCES agencies(id),
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

CREATE TABLE services (
    id {{ID}},
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    position INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL CHECK (name <> ''),
    name_sw TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    requirements {{JSON}} NOT NULL DEFAULT '[]',
    -- cost: an amount in KES (whole cents), free, or a text such as "as per contract"
    cost_kind TEXT NOT NULL CHECK (cost_kind IN ('free', 'amount', 'text')),
    cost_cents BIGINT NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
    cost_text TEXT NOT NULL DEFAULT '',
    -- committed timeline: a working duration ("30m", "2h", "10d", "4w"), continuous, or a text only
    timeline_kind TEXT NOT NULL CHECK (timeline_kind IN ('duration', 'continuous', 'text')),
    timeline TEXT NOT NULL DEFAULT '',
    timeline_text TEXT NOT NULL DEFAULT '',
    channels {{JSON}} NOT NULL DEFAULT '[]',
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);
CREATE INDEX services_agency ON services (agency_id, position);

CREATE TABLE centre_services (
    centre_id BIGINT NOT NULL REFERENCES centres(id) ON DELETE CASCADE,
    service_id BIGINT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (centre_id, service_id)
);
CREATE INDEX centre_services_service ON centre_services (service_id);

-- A charter belongs to an agency or to a centre, never both.
CREATE TABLE charters (
    id {{ID}},
    agency_id BIGINT UNIQUE REFERENCES agencies(id) ON DELETE CASCADE,
    centre_id BIGINT UNIQUE REFERENCES centres(id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (title <> ''),
    preamble TEXT NOT NULL DEFAULT '',
    vision TEXT NOT NULL DEFAULT '',
    mission TEXT NOT NULL DEFAULT '',
    mandate TEXT NOT NULL DEFAULT '',
    core_values {{JSON}} NOT NULL DEFAULT '[]',
    core_functions {{JSON}} NOT NULL DEFAULT '[]',
    legislation {{JSON}} NOT NULL DEFAULT '[]',
    commitments {{JSON}} NOT NULL DEFAULT '[]',
    clients {{JSON}} NOT NULL DEFAULT '[]',
    standards {{JSON}} NOT NULL DEFAULT '[]',
    conduct {{JSON}} NOT NULL DEFAULT '[]',
    client_obligations {{JSON}} NOT NULL DEFAULT '[]',
    client_rights {{JSON}} NOT NULL DEFAULT '[]',
    working_hours TEXT NOT NULL DEFAULT '',
    matrix_note TEXT NOT NULL DEFAULT '',
    complaints TEXT NOT NULL DEFAULT '',
    closing TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT TRUE,
    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL,
    CHECK ((agency_id IS NULL) <> (centre_id IS NULL))
);

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE CHECK (username <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'centre_manager', 'agency_admin', 'national_admin', 'auditor')),
    centre_id BIGINT REFERENCES centres(id),
    agency_id BIGINT REFERENCES agencies(id),
    language TEXT NOT NULL DEFAULT 'en',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{TIME}} NOT NULL,
    updated_at {{TIME}} NOT NULL,
    -- scope: officers and centre managers belong to a centre, agency admins to an agency
    CHECK (role NOT IN ('officer', 'centre_manager') OR centre_id IS NOT NULL),
    CHECK (role <> 'agency_admin' OR agency_id IS NOT NULL)
);

-- Sessions store only a hash of the cookie's token, so a leaked table cannot sign anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at {{TIME}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The audit trail: who did what to which thing, with the record before and after, as JSON.
CREATE TABLE audit_log (
    id {{ID}},
    at {{TIME}} NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    before_json {{JSON}} NOT NULL DEFAULT '',
    after_json {{JSON}} NOT NULL DEFAULT '',
    agency_id BIGINT,
    centre_id BIGINT,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
