-- A citizen's rating of a resolved request: one per request (a second submission replaces the
-- first, so a retried form never counts twice). Issue 5 builds feedback and complaints on this.
CREATE TABLE request_ratings (
    request_id BIGINT PRIMARY KEY REFERENCES requests(id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    rated_at {{TIME}} NOT NULL
);
