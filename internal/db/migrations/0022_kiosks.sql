-- A hall kiosk registered by its centre's manager: its secret (only its hash is kept) is set in
-- the kiosk's browser, and tickets it issues are counted against the kiosk's own limit instead of
-- its network address's (several kiosks share one address behind the centre's router). Revoking
-- sets revoked_at; the kiosk then counts as a public page again.
CREATE TABLE kiosks (
    id {{ID}},
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    label TEXT NOT NULL DEFAULT '',
    key_hash TEXT NOT NULL,
    created_at {{TIME}} NOT NULL,
    revoked_at {{TIME}}
);
CREATE INDEX kiosks_centre ON kiosks (centre_id);
