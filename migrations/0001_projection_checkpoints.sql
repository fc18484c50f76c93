-- Where each projection is in `$all`: the position (formatPosition text, "commit/prepare") of the
-- last event it has seen, written in the same transaction as the rows that event produced.
CREATE TABLE projection_checkpoints (
  projection TEXT PRIMARY KEY,
  position   TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
