-- Ratings not yet counted into the roll-ups (issue 5). A press writes its rating and a row here,
-- nothing shared: sixteen tablets of one centre pressing at once no longer queue on the centre's
-- roll-up rows, each waiting for the one before to commit. The folder (feedback.Store.Fold, run
-- by the alert watcher as ratings arrive) counts a batch into the roll-ups and deletes its rows
-- here in one transaction, so every rating is counted exactly once.
CREATE TABLE rating_pending (
    rating_id BIGINT PRIMARY KEY REFERENCES ratings(id)
);
