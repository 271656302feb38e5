-- hvreplay schema, version 2: a marker row for each complete set of snapshots.
--
-- Snapshots of one (trace, policy set, engine) are written in the same transaction as this row, so a
-- set is usable only when its row exists; a reader that finds no row rebuilds the set instead of
-- trusting a partial one. `spacing` records the rule's inputs and outcome for `hvreplay traces` and
-- for people reading the file with sqlite3.
CREATE TABLE snapshot_sets (
  trace_id    INTEGER NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
  policy_key  TEXT NOT NULL,
  engine      TEXT NOT NULL,
  codec       TEXT NOT NULL,              -- 'deflate-raw+json'
  count       INTEGER NOT NULL,           -- snapshots in the set
  bytes       INTEGER NOT NULL,           -- their total compressed size
  max_gap     INTEGER NOT NULL,           -- the most events a seek folds after a snapshot
  spacing     TEXT NOT NULL DEFAULT '{}', -- JSON: the inputs of the spacing rule
  built_at    TEXT NOT NULL,              -- ISO 8601, UTC
  PRIMARY KEY (trace_id, policy_key, engine)
) WITHOUT ROWID;
