-- The ticket at a counter is looked up with status IN ('called', 'serving'). SQLite uses a
-- partial index only when the query repeats its condition, so the index says exactly that
-- (0008's also held parked tickets, and SQLite walked the table instead: 40% of a simulated
-- day's time went there).
DROP INDEX tickets_counter;
CREATE INDEX tickets_at_counter ON tickets (counter_id) WHERE status IN ('called', 'serving');
CREATE INDEX tickets_parked ON tickets (counter_id) WHERE status = 'parked';
