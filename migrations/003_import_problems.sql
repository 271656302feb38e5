-- hvreplay schema, version 3: every problem an import found, not a capped sample.
--
-- A line the parser could not read (finding = 0) or a fact about the trace worth its file:line, such
-- as a kvm event outside its KVM_RUN (finding = 1). Written in the import's transaction, so a trace and
-- its problems appear together; `traces.stats` keeps the counts and a summary by kind.
CREATE TABLE problems (
  trace_id INTEGER NOT NULL,
  n        INTEGER NOT NULL,              -- order of discovery, from 0
  stat     TEXT NOT NULL,                 -- the statistic it is counted under, e.g. 'strace.unparsed_line'
  finding  INTEGER NOT NULL,              -- 1: a fact about the trace; 0: input that could not be read
  file     INTEGER,                       -- strings.id
  line     INTEGER NOT NULL,
  message  TEXT NOT NULL,
  text     TEXT NOT NULL,                 -- the line as it was, for an unreadable one
  PRIMARY KEY (trace_id, n)
) WITHOUT ROWID;

CREATE VIEW import_problems AS
SELECT t.name AS trace, p.trace_id, p.n, p.stat, p.finding, f.text || ':' || p.line AS source, p.message, p.text
FROM problems p
JOIN traces t ON t.id = p.trace_id
LEFT JOIN strings f ON f.id = p.file;
