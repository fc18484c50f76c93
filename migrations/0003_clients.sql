-- Registered OAuth clients, one row per client that exists and is not deleted. Fed by the clients
-- projection from the client-<clientId> streams; loaded into ClientDirectory's in-memory index at
-- start. secret_digest is the HMAC-SHA-256 of the client secret under the server pepper (never the
-- secret), NULL for public clients. revision is the stream revision of the client's last event,
-- the ETag of optimistic concurrency.
CREATE TABLE clients (
  client_id          TEXT    PRIMARY KEY,
  client_name        TEXT    NOT NULL,
  metadata           TEXT    NOT NULL,
  secret_digest      TEXT,
  revision           INTEGER NOT NULL,
  created_at         TEXT    NOT NULL,
  updated_at         TEXT    NOT NULL
) STRICT;
