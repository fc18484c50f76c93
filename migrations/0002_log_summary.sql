-- Per stream category (the part of a stream name before its first "-"): how many streams and
-- events the log holds and when the category last changed. Fed by the log-summary projection.
CREATE TABLE log_summary (
  category       TEXT    PRIMARY KEY,
  streams        INTEGER NOT NULL,
  events         INTEGER NOT NULL,
  last_position  TEXT    NOT NULL,
  last_event_at  TEXT    NOT NULL
) STRICT;
