-- The retention reactor's tables (src/audit/retention/retention.reactor.ts).
-- `retention_pending`: streams of the authcode and audit categories seen starting (their event at
-- revision 0) whose max age (EventStore.setStreamMaxAge) is not yet known to be set: the
-- reactor's outbox, committed with its checkpoint so that a crash between the two loses none.
-- `retention_streams`: per category, how many streams the reactor has given a max age.
CREATE TABLE retention_pending (
  stream  TEXT PRIMARY KEY
) STRICT;

CREATE TABLE retention_streams (
  category  TEXT    PRIMARY KEY,
  streams   INTEGER NOT NULL
) STRICT;
