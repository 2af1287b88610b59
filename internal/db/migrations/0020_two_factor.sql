-- Two-step sign-in and account lockout (issue 10).
--
-- TOTP (RFC 6238): totp_secret is the base32 key shared with the authenticator app. While
-- totp_enabled_at is NULL it is only a pending enrolment, not yet in effect; once confirmed the
-- secret is never shown again. totp_last_step is the 30-second step of the last code accepted, so
-- the same code (or an older one) cannot be used twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at {{TIME}};
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
-- Lockout: after too many failed sign-ins the account refuses even the right password until
-- locked_until (or an administrator's unlock). Failures before failures_reset_at do not count.
ALTER TABLE users ADD COLUMN locked_until {{TIME}};
ALTER TABLE users ADD COLUMN failures_reset_at {{TIME}};

-- Single-use recovery codes, stored hashed (SHA-256 of the normalised code).
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at {{TIME}},
    PRIMARY KEY (user_id, code_hash)
);

-- Failed sign-ins per account (a wrong password or a wrong second-step code), counted in the
-- database so that every node sees the same count.
CREATE TABLE sign_in_failures (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at {{TIME}} NOT NULL,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sign_in_failures_user_at ON sign_in_failures (user_id, at);

-- The half-signed-in state between a right password and the second step: a random token in a
-- cookie of that browser, stored hashed, valid for a few minutes, good for a few tries. It is not
-- a session and opens nothing but the second-step form.
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at {{TIME}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sign_in_challenges_user ON sign_in_challenges (user_id);
