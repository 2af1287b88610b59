-- Estimates average a service's latest services at a centre: read them newest first from here,
-- not by walking the centre's whole day (which made each estimate slower as the day went on).
CREATE INDEX tickets_done ON tickets (centre_id, service_id, done_at) WHERE status = 'done';
