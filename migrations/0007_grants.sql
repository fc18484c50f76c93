-- Every recorded grant (`grant-<id>` streams), for the admin API: list by subject or client, see
-- when each was issued, last refreshed and revoked. Fed by the grants projection. `scope` and
-- `resources` are JSON arrays of strings; times are ISO-8601 UTC. Grants of client_credentials
-- are not recorded (one token each, see TokenGrants.clientCredentials), so they have no row.
CREATE TABLE grants (
  grant_id            TEXT PRIMARY KEY,
  client_id           TEXT NOT NULL,
  subject             TEXT NOT NULL,
  login               TEXT,
  scope               TEXT NOT NULL,
  resources           TEXT NOT NULL,
  issued_at           TEXT NOT NULL,
  last_used_at        TEXT NOT NULL,
  refresh_expires_at  TEXT,
  revoked_at          TEXT,
  revoked_reason      TEXT
) STRICT;

CREATE INDEX grants_by_subject ON grants (subject, issued_at, grant_id);
CREATE INDEX grants_by_client ON grants (client_id, issued_at, grant_id);
CREATE INDEX grants_by_issue ON grants (issued_at, grant_id);
