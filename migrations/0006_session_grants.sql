-- The session-grants reactor's tables (src/sessions/read-model/session-grants.reactor.ts).
-- `session_grants`: every grant issued under a browser session (GrantIssued with a sessionId);
-- `revoke_pending` = 1 marks one whose session has ended and whose revocation (RevokeGrant) is
-- not yet known to be written: the reactor's outbox, committed with its checkpoint so that a
-- crash between the two never loses a revocation. `ended_sessions`: sessions that have ended
-- (SessionEnded), so that a grant issued under one afterwards is revoked too. Times ISO-8601 UTC.
CREATE TABLE session_grants (
  grant_id        TEXT PRIMARY KEY,
  session_id      TEXT NOT NULL,
  revoke_pending  INTEGER NOT NULL DEFAULT 0 CHECK (revoke_pending IN (0, 1))
) STRICT;

CREATE INDEX session_grants_by_session ON session_grants (session_id);
CREATE INDEX session_grants_pending ON session_grants (grant_id) WHERE revoke_pending = 1;

CREATE TABLE ended_sessions (
  session_id      TEXT PRIMARY KEY,
  ended_at        TEXT NOT NULL,
  correlation_id  TEXT
) STRICT;
