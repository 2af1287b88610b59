-- A ticket's follow link (the QR code on the printed ticket, the page after joining from a
-- phone) carries a secret; only its hash is kept, so the link shows that ticket and no other.
ALTER TABLE tickets ADD COLUMN key_hash TEXT NOT NULL DEFAULT '';
