-- Notifications: the outbox of SMS and email messages (internal/notify).
--
-- A domain change enqueues its message in the same transaction (so it is sent if and only if the
-- change commits); a worker claims due rows under a lease, sends them through a provider and records
-- the result. Delivery reports from the SMS provider move 'sent' on to 'delivered' or 'undeliverable'.

CREATE TABLE outbox (
    id {{ID}},
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    -- E.164 (+2547XXXXXXXX) for SMS, a bare address for email
    recipient TEXT NOT NULL CHECK (recipient <> ''),
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL CHECK (body <> ''),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'delivered', 'undeliverable')),
    -- attempts made so far; a claim counts as an attempt
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- when the row is next due: the first try, a retry after backoff, or (while 'sending') the end of
    -- the lease, after which another worker may take the message over
    next_attempt_at {{TIME}} NOT NULL,
    -- the lease of the worker sending the row; NULL when no worker holds it
    locked_until {{TIME}},
    provider TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    -- one message per event: a second enqueue with the same key adds nothing (NULL: no dedupe)
    dedupe_key TEXT UNIQUE,
    -- the service request the message is about (no foreign key: requests may be purged, the
    -- record of what was sent stays)
    request_id BIGINT,
    created_at {{TIME}} NOT NULL,
    sent_at {{TIME}},
    delivered_at {{TIME}}
);

-- The worker's due-scan: only unfinished rows, oldest due first.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'sending');
-- Delivery reports look a message up by the provider's id.
CREATE INDEX outbox_provider_message ON outbox (provider_message_id) WHERE provider_message_id IS NOT NULL;
-- A request's page lists the messages sent about it.
CREATE INDEX outbox_request ON outbox (request_id) WHERE request_id IS NOT NULL;
