-- hvreplay schema, version 1. See README.md "Schema" for how to query it.

-- Interned text: event names, comms and source file names repeat millions of times.
CREATE TABLE strings (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);

CREATE TABLE kinds (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO kinds (id, name) VALUES
  (0, 'ioctl'), (1, 'syscall'), (2, 'hypercall'), (3, 'fault'), (4, 'context_switch'),
  (5, 'exit'), (6, 'guest'), (7, 'marker'), (8, 'generic');

CREATE TABLE traces (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  format       TEXT NOT NULL,             -- 'scenario', 'strace', 'ftrace', 'strace+ftrace', ...
  sources      TEXT NOT NULL,             -- JSON: [{path, bytes, sha256}]
  content_hash TEXT NOT NULL,             -- sha256 over the sources: an unchanged scenario is reused
  imported_at  TEXT NOT NULL,             -- ISO 8601, UTC
  event_count  INTEGER NOT NULL,
  t0           REAL,                      -- seconds of the first timed event; events store t_ns from it
  stats        TEXT NOT NULL DEFAULT '{}',-- JSON: import statistics and problems with file:line
  meta         TEXT NOT NULL DEFAULT '{}' -- JSON: scenario header, clock alignment, ...
);

-- Append-only. (trace_id, seq) is the key and the order.
CREATE TABLE events (
  trace_id INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  kind     INTEGER NOT NULL,              -- kinds.id
  name     INTEGER NOT NULL,              -- strings.id
  t_ns     INTEGER,                       -- nanoseconds after traces.t0
  pid      INTEGER,
  tid      INTEGER,
  comm     INTEGER,                       -- strings.id
  cpu      INTEGER,
  vm       INTEGER,
  vcpu     INTEGER,
  -- No declared type, so an integer stays an integer. NULL: no args; INTEGER: {"raw": strings.text};
  -- TEXT starting with '{': a JSON object; other TEXT: {"raw": the text}. `event_log` shows JSON.
  args,
  result   TEXT,                          -- JSON: observed ret, errno, exit, fdPath, duration
  src_file INTEGER,                       -- strings.id
  src_line INTEGER,
  label    TEXT,
  PRIMARY KEY (trace_id, seq)
) WITHOUT ROWID;

-- Room for time travel: states persisted while replaying, keyed by what produced them.
CREATE TABLE snapshots (
  trace_id   INTEGER NOT NULL,
  policy_key TEXT NOT NULL,               -- the active policy ids, sorted by area
  engine     TEXT NOT NULL,               -- fingerprint of the reducer and policy code
  seq        INTEGER NOT NULL,            -- the state after this event
  state      BLOB NOT NULL,
  PRIMARY KEY (trace_id, policy_key, engine, seq)
) WITHOUT ROWID;

-- Views for people who open the file with sqlite3.
CREATE VIEW event_log AS
SELECT t.name AS trace, e.trace_id, e.seq, k.name AS kind, n.text AS name,
       t.t0 + e.t_ns / 1e9 AS ts, e.pid, e.tid, c.text AS comm, e.cpu, e.vm, e.vcpu,
       CASE
         WHEN e.args IS NULL THEN NULL
         WHEN typeof(e.args) IN ('integer', 'real') THEN json_object('raw', (SELECT text FROM strings WHERE id = e.args))
         WHEN substr(e.args, 1, 1) = '{' THEN e.args
         ELSE json_object('raw', e.args)
       END AS args,
       e.result, f.text || ':' || e.src_line AS source, e.label
FROM events e
JOIN traces t ON t.id = e.trace_id
JOIN kinds k ON k.id = e.kind
JOIN strings n ON n.id = e.name
LEFT JOIN strings c ON c.id = e.comm
LEFT JOIN strings f ON f.id = e.src_file;

CREATE VIEW memslot_calls AS
SELECT trace, seq, pid, tid,
       json_extract(args, '$.slot') AS slot,
       json_extract(args, '$.flags') AS flags,
       json_extract(args, '$.guest_phys_addr') AS guest_phys_addr,
       json_extract(args, '$.memory_size') AS memory_size,
       json_extract(args, '$.userspace_addr') AS userspace_addr,
       json_extract(result, '$.ret') AS ret,
       json_extract(result, '$.errno') AS errno,
       source
FROM event_log WHERE name = 'KVM_SET_USER_MEMORY_REGION';

-- Exits to userspace as each source saw them: strace's KVM_RUN returns and ftrace's kvm_userspace_exit.
CREATE VIEW userspace_exits AS
SELECT trace, name AS seen_by, coalesce(json_extract(result, '$.exit'), json_extract(args, '$.reason')) AS reason, count(*) AS count
FROM event_log
WHERE (name = 'KVM_RUN' AND json_extract(result, '$.exit') IS NOT NULL) OR name = 'kvm_userspace_exit'
GROUP BY trace, seen_by, reason;

CREATE VIEW event_counts AS
SELECT trace, kind, name, count(*) AS count FROM event_log GROUP BY trace, kind, name;
