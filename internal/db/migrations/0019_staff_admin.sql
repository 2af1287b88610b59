-- Staff administration (issue 10): accounts are invited rather than given a password, passwords are
-- reset by a one-time link, and each person sees the browsers signed in to their account.

-- A one-time link to set a password: an invitation (a new account) or a reset. Only the token's
-- hash is stored (internal/secret); a link works once, until expires_at, and a newer link, a
-- disabled account or a password set another way ends it.
CREATE TABLE password_tokens (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{TIME}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    used_at {{TIME}},
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX password_tokens_user ON password_tokens (user_id, created_at);

-- When a session was last used, for the "your sessions" list (written at most once a minute).
ALTER TABLE sessions ADD COLUMN last_seen_at {{TIME}};
