-- The delivery worker leases a pending delivery while it sends it, so that
-- two instances never send one copy twice: the claim takes rows whose lease
-- is free or expired (on PostgreSQL with FOR UPDATE SKIP LOCKED), and every
-- outcome is written only by the lease's holder.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
ALTER TABLE deliveries ADD COLUMN lease_expires_at TIMESTAMPTZ;
-- Counts are read as 64-bit integers on both backends (SQLite's INTEGER
-- already is).
ALTER TABLE deliveries ALTER COLUMN attempts TYPE BIGINT;
ALTER TABLE delivery_attempts ALTER COLUMN attempt TYPE BIGINT;
ALTER TABLE delivery_attempts ALTER COLUMN duration_ms TYPE BIGINT;
ALTER TABLE delivery_attempts ALTER COLUMN status_code TYPE BIGINT;
